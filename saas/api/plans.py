"""API: social plans, their revisions, workflow transitions and revision comparison.

Field names follow the issue so integrations can rely on them (campaigns: ``name,
networks, format, objective, kpi, kpi_baseline, kpi_target, audience_id, start_date,
end_date, duration_rationale, budget, goal_ids``).  The body is checked for shape by
pydantic, then the plans service checks meaning (dates in order, goals and audiences of
this brand, ranges) and writes nothing on any error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

from flask import g, request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    ApiError,
    PageMeta,
    ServiceCheckedId,
    endpoint,
    page_params,
    page_payload,
)
from saas.domain.plan_workflow import STATUSES
from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.i18n import gettext as _
from saas.models import Brand, Plan, PlanRevision
from saas.services import plans as plans_service
from saas.services.plans import CalendarItemData, CampaignData
from saas.web.common import get_or_404, paginate
from saas.web.edge import is_ascii_digits

TAGS = ["plans"]

Network = Literal[NETWORKS]  # type: ignore[valid-type]
Format = Literal[FORMATS]  # type: ignore[valid-type]
Objective = Literal[OBJECTIVES]  # type: ignore[valid-type]
Kpi = Literal[KPIS]  # type: ignore[valid-type]
CalendarStatus = Literal[CALENDAR_STATUSES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]

Number = float


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=plans_service.NAME_MAX)
    networks: list[Network] = Field(min_length=1, max_length=len(NETWORKS))
    format: Format
    objective: Objective
    kpi: Kpi | None = None
    kpi_baseline: Number | None = Field(default=None, allow_inf_nan=False)
    kpi_target: Number | None = Field(default=None, allow_inf_nan=False)
    audience_id: ServiceCheckedId | None = None
    start_date: date
    end_date: date
    duration_rationale: StrictStr | None = Field(
        default=None, max_length=plans_service.RATIONALE_MAX
    )
    budget: Decimal | None = Field(default=None, allow_inf_nan=False, examples=[1500])
    goal_ids: list[ServiceCheckedId] = Field(default_factory=list, max_length=200)
    goal_contributions: dict[ServiceCheckedId, Number] = Field(
        default_factory=dict,
        max_length=200,
        description="Expected contribution to each linked goal, in the goal's unit",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]{1,10}$"}},  # goal ids
    )
    key: StrictStr | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="Keep a campaign's key to match it across revisions; new ones get one",
    )


class CalendarItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    network: Network
    format: Format
    pillar: StrictStr | None = Field(default=None, max_length=plans_service.PILLAR_MAX)
    brief: StrictStr | None = Field(default=None, max_length=plans_service.BRIEF_MAX)
    status: CalendarStatus = "planned"
    campaign_key: StrictStr | None = Field(default=None, min_length=1, max_length=32)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(min_length=1, max_length=plans_service.TITLE_MAX)
    period_start: date
    period_end: date
    campaigns: list[CampaignIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CAMPAIGNS
    )
    calendar: list[CalendarItemIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CALENDAR_ITEMS
    )


class RevisionCreate(BaseModel):
    """The whole content of the plan: campaigns and calendar are replaced."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr | None = Field(default=None, min_length=1, max_length=plans_service.TITLE_MAX)
    period_start: date | None = None
    period_end: date | None = None
    note: StrictStr | None = Field(default=None, max_length=plans_service.NOTE_MAX)
    campaigns: list[CampaignIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CAMPAIGNS
    )
    calendar: list[CalendarItemIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CALENDAR_ITEMS
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Status


class CampaignOut(BaseModel):
    id: int
    key: str
    position: int
    name: str
    networks: list[str]
    format: str
    objective: str
    kpi: str | None
    kpi_baseline: float | None
    kpi_target: float | None
    audience_id: int | None
    start_date: date
    end_date: date
    duration_rationale: str | None
    budget: float | None
    goal_ids: list[int]
    goal_contributions: dict[str, float | None]


class CalendarItemOut(BaseModel):
    id: int
    date: date
    network: str
    format: str
    pillar: str | None
    brief: str | None
    status: str
    campaign_key: str | None


class RevisionOut(BaseModel):
    id: int
    number: int
    title: str
    period_start: date
    period_end: date
    frozen: bool
    author_id: int | None
    note: str | None
    created_at: datetime


class PlanSummary(BaseModel):
    id: int
    brand_id: int
    title: str
    period_start: date
    period_end: date
    status: str
    owner_id: int | None
    reviewer_membership_id: int | None
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PlanOut(PlanSummary):
    revision: RevisionOut
    campaigns: list[CampaignOut]
    calendar: list[CalendarItemOut]


class PlanPage(BaseModel):
    data: list[PlanSummary]
    meta: PageMeta


class RevisionList(BaseModel):
    data: list[RevisionOut]


class FieldChangeOut(BaseModel):
    field: str
    old: Any
    new: Any


class CampaignChangeOut(BaseModel):
    key: str
    name: str
    changes: list[FieldChangeOut]


class CalendarCountOut(BaseModel):
    old: int
    new: int


class CompareOut(BaseModel):
    a: int
    b: int
    plan_changes: list[FieldChangeOut]
    added: list[CampaignChangeOut]
    removed: list[CampaignChangeOut]
    changed: list[CampaignChangeOut]
    unchanged_count: int
    calendar_items: CalendarCountOut


# --- serialisation --------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def plan_summary_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "brand_id": plan.brand_id,
        "title": plan.title,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "status": plan.status,
        "owner_id": plan.owner_id,
        "reviewer_membership_id": plan.reviewer_membership_id,
        "submitted_at": _iso(plan.submitted_at),
        "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at),
    }


