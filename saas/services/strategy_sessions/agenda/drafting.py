"""Drafting an agenda: the first draft of a new session, and redrafting from today's data
while keeping every item people added, edited or removed (the merge keeps their places).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from saas.domain.sessions import agenda as rules
from saas.domain.sessions import as_utc
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import AgendaItem, Membership, StrategySession
from saas.services import audit
from saas.services.errors import Conflict
from saas.services.strategy_sessions.agenda.access import ensure_can_change
from saas.services.strategy_sessions.agenda.rows import renumber, rows_of
from saas.services.strategy_sessions.agenda.sources import candidates, structure_title
from saas.transactions import use_case


def _key(row: AgendaItem) -> tuple[str | None, int | None]:
    if row.source_kind in rules.SOURCE_KINDS:
        return (row.source_kind, row.source_id)
    return (row.source_kind, None)


def _kept(row: AgendaItem) -> bool:
    """A row a redraft leaves as it is: added, edited or removed by a person."""
    return row.origin == "manual" or row.edited or row.removed


def _row_for(session: StrategySession, item: rules.DraftItem) -> AgendaItem:
    row = AgendaItem(
        agency_id=session.agency_id,
        brand_id=session.brand_id,
        session_id=session.id,
        origin="drafted",
        edited=False,
        removed=False,
    )
    _fill(row, item)
    return row


def _fill(row: AgendaItem, item: rules.DraftItem) -> None:
    row.source_kind = item.kind
    if item.kind in rules.SOURCE_KINDS:
        row.source_id = item.source_id
        row.title = item.title or item.kind
    else:
        row.source_id = item.count if item.kind == rules.OVERFLOW else None
        row.title = structure_title(item.kind, item.count)
    row.minutes = item.minutes


def _merge(kept: Sequence[AgendaItem], fresh: Sequence[AgendaItem]) -> list[AgendaItem]:
    """People's items keep their places (as far as the new length allows); the drafted ones
    fill the other places in draft order, and a drafted closing stays last."""
    closing = [r for r in fresh if r.source_kind == rules.CLOSING]
    body = [r for r in fresh if r.source_kind != rules.CLOSING]
    size = len(kept) + len(body)
    slots: list[AgendaItem | None] = [None] * size
    for row in sorted(kept, key=lambda r: (r.position, r.id or 0)):
        at = min(max(row.position, 0), size - 1)
        free = [i for i in range(at, size) if slots[i] is None] or [
            i for i in range(at, -1, -1) if slots[i] is None
        ]
        slots[free[0]] = row
    rest = iter(body)
    merged = [slot if slot is not None else next(rest) for slot in slots]
    return merged + closing


def draft_new(session: StrategySession, *, now: datetime) -> None:
    """Draft the agenda of a newly scheduled session (nothing to keep yet)."""
    if db.session.scalar(select(AgendaItem.id).where(AgendaItem.session_id == session.id)):
        return
    drafted = rules.draft(candidates(session, now=now), session.duration_minutes)
    rows = [_row_for(session, item) for item in drafted.items]
    renumber(rows)
    db.session.add_all(rows)
    db.session.flush()


@use_case
def regenerate(
    actor: Membership, session: StrategySession, *, now: datetime | None = None
) -> list[AgendaItem]:
    """Draft again from today's data, keeping every item people added, edited or removed."""
    ensure_can_change(actor, session)
    if session.status != "scheduled":
        raise Conflict(_("Only a scheduled session's agenda can be drafted again."))
    clock = as_utc(now) if now is not None else datetime.now(UTC)
    existing = rows_of(session, removed=True)
    kept = [r for r in existing if _kept(r)]
    untouched = {_key(r): r for r in existing if not _kept(r)}
    taken = {_key(r) for r in kept if r.source_kind is not None}
    shown_kept = [r for r in kept if not r.removed]

    wanted = [c for c in candidates(session, now=clock) if c.key not in taken]
    drafted = rules.draft(
        wanted,
        session.duration_minutes,
        reserved=sum(r.minutes for r in shown_kept),
        opening=(rules.OPENING, None) not in taken,
        closing=(rules.CLOSING, None) not in taken,
        discussion=(rules.DISCUSSION, None) not in taken,
    )
    fresh: list[AgendaItem] = []
    added = refreshed = 0
    for item in drafted.items:
        if item.key in taken:  # a person's structural entry of the same kind stays
            continue
        row = untouched.pop(item.key, None)
        if row is None:
            row = _row_for(session, item)
            db.session.add(row)
            added += 1
        else:
            _fill(row, item)
            refreshed += 1
        fresh.append(row)
    for row in untouched.values():
        db.session.delete(row)

    order = _merge(shown_kept, fresh)
    renumber(order)
    hidden = [r for r in kept if r.removed]
    for offset, row in enumerate(hidden, start=len(order)):
        row.position = offset
    db.session.flush()
    audit.record(
        "session.agenda_regenerated",
        session,
        brand_id=session.brand_id,
        added=added,
        refreshed=refreshed,
        dropped=len(untouched),
        kept=len(shown_kept),
        left_out=drafted.left_out or None,
    )
    return order
