"""Reading sessions: a brand's list, one session, and the attendees' busy time.

Lists and single loads go through the caller's tenant and brand scope like every query.
Busy time is the one read that looks across the agency's brands (an attendee's other
session may be in a brand the caller cannot see); it selects plain columns only, so no
row of a hidden brand enters the identity map, and each interval says whether the caller
may see it, which decides what a conflict reveals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from saas.domain.sessions import MAX_DURATION_MINUTES, BusyInterval, as_utc
from saas.extensions import db
from saas.models import Membership, SessionAttendee, StrategySession
from tenants.context import tenant_scope


def for_brand(brand_id: int) -> Select[Any]:
    """The brand's sessions, soonest first, with their attendees."""
    return (
        select(StrategySession)
        .where(StrategySession.brand_id == brand_id)
        .options(selectinload(StrategySession.attendees))
        .order_by(StrategySession.starts_at, StrategySession.id)
    )


def load(session_id: int) -> StrategySession | None:
    return db.session.scalar(
        select(StrategySession)
        .where(StrategySession.id == session_id)
        .options(selectinload(StrategySession.attendees))
    )


def series_of(
    session: StrategySession, *, not_before: datetime | None = None
) -> list[StrategySession]:
    """The occurrences of the session's series that still take place (itself when alone)."""
    if session.series_id is None:
        return [session]
    stmt = (
        select(StrategySession)
        .where(
            StrategySession.series_id == session.series_id,
            StrategySession.status != "cancelled",
        )
        .options(selectinload(StrategySession.attendees))
        .order_by(StrategySession.starts_at, StrategySession.id)
    )
    if not_before is not None:
        stmt = stmt.where(StrategySession.starts_at >= not_before)
    rows = list(db.session.scalars(stmt))
    return rows if session in rows else [session, *rows]


def busy(
    actor: Membership,
    emails: Iterable[str],
    start: datetime,
    end: datetime,
    *,
    ignore_ids: Collection[int] = (),
) -> dict[str, list[BusyInterval]]:
    """Each attendee's other sessions in the agency meeting [start, end), by email.

    ``visible`` is whether ``actor`` may see the session's brand."""
    wanted = sorted(set(emails))
    if not wanted:
        return {}
    naive_start = as_utc(start).replace(tzinfo=None)
    naive_end = as_utc(end).replace(tzinfo=None)
    allowed = actor.brand_ids
    stmt = (
        select(
            StrategySession.id,
            StrategySession.title,
            StrategySession.starts_at,
            StrategySession.duration_minutes,
            StrategySession.brand_id,
            SessionAttendee.email,
        )
        .join(SessionAttendee, SessionAttendee.session_id == StrategySession.id)
        .where(
            SessionAttendee.email.in_(wanted),
            StrategySession.status != "cancelled",
            StrategySession.starts_at < naive_end,
            # No session is longer than the maximum, so older starts cannot reach the window.
            StrategySession.starts_at > naive_start - timedelta(minutes=MAX_DURATION_MINUTES),
        )
    )
    if ignore_ids:
        stmt = stmt.where(StrategySession.id.not_in(list(ignore_ids)))
    out: dict[str, list[BusyInterval]] = defaultdict(list)
    with db.session.no_autoflush, tenant_scope(actor.agency_id):
        rows = db.session.execute(stmt).all()
    for sid, title, starts_at, minutes, brand_id, email in rows:
        begins = as_utc(starts_at)
        finishes = begins + timedelta(minutes=minutes)
        if finishes <= as_utc(start):
            continue
        visible = allowed is None or brand_id in allowed
        out[email].append(BusyInterval(sid, title, begins, finishes, visible))
    return dict(out)
