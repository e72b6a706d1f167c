"""API: company goals and their check-ins (audiences: ``saas.api.audiences``).

Pydantic checks types and sizes (strict strings, finite numbers, ISO dates, known
enumerations); the services check the rules that join fields (target ≠ baseline, due date
after start).  Both answer 422 with ``fields``.  The
tenant and brand scope set by token authentication decides what a caller can see, so an id
of another agency (or of a brand outside a client user's scope) answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import g
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.api.schemas import ApiDate, attributes
from saas.api.schemas import Number as FiniteNumber
from saas.http import get_or_404
from saas.models import Brand, Goal, GoalCheckin
from saas.services import goals as goals_service
from saas.services.validation import NUMBER_MAX

TAGS = ["goals"]

# Goals bound their numbers in the schema too (the service says the same in its words).
Number = Annotated[FiniteNumber, Field(ge=-NUMBER_MAX, le=NUMBER_MAX)]
Weight = Annotated[FiniteNumber, Field(ge=0, le=100)]
Priority = Literal["high", "medium", "low"]
GoalStatus = Literal["active", "achieved", "dropped"]


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
    due_date: ApiDate
    priority: Priority = "medium"
    start_date: ApiDate | None = None
    weight: Weight | None = None
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
    due_date: ApiDate = Field(default=None, json_schema_extra=not_nullable)
    priority: Priority | None = None
    start_date: ApiDate | None = None
    weight: Weight | None = None
    owner_name: StrictStr | None = Field(default=None, max_length=goals_service.OWNER_MAX)
    status: GoalStatus | None = None


class ProgressOut(BaseModel):
    percent_complete: float
    percent_elapsed: float
    status: Literal["on_track", "at_risk", "behind", "achieved"]
    latest_value: float | None
    latest_date: ApiDate | None


class GoalOut(BaseModel):
    id: int
    brand_id: int
    title: str
    description: str | None
    metric: str
    unit: str | None
    baseline: float
    target: float
    start_date: ApiDate | None
    due_date: ApiDate
    priority: Priority
    weight: float | None
    owner_name: str | None
    status: GoalStatus
    progress: ProgressOut
    created_at: UtcDateTime
    updated_at: UtcDateTime


class CheckinCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: ApiDate
    value: Number
    comment: StrictStr | None = Field(default=None, max_length=goals_service.COMMENT_MAX)


class CheckinOut(BaseModel):
    id: int
    goal_id: int
    date: ApiDate
    value: float
    comment: str | None
    created_at: UtcDateTime


class GoalPage(Page[GoalOut]):
    pass


class CheckinPage(Page[CheckinOut]):
    pass


# --- serialisation ------------------------------------------------------------------------


def goal_json(row: goals_service.GoalRow) -> GoalOut:
    goal, latest, progress = row.goal, row.latest, row.progress
    return GoalOut.model_validate(
        {
            **attributes(goal, GoalOut),
            "progress": ProgressOut(
                percent_complete=progress.percent_complete,
                percent_elapsed=progress.percent_elapsed,
                status=progress.status,
                latest_value=latest.value if latest is not None else None,
                latest_date=latest.date if latest is not None else None,
            ),
        }
    )


def checkin_json(checkin: GoalCheckin) -> CheckinOut:
    return CheckinOut.model_validate(checkin, from_attributes=True)


def _brand(brand_id: int) -> Brand:
    return get_or_404(Brand, brand_id)


def _goal(goal_id: int) -> Goal:
    return found(goals_service.load(goal_id), "goal")


def _goals_json(goals: list[Goal], brand: Brand) -> list[GoalOut]:
    """Goals with their progress today in the brand's time zone (one query for all)."""
    return [goal_json(r) for r in goals_service.rows(goals, goals_service.brand_today(brand))]


def _one(goal: Goal) -> GoalOut:
    return _goals_json([goal], _brand(goal.brand_id))[0]


@endpoint(
    "/brands/<int:brand_id>/goals",
    "GET",
    summary="List a brand's company goals with their progress",
    tags=TAGS,
    permission="goal.view",
    response=GoalPage,
    query=PAGE_QUERY,
)
def list_goals(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    return paginated(
        goals_service.for_brand(brand.id), serialise_all=lambda goals: _goals_json(goals, brand)
    )


@endpoint(
    "/brands/<int:brand_id>/goals",
    "POST",
    summary="Add a company goal to a brand",
    tags=TAGS,
    permission="goal.edit",
    body=GoalCreate,
    response=GoalOut,
    status=201,
)
def create_goal(brand_id: int, data: GoalCreate) -> GoalOut:
    brand = _brand(brand_id)
    return _goals_json([goals_service.create(g.membership, brand, data.model_dump())], brand)[0]


@endpoint(
    "/goals/<int:goal_id>",
    "GET",
    summary="Get a company goal with its progress",
    tags=TAGS,
    permission="goal.view",
    response=GoalOut,
)
def get_goal(goal_id: int) -> GoalOut:
    return _one(_goal(goal_id))


@endpoint(
    "/goals/<int:goal_id>",
    "PATCH",
    summary="Change some of a goal's fields (status included)",
    tags=TAGS,
    permission="goal.edit",
    body=GoalUpdate,
    response=GoalOut,
)
def update_goal(goal_id: int, data: GoalUpdate) -> GoalOut:
    goal = _goal(goal_id)
    goals_service.update(g.membership, goal, data.model_dump(exclude_unset=True))
    return _one(goal)


@endpoint(
    "/goals/<int:goal_id>/checkins",
    "GET",
    summary="List a goal's check-ins, newest first",
    tags=TAGS,
    permission="goal.view",
    response=CheckinPage,
    query=PAGE_QUERY,
)
def list_checkins(goal_id: int) -> dict[str, Any]:
    goal = _goal(goal_id)
    return paginated(goals_service.checkins_of(goal, newest_first=True), checkin_json)


@endpoint(
    "/goals/<int:goal_id>/checkins",
    "POST",
    summary="Record a dated progress value for a goal",
    tags=TAGS,
    permission="goal.edit",
    body=CheckinCreate,
    response=CheckinOut,
    status=201,
)
def create_checkin(goal_id: int, data: CheckinCreate) -> CheckinOut:
    goal = _goal(goal_id)
    brand = _brand(goal.brand_id)
    checkin = goals_service.add_checkin(
        g.membership, goal, data.model_dump(), today=goals_service.brand_today(brand)
    )
    return checkin_json(checkin)
