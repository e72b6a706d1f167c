"""What operators see of Stripe's events: the ones stuck or failed, and a replay.

There is no platform admin in the app (every page belongs to an agency), so this is the
CLI: ``flask billing events`` lists events that are not done, ``flask billing replay <id>``
applies one again through the same job as a delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from saas.extensions import db
from saas.models import BillingEvent
from saas.services.billing.events import APPLY_JOB, mark_for_replay
from saas.transactions import use_case
from tenants.context import system_scope
from worker.queue import enqueue_after_commit

NOT_DONE = ("received", "failed")


@dataclass(frozen=True)
class EventLine:
    id: int
    stripe_event_id: str
    type: str
    status: str
    attempts: int
    agency_id: int | None
    received_at: datetime
    last_error: str | None


def list_events(statuses: tuple[str, ...] = NOT_DONE, limit: int = 100) -> list[EventLine]:
    with system_scope():
        rows = db.session.scalars(
            select(BillingEvent)
            .where(BillingEvent.status.in_(statuses))
            .order_by(BillingEvent.id.desc())
            .limit(limit)
        )
        return [_line(r) for r in rows]


def row_id_of(reference: str) -> int | None:
    """The stored row's id for what an operator has at hand: the row id that
    ``flask billing events`` prints, or Stripe's own event id (``evt_…``, from the Stripe
    dashboard or a support ticket).  None when neither names a stored event."""
    reference = reference.strip()
    if reference.isascii() and reference.isdigit():
        return int(reference) if 0 < int(reference) < 2**63 else None
    with system_scope():
        return db.session.scalar(
            select(BillingEvent.id).where(BillingEvent.stripe_event_id == reference)
        )


def event_line(event_row_id: int) -> EventLine | None:
    with system_scope():
        r = db.session.get(BillingEvent, event_row_id)
        if r is not None:
            db.session.refresh(r)  # what the job wrote, not what this session remembers
    return None if r is None else _line(r)


def _line(r: BillingEvent) -> EventLine:
    return EventLine(
        id=r.id,
        stripe_event_id=r.stripe_event_id,
        type=r.type,
        status=r.status,
        attempts=r.attempts,
        agency_id=r.agency_id,
        received_at=r.received_at,
        last_error=r.last_error,
    )


@use_case
def replay(event_row_id: int) -> bool:
    """Back to ``received`` and enqueued (after the commit); False when there is no such
    event.  A processed event replays harmlessly: its state is compared, not repeated."""
    event = mark_for_replay(event_row_id)
    if event is None:
        return False
    enqueue_after_commit(db.session, APPLY_JOB, event.id)
    return True
