"""Session pages: the agenda (being written)."""

from __future__ import annotations

from typing import Any

from saas.models import Brand, StrategySession
from saas.web.sessions import bp  # noqa: F401


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_agenda.html`` on the session page."""
    return {}
