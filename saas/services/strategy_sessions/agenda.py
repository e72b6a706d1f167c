"""A session's agenda drafted from the brand's data (placeholder: being written)."""

from __future__ import annotations

from datetime import datetime

from saas.models import StrategySession


def draft_new(session: StrategySession, *, now: datetime) -> None:
    """Draft the agenda of a newly scheduled session (nothing to keep yet)."""
