"""API: a session's agenda, drafted from the brand's data and edited by people.

Items come in order with their time box (minutes, and start/end as minutes from the
session's start) and, for drafted items, their source (`{"kind", "id", "url"}`; `url` is
the page that shows it, null when the caller may not open it).  Titles of drafted items are
the sources' current names in the caller's language unless a person edited them.
Regenerating drafts again from today's data and keeps every item people added, edited,
moved or removed.  ``PUT`` replaces the whole agenda with an ordered list (every row is
checked first: 422 with ``items.N.field``, nothing changed); drafted items left out stay
removed when redrafting.  A cancelled session's agenda is read-only (409).
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_babel import get_locale
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    PLAIN,
    ApiError,
    Page,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.api.schemas import ServiceCheckedId
from saas.api.sessions import load_session
from saas.domain.sessions.agenda import ITEM_MINUTES_RANGE, TITLE_MAX
from saas.models import StrategySession
from saas.services.strategy_sessions import agenda as service
from saas.services.strategy_sessions.agenda import NOTES_MAX

TAGS = ["sessions"]
RULE = "/sessions/<int:session_id>/agenda"
ITEM_RULE = RULE + "/items/<int:agenda_item_id>"
LOW, HIGH = ITEM_MINUTES_RANGE


class SourceOut(BaseModel):
    kind: str = Field(
        description="goal, finding, plan, action_item, decision or capability (a skill the "
        "team lacks for the current plan; `id` is the skill, `url` the goal it puts at risk)."
    )
    id: int
    url: str | None = Field(description="The page showing the source; null if not yours to open.")


class AgendaItemOut(BaseModel):
    id: int
    position: int = Field(description="1 is first.")
    kind: str = Field(
        description="A source kind, `manual` (added by a person), or a structural entry: "
        "`opening`, `closing`, `discussion`, `overflow` (stands for `left_out` more items)."
    )
    title: str
    label: str = Field(description="What sort of item it is, in the caller's language.")
    notes: str | None
    minutes: int
    starts_after_minutes: int = Field(description="Minutes from the session's start.")
    ends_after_minutes: int
    origin: str = Field(description="`drafted` or `manual`.")
    edited: bool = Field(description="A person changed this drafted item: redrafts keep it.")
    overdue: bool
    source: SourceOut | None


class AgendaOut(BaseModel):
    session_id: int
    duration_minutes: int
    total_minutes: int
    over_by_minutes: int = Field(description="How far the items run past the session's end.")
    left_out: int = Field(description="Open items that did not fit when it was drafted.")
    editable: bool = Field(description="False once the session is cancelled.")
    items: list[AgendaItemOut]


class AgendaItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(min_length=1, max_length=TITLE_MAX, pattern=PLAIN)
    notes: StrictStr | None = Field(default=None, max_length=NOTES_MAX)
    minutes: StrictInt = Field(ge=LOW, le=HIGH)
    position: StrictInt | None = Field(
        default=None, ge=1, le=1000, description="1 is first; default: before the closing."
    )


class AgendaItemUpdate(BaseModel):
    """Only the fields sent change; a drafted item becomes the person's own (`edited`)."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=TITLE_MAX,
        pattern=PLAIN,
        json_schema_extra=not_nullable,
    )
    notes: StrictStr | None = Field(default=None, max_length=NOTES_MAX)
    minutes: StrictInt = Field(default=None, ge=LOW, le=HIGH, json_schema_extra=not_nullable)
    position: StrictInt = Field(
        default=None, ge=1, le=1000, description="1 is first.", json_schema_extra=not_nullable
    )


class SourceIn(BaseModel):
    """Read-only: accepted so that items read with GET can be sent back, and ignored."""

    model_config = ConfigDict(extra="allow")


class AgendaRowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ServiceCheckedId | None = Field(
        default=None, description="An item of this agenda, to keep; leave out to add one."
    )
    title: StrictStr = Field(min_length=1, max_length=TITLE_MAX, pattern=PLAIN)
    notes: StrictStr | None = Field(default=None, max_length=NOTES_MAX)
    minutes: StrictInt = Field(ge=LOW, le=HIGH)
    source: SourceIn | None = Field(
        default=None, description="Ignored: an item's source is kept; a new item has none."
    )


class AgendaPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AgendaRowIn] = Field(
        max_length=service.MAX_ITEMS,
        description="The whole agenda in order. Items with an `id` are kept (a drafted one "
        "that changes becomes `edited`); items without one are added by hand; drafted items "
        "left out are removed and not drafted again; items added by hand left out are deleted.",
    )


class AgendaItemPage(Page[AgendaItemOut]):
    pass


def _item(session: StrategySession, agenda_item_id: int) -> Any:
    return found(service.load_item(session, agenda_item_id), "agenda item")


def _url(link: service.Link | None) -> str | None:
    return url_for(link.endpoint, **link.values) if link is not None else None


