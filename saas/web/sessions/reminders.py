"""The session page's reminders panel (being written)."""

from __future__ import annotations

from typing import Any

from saas.models import Brand, StrategySession


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_reminders.html`` on the session page."""
    return {}
