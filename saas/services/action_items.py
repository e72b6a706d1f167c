"""Action items: what someone agreed to do in a strategy session, until it is done.

An item belongs to the brand (and remembers its session); it stays open across sessions
until someone marks it done, so the agenda of every later session can carry it.  Staff
create, change and delete items; a client leader or team member may only mark done (or
reopen) the items they own.  "Overdue" is decided on the brand's calendar: open and due
before today in the brand's time zone, so a Riyadh brand's item is not late at 21:00 UTC.

An owner is a member of this agency who can see the brand, or nobody.  Any other user id
(a stranger, another agency's user) is refused with the same words as an unknown one, so
an answer never tells that an account exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import ActionItem, Brand, Membership, StrategySession, User
from saas.models.sessions import ACTION_ITEM_STATUSES
from saas.permissions import can
from saas.services import audit, validation
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.goals import brand_today
from saas.services.strategy_sessions.people import members_with_access
from saas.services.validation import unknown_fields
from saas.transactions import use_case
from tenants.models import utcnow

TITLE_MAX = 300
FIELDS = ("title", "owner_id", "due_on", "status")
# The list's filters: "overdue" is a view of "open" (see the module docstring).
FILTERS = ("open", "overdue", "done")

__all__ = [
    "FIELDS",
    "FILTERS",
    "TITLE_MAX",
    "ItemRow",
    "can_manage",
    "can_mark",
    "clean",
    "create",
    "delete",
    "for_brand",
    "for_session",
    "is_overdue",
    "load",
    "apply_values",
    "new_item",
    "owner_choices",
    "rows",
    "set_status",
    "today_for",
    "update",
]


# --- who may ------------------------------------------------------------------------------


def can_manage(role: str | None) -> bool:
    """Staff write, change and delete action items (the minutes' permission)."""
    return role is not None and can(role, "session.minutes")


def can_mark(actor: Membership | None, item: ActionItem) -> bool:
    """Staff mark any item done; everyone else only the items they own."""
    if actor is None or not can(actor.role, "action_item.complete"):
        return False
    return can_manage(actor.role) or (item.owner_id is not None and item.owner_id == actor.user_id)


def _ensure_manage(actor: Membership) -> None:
    if not can_manage(actor.role):
        raise Forbidden(_("Only the agency can change action items; you can mark yours done."))


# --- reading ------------------------------------------------------------------------------


def today_for(brand: Brand | None) -> date:
    """Today on the brand's calendar: what "overdue" is measured against."""
    return brand_today(brand)


def is_overdue(item: ActionItem, today: date) -> bool:
    return item.status == "open" and item.due_on is not None and item.due_on < today


def load(item_id: int) -> ActionItem | None:
    return db.session.scalar(select(ActionItem).where(ActionItem.id == item_id))


def for_session(session_id: int) -> list[ActionItem]:
    """A session's items in the order they were written."""
    return list(
        db.session.scalars(
            select(ActionItem).where(ActionItem.session_id == session_id).order_by(ActionItem.id)
        )
    )


def for_brand(
    brand_id: int,
    *,
    status: str | None = None,
    owner_id: int | None = None,
    today: date,
) -> Select[Any]:
    """The brand's items: open first (soonest due first, undated last), then done."""
    stmt = select(ActionItem).where(ActionItem.brand_id == brand_id)
    if status == "open":
        stmt = stmt.where(ActionItem.status == "open")
    elif status == "done":
        stmt = stmt.where(ActionItem.status == "done")
    elif status == "overdue":
        stmt = stmt.where(
            ActionItem.status == "open",
            ActionItem.due_on.is_not(None),
            ActionItem.due_on < today,
        )
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    return stmt.order_by(
        case((ActionItem.status == "open", 0), else_=1),
        ActionItem.due_on.is_(None),
        ActionItem.due_on,
        ActionItem.id,
    )


@dataclass(frozen=True)
class ItemRow:
    """An item with what the pages and the API show beside it, loaded once per page."""

    item: ActionItem
    owner_name: str | None
    session_title: str | None
    overdue: bool


def rows(items: list[ActionItem], today: date) -> list[ItemRow]:
    """Items with their owners' names and sessions' titles in two queries for the page."""
    user_ids = {i.owner_id for i in items if i.owner_id is not None}
    session_ids = {i.session_id for i in items if i.session_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    titles = (
        dict(
            db.session.execute(
                select(StrategySession.id, StrategySession.title).where(
                    StrategySession.id.in_(session_ids)
                )
            ).all()
        )
        if session_ids
        else {}
    )
    return [
        ItemRow(
            item=i,
            owner_name=names.get(i.owner_id) if i.owner_id is not None else None,
            session_title=titles.get(i.session_id) if i.session_id is not None else None,
            overdue=is_overdue(i, today),
        )
        for i in items
    ]


def owner_choices(brand: Brand) -> list[tuple[int, str]]:
    """Who may own an item of this brand: the agency's members who can see it, by name."""
    memberships = list(db.session.scalars(select(Membership)))
    allowed = members_with_access(brand, [m.user_id for m in memberships])
    people = sorted(
        ((m.user_id, m.user.name) for m in allowed.values() if m.user.is_active),
        key=lambda p: p[1].casefold(),
    )
    return people


# --- checks -------------------------------------------------------------------------------


def _owner(brand: Brand, value: Any, key: str, errors: dict[str, str]) -> int | None:
    """A member of this agency with access to the brand, or None for nobody."""
    if value in (None, ""):
        return None
    ident = value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        ident = int(value.strip())
    if not validation.is_int(ident) or not 1 <= ident <= 2**31 - 1:
        errors[key] = _("Choose a member of this brand, or nobody.")
        return None
    if ident not in members_with_access(brand, [ident]):
        errors[key] = _("Choose a member of this brand, or nobody.")
        return None
    return ident


def clean(
    brand: Brand,
    data: Mapping[str, Any],
    errors: dict[str, str],
    *,
    prefix: str = "",
    partial: bool = False,
) -> dict[str, Any]:
    """Check an item's fields into ``errors`` under ``prefix`` (``action_items.2.``).

    With ``partial`` (an update) only the keys present are checked."""
    local: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        errors[prefix.rstrip(".") or "body"] = _("Give each action item a title.")
        return out
    unknown_fields(data, (*FIELDS, "id"), local)
    if not partial or "title" in data:
        out["title"] = validation.text(
            data.get("title"),
            "title",
            local,
            limit=TITLE_MAX,
            required=_("Say what is to be done."),
        )
    if not partial or "owner_id" in data:
        out["owner_id"] = _owner(brand, data.get("owner_id"), "owner_id", local)
    if not partial or "due_on" in data:
        out["due_on"] = validation.iso_date(data.get("due_on"), "due_on", local)
    if not partial or "status" in data:
        out["status"] = validation.choice(
            data.get("status"),
            "status",
            local,
            options=ACTION_ITEM_STATUSES,
            default="open",
            message=_("Choose open or done."),
        )
    for key, message in local.items():
        errors[f"{prefix}{key}"] = message
    return out


def apply_values(actor: Membership, item: ActionItem, values: Mapping[str, Any]) -> set[str]:
    """Write ``values`` on ``item``; returns the names that changed.  Done records who
    and when; reopening forgets it."""
    changed = set()
    for key, value in values.items():
        if getattr(item, key) != value:
            changed.add(key)
            setattr(item, key, value)
    if "status" in changed:
        if item.status == "done":
            item.done_at = utcnow()
            item.done_by_id = actor.user_id
        else:
            item.done_at = None
            item.done_by_id = None
    return changed


def new_item(actor: Membership, session: StrategySession, values: Mapping[str, Any]) -> ActionItem:
    """An unsaved item of ``session`` from checked ``values`` (the minutes use it too)."""
    item = ActionItem(
        agency_id=session.agency_id,
        brand_id=session.brand_id,
        session_id=session.id,
        created_by_id=actor.user_id,
        status="open",
    )
    apply_values(actor, item, values)
    return item


# --- writing ------------------------------------------------------------------------------


@use_case
def create(
    actor: Membership, session: StrategySession, brand: Brand, data: Mapping[str, Any]
) -> ActionItem:
    """Add an action item to ``session``.  Whether the session may take one yet (it has
    started, it was not cancelled) is the minutes' rule: call it through
    ``strategy_sessions.minutes.add_action_item``."""
    _ensure_manage(actor)
    errors: dict[str, str] = {}
    values = clean(brand, data, errors)
    if "id" in data:
        errors["id"] = _("Unknown field.")
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    item = new_item(actor, session, values)
    db.session.add(item)
    db.session.flush()
    audit.record(
        "action_item.created",
        item,
        brand_id=item.brand_id,
        session_id=session.id,
        owner_id=item.owner_id,
        due_on=item.due_on.isoformat() if item.due_on else None,
    )
    return item


@use_case
def update(
    actor: Membership, item: ActionItem, brand: Brand, data: Mapping[str, Any]
) -> ActionItem:
    """Change some fields.  A client user may send only ``status``, for an item they own."""
    if not can_manage(actor.role):
        if set(data) - {"status"}:
            raise Forbidden(
                _("Only the agency can change an action item's title, owner or due date.")
            )
        if not can_mark(actor, item):
            raise Forbidden(_("You can mark only your own action items done."))
    errors: dict[str, str] = {}
    values = clean(brand, data, errors, partial=True)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    changed = apply_values(actor, item, values)
    if changed:
        audit.record(
            "action_item.updated",
            item,
            brand_id=item.brand_id,
            changed=sorted(changed),
            status=item.status if "status" in changed else None,
        )
        db.session.flush()
    return item


@use_case
def set_status(actor: Membership, item: ActionItem, status: str) -> ActionItem:
    """Mark done or reopen: staff for any item, anyone else for their own (403 otherwise)."""
    if status not in ACTION_ITEM_STATUSES:
        raise ValidationFailed(
            _("Please correct the highlighted fields."), {"status": _("Choose open or done.")}
        )
    if not can_mark(actor, item):
        raise Forbidden(_("You can mark only your own action items done."))
    if apply_values(actor, item, {"status": status}):
        audit.record(
            "action_item.done" if status == "done" else "action_item.reopened",
            item,
            brand_id=item.brand_id,
        )
        db.session.flush()
    return item


@use_case
def delete(actor: Membership, item: ActionItem) -> None:
    _ensure_manage(actor)
    audit.record("action_item.deleted", item, brand_id=item.brand_id, session_id=item.session_id)
    db.session.delete(item)
    db.session.flush()
