"""Invitations, updates and cancellations by email (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from saas.services.strategy_sessions.effects import Change


def send_invitations(changes: Sequence[Change], *, now: datetime) -> None:
    """Queue one REQUEST or CANCEL email per attendee of each changed session."""
