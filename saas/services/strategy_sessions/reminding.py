"""Reminders 24 hours and 1 hour before a session (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from saas.services.strategy_sessions.effects import Change


def plan(changes: Sequence[Change], *, now: datetime) -> None:
    """Create, move or cancel the reminder rows (and their jobs) of each changed session."""
