"""API: company goals, their check-ins, and audiences.

Pydantic checks types and sizes (strict strings, finite numbers, ISO dates, known
enumerations); the services check the rules that join fields (target ≠ baseline, due date
after start, shares adding up to 100 % at most).  Both answer 422 with ``fields``.  The
tenant and brand scope set by token authentication decides what a caller can see, so an id
of another agency (or of a brand outside a client user's scope) answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from flask import g
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    ApiError,
    PageMeta,
    endpoint,
    not_nullable,
    page_params,
    page_payload,
)
from saas.domain.vocabulary import NETWORKS
from saas.models import Audience, Brand, Goal, GoalCheckin
from saas.services import audiences as audiences_service
from saas.services import goals as goals_service
from saas.web.common import get_or_404, paginate

GOAL_TAGS = ["goals"]
AUDIENCE_TAGS = ["audiences"]

Number = Annotated[
    StrictFloat,
    Field(allow_inf_nan=False, ge=-goals_service.NUMBER_MAX, le=goals_service.NUMBER_MAX),
]
Priority = Literal["high", "medium", "low"]
GoalStatus = Literal["active", "achieved", "dropped"]
Network = Literal[NETWORKS]  # type: ignore[valid-type]


class GoalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(
        min_length=1, max_length=goals_service.TITLE_MAX, examples=["Grow Instagram"]
    )
    description: StrictStr | None = Field(default=None, max_length=goals_service.DESCRIPTION_MAX)
    metric: StrictStr = Field(
        min_length=1, max_length=goals_service.METRIC_MAX, examples=["followers"]
    )
    unit: StrictStr | None = Field(default=None, max_length=goals_service.UNIT_MAX)
    baseline: Number
    target: Number
    due_date: date
    priority: Priority = "medium"
    start_date: date | None = None
    weight: Annotated[StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)] | None = None
    owner_name: StrictStr | None = Field(default=None, max_length=goals_service.OWNER_MAX)
    status: GoalStatus = "active"


class GoalUpdate(BaseModel):
    """Every field optional: only the fields sent are changed.

    ``null`` clears the optional fields; title, metric, baseline, target and due date cannot
    be cleared, so they are not nullable (the ``None`` default only marks them as not sent)."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=goals_service.TITLE_MAX,
        json_schema_extra=not_nullable,
    )
    description: StrictStr | None = Field(default=None, max_length=goals_service.DESCRIPTION_MAX)
    metric: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=goals_service.METRIC_MAX,
        json_schema_extra=not_nullable,
    )
    unit: StrictStr | None = Field(default=None, max_length=goals_service.UNIT_MAX)
    baseline: Number = Field(default=None, json_schema_extra=not_nullable)
    target: Number = Field(default=None, json_schema_extra=not_nullable)
    due_date: date = Field(default=None, json_schema_extra=not_nullable)
    priority: Priority | None = None
    start_date: date | None = None
    weight: Annotated[StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)] | None = None
    owner_name: StrictStr | None = Field(default=None, max_length=goals_service.OWNER_MAX)
    status: GoalStatus | None = None


class ProgressOut(BaseModel):
    percent_complete: float
    percent_elapsed: float
    status: Literal["on_track", "at_risk", "behind", "achieved"]
    latest_value: float | None
    latest_date: date | None


class GoalOut(BaseModel):
    id: int
    brand_id: int
    title: str
    description: str | None
    metric: str
    unit: str | None
    baseline: float
    target: float
    start_date: date | None
    due_date: date
    priority: Priority
    weight: float | None
    owner_name: str | None
    status: GoalStatus
    progress: ProgressOut
    created_at: datetime
    updated_at: datetime


class CheckinCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    value: Number
    comment: StrictStr | None = Field(default=None, max_length=goals_service.COMMENT_MAX)


class CheckinOut(BaseModel):
    id: int
    goal_id: int
    date: date
    value: float
    comment: str | None
    created_at: datetime


class NetworkShare(BaseModel):
    model_config = ConfigDict(extra="forbid")

    network: Network
    share: Annotated[StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)]


class AudienceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=audiences_service.NAME_MAX)
    description: StrictStr | None = Field(
        default=None, max_length=audiences_service.DESCRIPTION_MAX
    )
    networks: list[NetworkShare] = Field(default_factory=list, max_length=len(NETWORKS))
    engages: StrictStr | None = Field(default=None, max_length=audiences_service.ENGAGES_MAX)


