"""API: a brand's action items, wherever they were agreed: listed (filtered by status and
owner), added to a session that has started (409 before it starts), read, changed, deleted.

An owner must be a member of this agency who can see the brand; any other id gets the same
422, whether or not it names an account elsewhere.  Overdue means open and due before today
in the brand's time zone.  Client users may ``PATCH`` only the ``status`` of an action item
they own (403 otherwise).  The minutes' ``PUT`` (``saas.api.session_minutes``) takes the
same rows as ``ActionItemIn``.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import g, request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    PLAIN,
    ApiError,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.api.schemas import ApiDate, ServiceCheckedId
from saas.api.sessions import load_session
from saas.http import MAX_ID, get_or_404, is_ascii_digits
from saas.models import ActionItem, Brand
from saas.services import action_items as items_service
from saas.services.strategy_sessions import minutes as minutes_service

TAGS = ["sessions"]
ItemStatus = Literal["open", "done"]


OWNER = "A member of this agency with access to the brand, or null for nobody."


class ActionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ServiceCheckedId | None = Field(
        default=None, description="An action item of these minutes, to change; leave out to add."
    )
    title: StrictStr = Field(max_length=items_service.TITLE_MAX, pattern=PLAIN)
    owner_id: ServiceCheckedId | None = Field(default=None, description=OWNER)
    due_on: ApiDate | None = None
    status: ItemStatus = "open"


class ActionItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(max_length=items_service.TITLE_MAX, pattern=PLAIN)
    owner_id: ServiceCheckedId | None = Field(default=None, description=OWNER)
    due_on: ApiDate | None = None
    status: ItemStatus = "open"


class ActionItemUpdate(BaseModel):
    """Only the fields sent change.  Client users may send only ``status``."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(
        default=None,
        max_length=items_service.TITLE_MAX,
        pattern=PLAIN,
        json_schema_extra=not_nullable,
    )
    owner_id: ServiceCheckedId | None = Field(default=None, description=OWNER)
    due_on: ApiDate | None = None
    status: ItemStatus = Field(default=None, json_schema_extra=not_nullable)


class ActionItemOut(BaseModel):
    id: int
    brand_id: int
    session_id: int | None
    session_title: str | None
    title: str
    owner_id: int | None
    owner_name: str | None
    due_on: ApiDate | None
    status: str
    overdue: bool = Field(description="Open and due before today in the brand's time zone.")
    done_at: UtcDateTime | None
    done_by_id: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ActionItemPage(Page[ActionItemOut]):
    pass


# --- serialisation ------------------------------------------------------------------------


def item_json(row: items_service.ItemRow) -> ActionItemOut:
    i = row.item
    return ActionItemOut(
        id=i.id,
        brand_id=i.brand_id,
        session_id=i.session_id,
        session_title=row.session_title,
        title=i.title,
        owner_id=i.owner_id,
        owner_name=row.owner_name,
        due_on=i.due_on,
        status=i.status,
        overdue=row.overdue,
        done_at=i.done_at,
        done_by_id=i.done_by_id,
        created_at=i.created_at,
        updated_at=i.updated_at,
    )


def _items_json(items: list[ActionItem], brand: Brand) -> list[ActionItemOut]:
    return [item_json(r) for r in items_service.rows(items, items_service.today_for(brand))]


def _item(action_item_id: int) -> ActionItem:
    return found(items_service.load(action_item_id), "action item")


# --- action items -------------------------------------------------------------------------

ITEMS_QUERY = [
    *PAGE_QUERY,
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": list(items_service.FILTERS)},
        "description": "`overdue`: open and due before today in the brand's time zone.",
    },
    {
        "name": "owner",
        "in": "query",
        # What ``_filters`` accepts: ``me`` or an id in the column's range (anything else
        # is a 400); said as a schema so clients and the fuzz generate only those.
        "schema": {
            "anyOf": [
                {"type": "string", "enum": ["me"]},
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            ]
        },
        "description": "A user id, or `me`.",
    },
]


