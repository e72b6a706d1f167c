"""The session page's responses panel (being written)."""

from __future__ import annotations

from typing import Any

from saas.models import Brand, StrategySession


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_responses.html`` on the session page."""
    return {}
