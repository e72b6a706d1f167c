"""Replacing the whole agenda with an ordered list (the API's PUT and the edit page): every
row is checked before anything changes, and what was left out is removed or deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import AgendaItem, Membership, StrategySession
from saas.services import audit, validation
from saas.services.errors import ValidationFailed
from saas.services.strategy_sessions.agenda.access import ensure_can_change
from saas.services.strategy_sessions.agenda.editing import clean
from saas.services.strategy_sessions.agenda.rows import renumber, rows_of
from saas.services.validation import unknown_fields
from saas.transactions import use_case

MAX_ITEMS = 100
REPLACE_FIELDS = ("id", "title", "notes", "minutes", "source")


def _replace_rows(
    session: StrategySession, data: Mapping[str, Any]
) -> tuple[list[tuple[AgendaItem | None, dict[str, Any]]], dict[str, str]]:
    """Every submitted row checked (``items.N.field`` errors), each paired with the item it
    names by ``id`` (None: a new item of a person's own)."""
    errors: dict[str, str] = {}
    unknown_fields(data, ("items",), errors)
    raw = data.get("items")
    if not isinstance(raw, list | tuple):
        errors["items"] = _("Send the agenda's items as a list.")
        return [], errors
    if len(raw) > MAX_ITEMS:
        errors["items"] = _("An agenda has at most %(n)d items.", n=MAX_ITEMS)
        return [], errors
    visible = {r.id: r for r in rows_of(session)}
    seen: set[int] = set()
    out: list[tuple[AgendaItem | None, dict[str, Any]]] = []
    for n, row in enumerate(raw):
        prefix = f"items.{n}."
        if not isinstance(row, Mapping):
            errors[f"items.{n}"] = _("Name the agenda item.")
            continue
        local: dict[str, str] = {}
        unknown_fields(row, REPLACE_FIELDS, local)
        existing = None
        ident = row.get("id")
        if ident not in (None, ""):
            if isinstance(ident, str) and ident.isascii() and ident.isdigit():
                ident = int(ident)
            if not validation.is_int(ident) or ident not in visible:
                local["id"] = _("This item is not on this agenda.")
            elif ident in seen:
                local["id"] = _("This item is listed twice.")
            else:
                seen.add(ident)
                existing = visible[ident]
        values: dict[str, Any] = {}
        try:
            values = clean({k: row.get(k) for k in ("title", "notes", "minutes")}, partial=False)
        except ValidationFailed as err:
            local.update(err.fields)
        for key, message in local.items():
            errors[f"{prefix}{key}"] = message
        out.append((existing, values))
    return out, errors


def _moved(sent: Sequence[AgendaItem], before: Sequence[AgendaItem]) -> set[int]:
    """The ids of the kept items whose order among the other kept items changed: all but
    a longest run that stays in its old order (items added or left out move nobody)."""
    index = {r.id: i for i, r in enumerate(before)}
    seq = [index[r.id] for r in sent]
    # Longest increasing subsequence, O(n²): an agenda has at most MAX_ITEMS items.
    best = [1] * len(seq)
    prev = [-1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    stay: set[int] = set()
    at = max(range(len(seq)), key=best.__getitem__, default=-1)
    while at != -1:
        stay.add(at)
        at = prev[at]
    return {r.id for i, r in enumerate(sent) if i not in stay}


@use_case
def replace(
    actor: Membership,
    session: StrategySession,
    data: Mapping[str, Any],
    *,
    shown_titles: Mapping[int, str] | None = None,
) -> list[AgendaItem]:
    """The whole agenda as ``data["items"]`` lists it, in that order.

    Items named by ``id`` take the title, notes and minutes sent and their new place (a
    drafted one whose words, minutes or order among the kept items changed becomes the
    person's own: ``edited``, which redrafts leave as it is); items without an ``id``
    are added as a person's own; drafted items left out are marked removed, so a redraft
    does not bring them back, and a person's own left out are deleted.  Every row is checked
    before anything changes.  ``shown_titles`` (item id → the title the caller was shown, in
    their language) lets an unchanged drafted title come back without counting as an edit."""
    ensure_can_change(actor, session)
    rows, errors = _replace_rows(session, data)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    shown = shown_titles or {}
    before = rows_of(session)
    moved = _moved([r for r, _values in rows if r is not None], before)
    order: list[AgendaItem] = []
    added = edited = 0
    for row, values in rows:
        if row is None:
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
            added += 1
        else:
            same_title = values["title"] in (row.title, shown.get(row.id))
            changed = (
                not same_title
                or (values["notes"] or None) != (row.notes or None)
                or values["minutes"] != row.minutes
                or row.id in moved
            )
            if not same_title:
                row.title = values["title"]
            row.notes = values["notes"]
            row.minutes = values["minutes"]
            if changed and row.origin == "drafted":
                row.edited = True
                edited += 1
        order.append(row)
    kept = {r.id for r in order if r.id is not None}
    removed = deleted = 0
    for row in before:
        if row.id in kept:
            continue
        if row.origin == "manual":
            db.session.delete(row)
            deleted += 1
        else:
            row.removed = True
            removed += 1
    renumber(order)
    hidden = [r for r in rows_of(session, removed=True) if r.removed and r.id not in kept]
    db.session.flush()
    for offset, row in enumerate(hidden, start=len(order)):
        row.position = offset
    db.session.flush()
    audit.record(
        "session.agenda_replaced",
        session,
        brand_id=session.brand_id,
        items=len(order),
        added=added,
        edited=edited,
        removed=removed,
        deleted=deleted,
    )
    return order
