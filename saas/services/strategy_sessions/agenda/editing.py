"""People's changes to one agenda item: add, update, remove, move, and the checks of an
item's fields.  A drafted item a person changed becomes theirs (``edited``), which
redrafts leave as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saas.domain.sessions import agenda as rules
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import AgendaItem, Membership, StrategySession
from saas.services import audit, validation
from saas.services.errors import NotFound, ValidationFailed
from saas.services.strategy_sessions.agenda.access import ensure_can_change
from saas.services.strategy_sessions.agenda.rows import renumber, rows_of
from saas.services.validation import unknown_fields
from saas.transactions import use_case

NOTES_MAX = 4000
ITEM_FIELDS = ("title", "notes", "minutes", "position")
MOVES = ("up", "down")


def _minutes(value: Any, errors: dict[str, str], *, required: bool) -> int | None:
    low, high = rules.ITEM_MINUTES_RANGE
    if value is None or value == "":
        if required:
            errors["minutes"] = _("Enter the minutes this item takes.")
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not validation.is_int(value) or not low <= value <= high:
        errors["minutes"] = _("Enter whole minutes from %(low)d to %(high)d.", low=low, high=high)
        return None
    return int(value)


def _position(value: Any, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not validation.is_int(value) or not 1 <= value <= 1000:
        errors["position"] = _("Enter the item's place as a number from 1.")
        return None
    return int(value)


def clean(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """An item's fields checked: title (required, at most 300), notes, minutes (1–480) and
    place (1 is first).  ``partial``: only the fields sent."""
    errors: dict[str, str] = {}
    unknown_fields(data, ITEM_FIELDS, errors)
    out: dict[str, Any] = {}
    if not partial or "title" in data:
        out["title"] = validation.text(
            data.get("title"),
            "title",
            errors,
            limit=rules.TITLE_MAX,
            required=_("Name the agenda item."),
        )
    if not partial or "notes" in data:
        out["notes"] = validation.text(
            data.get("notes"), "notes", errors, limit=NOTES_MAX, multiline=True
        )
    if not partial or "minutes" in data:
        out["minutes"] = _minutes(data.get("minutes"), errors, required=True)
    if "position" in data:
        out["position"] = _position(data.get("position"), errors)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return out


def _place(session: StrategySession, row: AgendaItem, position: int | None) -> None:
    """Put ``row`` at ``position`` (1 is first; past the end: last) among the visible items."""
    rows = [r for r in rows_of(session) if r.id != row.id]
    at = len(rows) if position is None else max(0, min(position - 1, len(rows)))
    rows.insert(at, row)
    renumber(rows)


@use_case
def add_item(actor: Membership, session: StrategySession, data: Mapping[str, Any]) -> AgendaItem:
    """An item of a person's own; without a place it goes before the closing entry."""
    ensure_can_change(actor, session)
    values = clean(data, partial=False)
    row = AgendaItem(
        agency_id=session.agency_id,
        brand_id=session.brand_id,
        session_id=session.id,
        title=values["title"],
        notes=values["notes"],
        minutes=values["minutes"],
        origin="manual",
        edited=False,
        removed=False,
    )
    db.session.add(row)
    db.session.flush()
    position = values.get("position")
    if position is None:
        rows = [r for r in rows_of(session) if r.id != row.id]
        closing = [i for i, r in enumerate(rows) if r.source_kind == rules.CLOSING]
        position = (closing[-1] + 1) if closing else None
    _place(session, row, position)
    db.session.flush()
    audit.record(
        "session.agenda_item_added",
        session,
        brand_id=session.brand_id,
        item_id=row.id,
        minutes=row.minutes,
    )
    return row


@use_case
def update_item(
    actor: Membership, session: StrategySession, item: AgendaItem, data: Mapping[str, Any]
) -> AgendaItem:
    """Change an item's title, notes, minutes or place; a drafted item becomes the
    person's own (``edited``), so redrafting leaves it as it is."""
    ensure_can_change(actor, session)
    values = clean(data, partial=True)
    changed = [k for k in ("title", "notes", "minutes") if k in values]
    for key in changed:
        setattr(item, key, values[key])
    if "position" in values and values["position"] is not None:
        _place(session, item, values["position"])
        changed.append("position")
    if changed and item.origin == "drafted":
        item.edited = True
    db.session.flush()
    audit.record(
        "session.agenda_item_updated",
        session,
        brand_id=session.brand_id,
        item_id=item.id,
        fields=sorted(changed),
    )
    return item


@use_case
def remove_item(actor: Membership, session: StrategySession, item: AgendaItem) -> None:
    """Take an item off the agenda: a drafted one stays removed when redrafting; a person's
    own is deleted."""
    ensure_can_change(actor, session)
    item_id, origin = item.id, item.origin
    if item.origin == "manual":
        db.session.delete(item)
    else:
        item.removed = True
    db.session.flush()
    renumber(rows_of(session))
    db.session.flush()
    audit.record(
        "session.agenda_item_removed",
        session,
        brand_id=session.brand_id,
        item_id=item_id,
        origin=origin,
    )


@use_case
def move_item(
    actor: Membership,
    session: StrategySession,
    item: AgendaItem,
    *,
    direction: str | None = None,
    position: int | None = None,
) -> AgendaItem:
    """One place up or down, or to ``position`` (1 is first).  A moved item keeps its
    place when redrafting, like any edit."""
    ensure_can_change(actor, session)
    rows = rows_of(session)
    if item not in rows:
        raise NotFound(_("This agenda item no longer exists."))
    at = rows.index(item)
    if direction is not None:
        if direction not in MOVES:
            raise ValidationFailed(
                _("Please correct the highlighted fields."),
                {"direction": _("Choose up or down.")},
            )
        target = at - 1 if direction == "up" else at + 1
    elif position is not None:
        target = position - 1
    else:
        raise ValidationFailed(
            _("Please correct the highlighted fields."),
            {"position": _("Enter the item's place as a number from 1.")},
        )
    target = max(0, min(target, len(rows) - 1))
    if target != at:
        rows.pop(at)
        rows.insert(target, item)
        renumber(rows)
        if item.origin == "drafted":
            item.edited = True
        db.session.flush()
        audit.record(
            "session.agenda_item_moved",
            session,
            brand_id=session.brand_id,
            item_id=item.id,
            position=target + 1,
        )
    return item
