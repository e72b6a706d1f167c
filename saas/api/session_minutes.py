"""API: a session's minutes and its decisions.

``PUT /sessions/<id>/minutes`` replaces the record (rows with an ``id`` change that row,
rows without one are added, rows left out of a list are deleted; a list not sent keeps its
rows) and checks everything first:
an error anywhere answers 422 with ``fields`` and changes nothing.  Minutes need a session
that has started (409 ``not_started``) and was not cancelled (409 ``cancelled``).  An
owner must be a member of this agency who can see the brand; any other id gets the same
422, whether or not it names an account elsewhere.  A decision may name the goal and the
plan of the session's brand it is about (``goal_id``, ``plan_id``; answered as ``goal`` and
``plan``: ``{id, name}`` or null); another brand's or agency's id is the same 422 as an
unknown one.  The action items, listed and changed on their own, are ``saas.api.action_items``.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import g
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from saas.api.action_items import ActionItemIn, ActionItemOut, item_json
from saas.api.base import (
    PAGE_QUERY,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.api.schemas import ServiceCheckedId
from saas.api.sessions import load_session
from saas.http import get_or_404
from saas.models import Brand, SessionDecision, StrategySession
from saas.services.strategy_sessions import minutes as minutes_service

TAGS = ["sessions"]
DecisionStatus = Literal["decided", "pending"]
MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


GOAL = (
    "A goal of this brand the decision is about, or null. Another brand's id is refused "
    "(422) like an unknown one."
)
PLAN = (
    "A plan of this brand the decision is about, or null. Another brand's id is refused "
    "(422) like an unknown one."
)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ServiceCheckedId | None = Field(
        default=None, description="A decision of these minutes, to change; leave out to add."
    )
    text: StrictStr = Field(max_length=minutes_service.DECISION_MAX, pattern=MULTILINE)
    status: DecisionStatus = Field(
        default="decided", description="`pending`: deferred to a later session."
    )
    goal_id: ServiceCheckedId | None = Field(default=None, description=GOAL)
    plan_id: ServiceCheckedId | None = Field(default=None, description=PLAN)


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(max_length=minutes_service.DECISION_MAX, pattern=MULTILINE)
    status: DecisionStatus = "decided"
    goal_id: ServiceCheckedId | None = Field(default=None, description=GOAL)
    plan_id: ServiceCheckedId | None = Field(default=None, description=PLAN)


class DecisionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(
        default=None,
        max_length=minutes_service.DECISION_MAX,
        pattern=MULTILINE,
        json_schema_extra=not_nullable,
    )
    status: DecisionStatus = Field(default=None, json_schema_extra=not_nullable)
    goal_id: ServiceCheckedId | None = Field(default=None, description=GOAL + " Null: none.")
    plan_id: ServiceCheckedId | None = Field(default=None, description=PLAN + " Null: none.")


class MinutesPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: StrictStr | None = Field(
        default=None, max_length=minutes_service.MINUTES_MAX, pattern=MULTILINE
    )
    decisions: list[DecisionIn] = Field(
        default=None,
        max_length=minutes_service.MAX_ROWS,
        description="The whole list: rows left out are deleted. Leave the field out to keep them.",
        json_schema_extra=not_nullable,
    )
    action_items: list[ActionItemIn] = Field(
        default=None,
        max_length=minutes_service.MAX_ROWS,
        description="The whole list: rows left out are deleted. Leave the field out to keep them.",
        json_schema_extra=not_nullable,
    )
    send: StrictBool = Field(
        default=False, description="Email the minutes to every attendee, in their language."
    )


class LinkedOut(BaseModel):
    """A goal or plan a decision is about."""

    id: int
    name: str


class DecisionOut(BaseModel):
    id: int
    session_id: int
    text: str
    status: str
    goal: LinkedOut | None = Field(description="The goal the decision is about, or null.")
    plan: LinkedOut | None = Field(description="The plan the decision is about, or null.")
    position: int
    decided_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class MinutesOut(BaseModel):
    session_id: int
    status: str
    minutes: str | None
    recorded_at: UtcDateTime | None
    recorded_by_id: int | None
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]


# --- serialisation ------------------------------------------------------------------------


def _linked(link: minutes_service.Linked | None) -> LinkedOut | None:
    return LinkedOut(id=link.id, name=link.name) if link is not None else None


def decision_json(row: minutes_service.DecisionRow) -> DecisionOut:
    d = row.decision
    return DecisionOut(
        id=d.id,
        session_id=d.session_id,
        text=d.text,
        status=d.status,
        goal=_linked(row.goal),
        plan=_linked(row.plan),
        position=d.position,
        decided_at=d.decided_at,
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def decisions_json(decisions: list[SessionDecision]) -> list[DecisionOut]:
    return [decision_json(r) for r in minutes_service.decision_rows(decisions, g.membership)]


def one_decision(d: SessionDecision) -> DecisionOut:
    return decisions_json([d])[0]


def minutes_json(v: minutes_service.MinutesView) -> MinutesOut:
    s = v.session
    return MinutesOut(
        session_id=s.id,
        status=s.status,
        minutes=v.text,
        recorded_at=v.recorded_at,
        recorded_by_id=s.minutes_recorded_by_id,
        decisions=[decision_json(r) for r in v.decision_rows],
        action_items=[item_json(r) for r in v.items],
    )


def _decision(session: StrategySession, decision_id: int) -> SessionDecision:
    return found(minutes_service.load_decision(session, decision_id), "decision")


# --- minutes ------------------------------------------------------------------------------


@endpoint(
    "/sessions/<int:session_id>/minutes",
    "GET",
    summary="Get a session's minutes, decisions and action items",
    tags=TAGS,
    permission="session.view",
    response=MinutesOut,
)
def get_minutes(session_id: int) -> MinutesOut:
    session = load_session(session_id)
    return minutes_json(
        minutes_service.view(session, get_or_404(Brand, session.brand_id), g.membership)
    )


@endpoint(
    "/sessions/<int:session_id>/minutes",
    "PUT",
    summary="Record (or edit) the minutes; the session becomes done; send: email attendees",
    tags=TAGS,
    permission="session.minutes",
    body=MinutesPut,
    response=MinutesOut,
    errors=(409,),
)
def put_minutes(session_id: int, data: MinutesPut) -> MinutesOut:
    session = load_session(session_id)
    brand = get_or_404(Brand, session.brand_id)
    values: dict[str, Any] = {"minutes": data.minutes}
    if data.decisions is not None:
        values["decisions"] = [
            {**d.model_dump(exclude_none=True), "goal_id": d.goal_id, "plan_id": d.plan_id}
            for d in data.decisions
        ]
    if data.action_items is not None:
        values["action_items"] = [
            {**i.model_dump(exclude_none=True), "owner_id": i.owner_id, "due_on": i.due_on}
            for i in data.action_items
        ]
    minutes_service.record(g.membership, session, brand, values, send=data.send)
    return minutes_json(minutes_service.view(session, brand, g.membership))


# --- decisions ----------------------------------------------------------------------------


class DecisionPage(Page[DecisionOut]):
    pass


@endpoint(
    "/sessions/<int:session_id>/decisions",
    "GET",
    summary="List a session's decisions in the order of the minutes",
    tags=TAGS,
    permission="session.view",
    response=DecisionPage,
    query=PAGE_QUERY,
)
def list_decisions(session_id: int) -> dict[str, Any]:
    session = load_session(session_id)
    return paginated(minutes_service.decisions_query(session.id), serialise_all=decisions_json)


@endpoint(
    "/sessions/<int:session_id>/decisions/<int:decision_id>",
    "GET",
    summary="Get one decision of a session",
    tags=TAGS,
    permission="session.view",
    response=DecisionOut,
)
def get_decision(session_id: int, decision_id: int) -> DecisionOut:
    return one_decision(_decision(load_session(session_id), decision_id))


@endpoint(
    "/sessions/<int:session_id>/decisions",
    "POST",
    summary="Add a decision (or a pending one, deferred to a later session) to the minutes",
    tags=TAGS,
    permission="session.minutes",
    body=DecisionCreate,
    response=DecisionOut,
    status=201,
    errors=(409,),
)
def create_decision(session_id: int, data: DecisionCreate) -> DecisionOut:
    session = load_session(session_id)
    return one_decision(minutes_service.add_decision(g.membership, session, data.model_dump()))


@endpoint(
    "/sessions/<int:session_id>/decisions/<int:decision_id>",
    "PATCH",
    summary="Change a decision's text, or record a pending one as decided",
    tags=TAGS,
    permission="session.minutes",
    body=DecisionUpdate,
    response=DecisionOut,
)
def update_decision(session_id: int, decision_id: int, data: DecisionUpdate) -> DecisionOut:
    session = load_session(session_id)
    decision = _decision(session, decision_id)
    minutes_service.update_decision(
        g.membership, session, decision, data.model_dump(exclude_unset=True)
    )
    return one_decision(decision)


@endpoint(
    "/sessions/<int:session_id>/decisions/<int:decision_id>",
    "DELETE",
    summary="Delete a decision from the minutes",
    tags=TAGS,
    permission="session.minutes",
    status=204,
)
def delete_decision(session_id: int, decision_id: int) -> None:
    session = load_session(session_id)
    minutes_service.delete_decision(g.membership, session, _decision(session, decision_id))
    return None