def _filters() -> tuple[str | None, int | None]:
    status = request.args.get("status") or None
    if status is not None and status not in items_service.FILTERS:
        raise ApiError(
            400,
            "bad_request",
            "status must be open, overdue or done.",
            {"status": "One of open, overdue, done."},
        )
    owner = (request.args.get("owner") or "").strip()
    if not owner:
        return status, None
    if owner == "me":
        return status, g.membership.user_id
    if not is_ascii_digits(owner) or not 1 <= int(owner) <= MAX_ID:
        raise ApiError(
            400,
            "bad_request",
            "owner must be a user id or me.",
            {"owner": "A user id or me."},
        )
    return status, int(owner)


@endpoint(
    "/brands/<int:brand_id>/action-items",
    "GET",
    summary="List a brand's action items (open first, soonest due first), filtered",
    tags=TAGS,
    permission="session.view",
    response=ActionItemPage,
    query=ITEMS_QUERY,
)
def list_action_items(brand_id: int) -> dict[str, Any]:
    brand = get_or_404(Brand, brand_id)
    status, owner = _filters()
    stmt = items_service.for_brand(
        brand.id, status=status, owner_id=owner, today=items_service.today_for(brand)
    )
    return paginated(stmt, serialise_all=lambda rows: _items_json(rows, brand))


@endpoint(
    "/sessions/<int:session_id>/action-items",
    "GET",
    summary="List the action items agreed in a session",
    tags=TAGS,
    permission="session.view",
    response=ActionItemPage,
    query=PAGE_QUERY,
)
def list_session_action_items(session_id: int) -> dict[str, Any]:
    session = load_session(session_id)
    brand = get_or_404(Brand, session.brand_id)
    stmt = items_service.for_brand(brand.id, today=items_service.today_for(brand)).where(
        ActionItem.session_id == session.id
    )
    return paginated(stmt, serialise_all=lambda rows: _items_json(rows, brand))


@endpoint(
    "/sessions/<int:session_id>/action-items",
    "POST",
    summary="Add an action item agreed in a session (owner, due date); 409 before it starts",
    tags=TAGS,
    permission="session.minutes",
    body=ActionItemCreate,
    response=ActionItemOut,
    status=201,
    errors=(409,),
)
def create_action_item(session_id: int, data: ActionItemCreate) -> ActionItemOut:
    session = load_session(session_id)
    brand = get_or_404(Brand, session.brand_id)
    item = minutes_service.add_action_item(g.membership, session, brand, data.model_dump())
    return _items_json([item], brand)[0]


@endpoint(
    "/action-items/<int:action_item_id>",
    "GET",
    summary="Get an action item (overdue: open and due before today in the brand's zone)",
    tags=TAGS,
    permission="session.view",
    response=ActionItemOut,
)
def get_action_item(action_item_id: int) -> ActionItemOut:
    item = _item(action_item_id)
    return _items_json([item], get_or_404(Brand, item.brand_id))[0]


@endpoint(
    "/action-items/<int:action_item_id>",
    "PATCH",
    summary="Change an action item; client users may only mark their own done or reopen it",
    tags=TAGS,
    permission="action_item.complete",
    body=ActionItemUpdate,
    response=ActionItemOut,
)
def update_action_item(action_item_id: int, data: ActionItemUpdate) -> ActionItemOut:
    item = _item(action_item_id)
    brand = get_or_404(Brand, item.brand_id)
    items_service.update(g.membership, item, brand, data.model_dump(exclude_unset=True))
    return _items_json([item], brand)[0]


@endpoint(
    "/action-items/<int:action_item_id>",
    "DELETE",
    summary="Delete an action item",
    tags=TAGS,
    permission="session.minutes",
    status=204,
)
def delete_action_item(action_item_id: int) -> None:
    items_service.delete(g.membership, _item(action_item_id))
    return None