def _item_json(item: service.ItemView) -> AgendaItemOut:
    row = item.row
    source = None
    if item.source_kind is not None and item.source_id is not None:
        source = SourceOut(kind=item.source_kind, id=item.source_id, url=_url(item.link))
    return AgendaItemOut(
        id=row.id,
        position=row.position + 1,
        kind=item.kind,
        title=item.title,
        label=str(item.label),
        notes=row.notes,
        minutes=row.minutes,
        starts_after_minutes=item.start,
        ends_after_minutes=item.end,
        origin=row.origin,
        edited=row.edited,
        overdue=item.overdue,
        source=source,
    )


def _view(session: StrategySession) -> service.AgendaView:
    return service.view(session, g.membership, locale=str(get_locale() or "en"))


def agenda_json(session: StrategySession) -> AgendaOut:
    shown = _view(session)
    return AgendaOut(
        session_id=session.id,
        duration_minutes=shown.duration,
        total_minutes=shown.total,
        over_by_minutes=shown.over_by,
        left_out=shown.left_out,
        editable=shown.editable,
        items=[_item_json(i) for i in shown.items],
    )


def _one(session: StrategySession, item_id: int) -> AgendaItemOut:
    for item in _view(session).items:
        if item.row.id == item_id:
            return _item_json(item)
    raise ApiError(404, "not_found", "No agenda item with this id.")


@endpoint(
    RULE,
    "GET",
    summary="Get a session's agenda: ordered, time-boxed items linked to their sources",
    tags=TAGS,
    permission="session.view",
    response=AgendaOut,
)
def get_agenda(session_id: int) -> AgendaOut:
    return agenda_json(load_session(session_id))


@endpoint(
    RULE,
    "PUT",
    summary="Replace the whole agenda with an ordered list of items (checked before any change)",
    tags=TAGS,
    permission="session.edit",
    body=AgendaPut,
    response=AgendaOut,
    errors=(409,),
)
def put_agenda(session_id: int, data: AgendaPut) -> AgendaOut:
    session = load_session(session_id)
    shown = {i.row.id: i.title for i in _view(session).items}
    rows = [r.model_dump(exclude={"source"}) for r in data.items]
    service.replace(g.membership, session, {"items": rows}, shown_titles=shown)
    return agenda_json(session)


@endpoint(
    RULE + "/items",
    "GET",
    summary="List a session's agenda items in order, with their time boxes",
    tags=TAGS,
    permission="session.view",
    response=AgendaItemPage,
    query=PAGE_QUERY,
)
def list_agenda_items(session_id: int) -> dict[str, Any]:
    session = load_session(session_id)
    shown = {i.row.id: i for i in _view(session).items}
    return paginated(
        service.items_query(session),
        serialise_all=lambda rows: [_item_json(shown[r.id]) for r in rows if r.id in shown],
    )


@endpoint(
    ITEM_RULE,
    "GET",
    summary="Get one agenda item",
    tags=TAGS,
    permission="session.view",
    response=AgendaItemOut,
)
def get_agenda_item(session_id: int, agenda_item_id: int) -> AgendaItemOut:
    session = load_session(session_id)
    return _one(session, _item(session, agenda_item_id).id)


@endpoint(
    RULE + "/regenerate",
    "POST",
    summary="Draft the agenda again from today's data, keeping people's edits",
    tags=TAGS,
    permission="session.edit",
    response=AgendaOut,
    errors=(409,),
)
def regenerate_agenda(session_id: int) -> AgendaOut:
    session = load_session(session_id)
    service.regenerate(g.membership, session)
    return agenda_json(session)


@endpoint(
    RULE + "/items",
    "POST",
    summary="Add an item of your own to the agenda",
    tags=TAGS,
    permission="session.edit",
    body=AgendaItemCreate,
    response=AgendaItemOut,
    status=201,
    errors=(409,),
)
def add_agenda_item(session_id: int, data: AgendaItemCreate) -> AgendaItemOut:
    session = load_session(session_id)
    row = service.add_item(g.membership, session, data.model_dump(exclude_none=True))
    return _one(session, row.id)


@endpoint(
    ITEM_RULE,
    "PATCH",
    summary="Change an agenda item's title, notes, minutes or place",
    tags=TAGS,
    permission="session.edit",
    body=AgendaItemUpdate,
    response=AgendaItemOut,
    errors=(409,),
)
def update_agenda_item(session_id: int, agenda_item_id: int, data: AgendaItemUpdate) -> Any:
    session = load_session(session_id)
    item = _item(session, agenda_item_id)
    values = data.model_dump(exclude_unset=True)
    if values.get("notes") is None and "notes" in values:
        values["notes"] = ""
    service.update_item(g.membership, session, item, values)
    return _one(session, item.id)


@endpoint(
    ITEM_RULE,
    "DELETE",
    summary="Take an item off the agenda (a drafted one is not drafted again)",
    tags=TAGS,
    permission="session.edit",
    status=204,
    errors=(409,),
)
def remove_agenda_item(session_id: int, agenda_item_id: int) -> tuple[str, int]:
    session = load_session(session_id)
    service.remove_item(g.membership, session, _item(session, agenda_item_id))
    return "", 204