def revision_json(revision: PlanRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "number": revision.number,
        "title": revision.title,
        "period_start": revision.period_start.isoformat(),
        "period_end": revision.period_end.isoformat(),
        "frozen": revision.frozen,
        "author_id": revision.author_id,
        "note": revision.note,
        "created_at": _iso(revision.created_at),
    }


def plan_json(plan: Plan, revision: PlanRevision) -> dict[str, Any]:
    """The plan with one revision's content inline (the revision must be fully loaded)."""
    return {
        **plan_summary_json(plan),
        "revision": revision_json(revision),
        "campaigns": [
            {
                "id": c.id,
                "key": c.key,
                "position": c.position,
                "name": c.name,
                "networks": list(c.networks or []),
                "format": c.format,
                "objective": c.objective,
                "kpi": c.kpi,
                "kpi_baseline": c.kpi_baseline,
                "kpi_target": c.kpi_target,
                "audience_id": c.audience_id,
                "start_date": c.start_date.isoformat(),
                "end_date": c.end_date.isoformat(),
                "duration_rationale": c.duration_rationale,
                "budget": float(c.budget) if c.budget is not None else None,
                "goal_ids": sorted(link.goal_id for link in c.goal_links),
                "goal_contributions": {
                    str(link.goal_id): link.contribution for link in c.goal_links
                },
            }
            for c in revision.campaigns
        ],
        "calendar": [
            {
                "id": item.id,
                "date": item.date.isoformat(),
                "network": item.network,
                "format": item.format,
                "pillar": item.pillar,
                "brief": item.brief,
                "status": item.status,
                "campaign_key": item.campaign_key,
            }
            for item in revision.calendar_items
        ],
    }


# --- parsing ----------------------------------------------------------------------------------


def _campaigns(items: list[CampaignIn]) -> list[CampaignData]:
    out = []
    errors: dict[str, str] = {}
    for i, c in enumerate(items):
        stray = sorted(set(c.goal_contributions) - set(c.goal_ids))
        if stray:
            errors[f"campaigns.{i}.goal_contributions"] = _(
                "Goal %(id)s has a contribution but is not in goal_ids.", id=stray[0]
            )
        out.append(
            CampaignData(
                name=c.name,
                networks=list(c.networks),
                format=c.format,
                objective=c.objective,
                kpi=c.kpi,
                kpi_baseline=c.kpi_baseline,
                kpi_target=c.kpi_target,
                audience_id=c.audience_id,
                start_date=c.start_date,
                end_date=c.end_date,
                duration_rationale=c.duration_rationale,
                budget=c.budget,
                goal_links=[(gid, c.goal_contributions.get(gid)) for gid in c.goal_ids],
                key=c.key,
            )
        )
    if errors:
        raise ApiError(422, "validation_failed", "Some fields are invalid.", errors)
    return out


def _calendar(items: list[CalendarItemIn]) -> list[CalendarItemData]:
    return [
        CalendarItemData(
            date=item.date,
            network=item.network,
            format=item.format,
            pillar=item.pillar,
            brief=item.brief,
            status=item.status,
            campaign_key=item.campaign_key,
        )
        for item in items
    ]


def _role() -> str:
    return g.membership.role


def _brand(brand_id: int) -> Brand:
    if plans_service.valid_id(brand_id) is None:
        raise ApiError(404, "not_found", "No brand with this id.")
    return get_or_404(Brand, brand_id)


def _plan(plan_id: int) -> Plan:
    return plans_service.get_plan(plan_id, _role())


def _full(plan: Plan, revision: PlanRevision) -> dict[str, Any]:
    return plan_json(plan, plans_service.load_revision(revision.id))


# --- endpoints ----------------------------------------------------------------------------