class AudienceUpdate(BaseModel):
    """Only the fields sent are changed; the name cannot be cleared (not nullable)."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=audiences_service.NAME_MAX,
        json_schema_extra=not_nullable,
    )
    description: StrictStr | None = Field(
        default=None, max_length=audiences_service.DESCRIPTION_MAX
    )
    networks: list[NetworkShare] | None = Field(default=None, max_length=len(NETWORKS))
    engages: StrictStr | None = Field(default=None, max_length=audiences_service.ENGAGES_MAX)


class AudienceOut(BaseModel):
    id: int
    brand_id: int
    name: str
    description: str | None
    networks: list[NetworkShare]
    engages: str | None
    created_at: datetime
    updated_at: datetime


class GoalPage(BaseModel):
    data: list[GoalOut]
    meta: PageMeta


class CheckinPage(BaseModel):
    data: list[CheckinOut]
    meta: PageMeta


class AudiencePage(BaseModel):
    data: list[AudienceOut]
    meta: PageMeta


# --- serialisation ------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def goal_json(row: goals_service.GoalRow) -> dict[str, Any]:
    goal, latest, progress = row.goal, row.latest, row.progress
    return {
        "id": goal.id,
        "brand_id": goal.brand_id,
        "title": goal.title,
        "description": goal.description,
        "metric": goal.metric,
        "unit": goal.unit,
        "baseline": goal.baseline,
        "target": goal.target,
        "start_date": _day(goal.start_date),
        "due_date": _day(goal.due_date),
        "priority": goal.priority,
        "weight": goal.weight,
        "owner_name": goal.owner_name,
        "status": goal.status,
        "progress": {
            "percent_complete": progress.percent_complete,
            "percent_elapsed": progress.percent_elapsed,
            "status": progress.status,
            "latest_value": latest.value if latest is not None else None,
            "latest_date": _day(latest.date) if latest is not None else None,
        },
        "created_at": _iso(goal.created_at),
        "updated_at": _iso(goal.updated_at),
    }


def checkin_json(checkin: GoalCheckin) -> dict[str, Any]:
    return {
        "id": checkin.id,
        "goal_id": checkin.goal_id,
        "date": _day(checkin.date),
        "value": checkin.value,
        "comment": checkin.comment,
        "created_at": _iso(checkin.created_at),
    }


def audience_json(audience: Audience) -> dict[str, Any]:
    return {
        "id": audience.id,
        "brand_id": audience.brand_id,
        "name": audience.name,
        "description": audience.description,
        "networks": [
            {"network": r["network"], "share": float(r["share"])} for r in audience.networks or []
        ],
        "engages": audience.engages,
        "created_at": _iso(audience.created_at),
        "updated_at": _iso(audience.updated_at),
    }


def _brand(brand_id: int) -> Brand:
    return get_or_404(Brand, brand_id)


def _goal(goal_id: int) -> Goal:
    goal = goals_service.load(goal_id)
    if goal is None:
        raise ApiError(404, "not_found", "No goal with this id.")
    return goal


def _audience(audience_id: int) -> Audience:
    audience = audiences_service.load(audience_id)
    if audience is None:
        raise ApiError(404, "not_found", "No audience with this id.")
    return audience


def _goal_rows(goals: list[Goal], brand: Brand | None = None) -> list[goals_service.GoalRow]:
    return goals_service.rows(goals, goals_service.brand_today(brand))


def _one(goal: Goal) -> dict[str, Any]:
    brand = _brand(goal.brand_id)
    return goal_json(_goal_rows([goal], brand)[0])


# --- goals --------------------------------------------------------------------------------


@endpoint(
    "/brands/<int:brand_id>/goals",
    "GET",
    summary="List a brand's company goals with their progress",
    tags=GOAL_TAGS,
    permission="goal.view",
    response=GoalPage,
    query=PAGE_QUERY,
    errors=(400, 401, 404),
)
def list_goals(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    page, per_page = page_params()
    result = paginate(goals_service.for_brand(brand.id), page, per_page)
    rows = _goal_rows(result.items, brand)
    return page_payload([goal_json(r) for r in rows], page, per_page, result.total)


@endpoint(
    "/brands/<int:brand_id>/goals",
    "POST",
    summary="Add a company goal to a brand",
    tags=GOAL_TAGS,
    permission="goal.edit",
    body=GoalCreate,
    response=GoalOut,
    status=201,
    errors=(400, 401, 403, 404, 415, 422),
)
def create_goal(brand_id: int, data: GoalCreate) -> dict[str, Any]:
    brand = _brand(brand_id)
    goal = goals_service.create(g.membership, brand, data.model_dump())
    return goal_json(_goal_rows([goal], brand)[0])


@endpoint(
    "/goals/<int:goal_id>",
    "GET",
    summary="Get a company goal with its progress",
    tags=GOAL_TAGS,
    permission="goal.view",
    response=GoalOut,
    errors=(401, 404),
)
def get_goal(goal_id: int) -> dict[str, Any]:
    return _one(_goal(goal_id))


@endpoint(
    "/goals/<int:goal_id>",
    "PATCH",
    summary="Change some of a goal's fields (status included)",
    tags=GOAL_TAGS,
    permission="goal.edit",
    body=GoalUpdate,
    response=GoalOut,
    errors=(400, 401, 403, 404, 415, 422),
)
def update_goal(goal_id: int, data: GoalUpdate) -> dict[str, Any]:
    goal = _goal(goal_id)
    goals_service.update(g.membership, goal, data.model_dump(exclude_unset=True))
    return _one(goal)


@endpoint(
    "/goals/<int:goal_id>/checkins",
    "GET",
    summary="List a goal's check-ins, newest first",
    tags=GOAL_TAGS,
    permission="goal.view",
    response=CheckinPage,
    query=PAGE_QUERY,
    errors=(400, 401, 404),
)
def list_checkins(goal_id: int) -> dict[str, Any]:
    goal = _goal(goal_id)
    page, per_page = page_params()
    result = paginate(goals_service.checkins_of(goal, newest_first=True), page, per_page)
    return page_payload([checkin_json(c) for c in result.items], page, per_page, result.total)


@endpoint(
    "/goals/<int:goal_id>/checkins",
    "POST",
    summary="Record a dated progress value for a goal",
    tags=GOAL_TAGS,
    permission="goal.edit",
    body=CheckinCreate,
    response=CheckinOut,
    status=201,
    errors=(400, 401, 403, 404, 415, 422),
)
def create_checkin(goal_id: int, data: CheckinCreate) -> dict[str, Any]:
    goal = _goal(goal_id)
    brand = _brand(goal.brand_id)
    checkin = goals_service.add_checkin(
        g.membership, goal, data.model_dump(), today=goals_service.brand_today(brand)
    )
    return checkin_json(checkin)


# --- audiences ----------------------------------------------------------------------------


@endpoint(
    "/brands/<int:brand_id>/audiences",
    "GET",
    summary="List a brand's audiences",
    tags=AUDIENCE_TAGS,
    permission="goal.view",
    response=AudiencePage,
    query=PAGE_QUERY,
    errors=(400, 401, 404),
)
def list_audiences(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    page, per_page = page_params()
    result = paginate(audiences_service.for_brand(brand.id), page, per_page)
    return page_payload([audience_json(a) for a in result.items], page, per_page, result.total)


@endpoint(
    "/brands/<int:brand_id>/audiences",
    "POST",
    summary="Describe an audience: the networks it uses and who engages",
    tags=AUDIENCE_TAGS,
    permission="audience.edit",
    body=AudienceCreate,
    response=AudienceOut,
    status=201,
    errors=(400, 401, 403, 404, 415, 422),
)
def create_audience(brand_id: int, data: AudienceCreate) -> dict[str, Any]:
    brand = _brand(brand_id)
    audience = audiences_service.create(g.membership, brand, data.model_dump())
    return audience_json(audience)


@endpoint(
    "/audiences/<int:audience_id>",
    "GET",
    summary="Get an audience",
    tags=AUDIENCE_TAGS,
    permission="goal.view",
    response=AudienceOut,
    errors=(401, 404),
)
def get_audience(audience_id: int) -> dict[str, Any]:
    return audience_json(_audience(audience_id))


@endpoint(
    "/audiences/<int:audience_id>",
    "PATCH",
    summary="Change some of an audience's fields (networks are replaced as a whole)",
    tags=AUDIENCE_TAGS,
    permission="audience.edit",
    body=AudienceUpdate,
    response=AudienceOut,
    errors=(400, 401, 403, 404, 415, 422),
)
def update_audience(audience_id: int, data: AudienceUpdate) -> dict[str, Any]:
    audience = _audience(audience_id)
    audiences_service.update(g.membership, audience, data.model_dump(exclude_unset=True))
    return audience_json(audience)
