"""The agenda's stored rows: loading them in order, and numbering their places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from saas.extensions import db
from saas.models import AgendaItem, StrategySession


def items_query(session: StrategySession, *, removed: bool = False) -> Select[Any]:
    """The session's agenda items in order (``removed`` True: the removed ones too)."""
    stmt = select(AgendaItem).where(AgendaItem.session_id == session.id)
    if not removed:
        stmt = stmt.where(AgendaItem.removed.is_(False))
    return stmt.order_by(AgendaItem.position, AgendaItem.id)


def rows_of(session: StrategySession, *, removed: bool = False) -> list[AgendaItem]:
    return list(db.session.scalars(items_query(session, removed=removed)))


def load_item(session: StrategySession, item_id: int) -> AgendaItem | None:
    """One visible item of this session (another session's, or a removed one: None)."""
    return db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.id == item_id,
            AgendaItem.session_id == session.id,
            AgendaItem.removed.is_(False),
        )
    )


def renumber(rows: Sequence[AgendaItem]) -> None:
    for position, row in enumerate(rows):
        row.position = position
