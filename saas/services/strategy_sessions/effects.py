"""What follows a change to a session, in the same unit of work: a new session's agenda is
drafted (``agenda``), its reminders are planned again (``reminding``) and its invitations go
out through the outbox (``mailing``).

``scheduling`` calls ``after_change`` once per use case with every occurrence it touched,
so both consequences see the same list and neither is forgotten by one code path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from saas.models import StrategySession

SCHEDULED = "scheduled"
UPDATED = "updated"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Change:
    """One occurrence after a change: ``what`` happened, which ``fields`` changed (an
    update), and who is no longer invited (``removed``, emails), who must get a CANCEL."""

    session: StrategySession
    what: str
    fields: frozenset[str] = field(default_factory=frozenset)
    removed: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """The time changed, so reminders move."""
        return self.what == SCHEDULED or bool({"starts_at", "duration_minutes"} & self.fields)


def after_change(changes: Sequence[Change], *, now: datetime) -> None:
    if not changes:
        return
    from saas.services.strategy_sessions import agenda, mailing, reminding

    for change in changes:
        if change.what == SCHEDULED:
            agenda.draft_new(change.session, now=now)
    reminding.plan(changes, now=now)
    mailing.send_invitations(changes, now=now)