@endpoint(
    "/brands/<int:brand_id>/plans",
    "GET",
    summary="List a brand's social plans (client leaders: approved and archived only)",
    tags=TAGS,
    permission="plan.view",
    response=PlanPage,
    query=PAGE_QUERY,
    errors=(400, 401, 404),
)
def list_plans(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    page, per_page = page_params()
    result = paginate(plans_service.plans_query(brand.id, _role()), page, per_page)
    return page_payload([plan_summary_json(p) for p in result.items], page, per_page, result.total)


@endpoint(
    "/brands/<int:brand_id>/plans",
    "POST",
    summary="Create a social plan with its first revision's campaigns and calendar",
    tags=TAGS,
    permission="plan.draft",
    body=PlanCreate,
    response=PlanOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 415, 422),
)
def create_plan(brand_id: int, data: PlanCreate) -> dict[str, Any]:
    brand = _brand(brand_id)
    plan = plans_service.create_plan(
        brand,
        title=data.title,
        period_start=data.period_start,
        period_end=data.period_end,
        campaigns=_campaigns(data.campaigns),
        calendar=_calendar(data.calendar),
        author=g.user,
    )
    return _full(plan, plans_service.current_revision(plan))


@endpoint(
    "/plans/<int:plan_id>",
    "GET",
    summary="Get a plan with its current revision (or ?revision=<number>) inline",
    tags=TAGS,
    permission="plan.view",
    response=PlanOut,
    query=[
        {
            "name": "revision",
            "in": "query",
            "description": "A revision number; the current revision when absent",
            "schema": {"type": "integer", "minimum": 1},
        }
    ],
    errors=(401, 404),
)
def get_plan(plan_id: int) -> dict[str, Any]:
    plan = _plan(plan_id)
    number = request.args.get("revision")
    if number is not None:
        revision = plans_service.get_revision(plan, number=number)
    else:
        revision = plans_service.current_revision(plan)
    return _full(plan, revision)


@endpoint(
    "/plans/<int:plan_id>/revisions",
    "GET",
    summary="List a plan's revisions, newest first",
    tags=TAGS,
    permission="plan.view",
    response=RevisionList,
    errors=(401, 404),
)
def list_revisions(plan_id: int) -> dict[str, Any]:
    plan = _plan(plan_id)
    return {"data": [revision_json(row.revision) for row in plans_service.revision_history(plan)]}


@endpoint(
    "/plans/<int:plan_id>/revisions",
    "POST",
    summary=(
        "Save the plan's whole content: 201 with a new revision once the plan has been "
        "submitted, 200 when a never-submitted draft was updated in place"
    ),
    tags=TAGS,
    permission="plan.draft",
    body=RevisionCreate,
    response=PlanOut,
    status=201,
    also=(200,),
    errors=(400, 401, 403, 404, 409, 415, 422),
)
def create_revision(plan_id: int, data: RevisionCreate) -> tuple[dict[str, Any], int]:
    plan = _plan(plan_id)
    before = plans_service.current_revision(plan)
    before_id = before.id
    revision = plans_service.save_revision(
        plan,
        campaigns=_campaigns(data.campaigns),
        calendar=_calendar(data.calendar),
        author=g.user,
        title=data.title,
        period_start=data.period_start,
        period_end=data.period_end,
        note=data.note,
    )
    return _full(plan, revision), 200 if revision.id == before_id else 201


@endpoint(
    "/plans/<int:plan_id>/transitions",
    "POST",
    summary="Move a plan through its workflow (403 for the wrong role, 409 from this status)",
    tags=TAGS,
    permission="plan.view",
    body=TransitionIn,
    response=PlanSummary,
    errors=(400, 401, 403, 404, 409, 415, 422),
)
def transition_plan(plan_id: int, data: TransitionIn) -> dict[str, Any]:
    plan = _plan(plan_id)
    plans_service.transition(plan, data.to, g.membership)
    return plan_summary_json(plan)


@endpoint(
    "/plans/<int:plan_id>/compare",
    "GET",
    summary="What changed between two revisions, campaign by campaign (a, b: revision numbers)",
    tags=TAGS,
    permission="plan.view",
    response=CompareOut,
    query=[
        {"name": "a", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}},
        {"name": "b", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}},
    ],
    errors=(400, 401, 404),
)
def compare_revisions(plan_id: int) -> dict[str, Any]:
    plan = _plan(plan_id)
    numbers = {}
    for name in ("a", "b"):
        raw = request.args.get(name, "")
        if not is_ascii_digits(raw):
            raise ApiError(
                400, "bad_request", "Give two revision numbers: ?a=1&b=2.", {name: "Required."}
            )
        numbers[name] = int(raw)
    a = plans_service.get_revision(plan, number=numbers["a"])
    b = plans_service.get_revision(plan, number=numbers["b"])
    _a, _b, diff = plans_service.compare(plan, a.id, b.id)
    return {"a": a.number, "b": b.number, **diff.to_dict()}
