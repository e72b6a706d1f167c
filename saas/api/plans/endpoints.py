"""API: social plans, their revisions, workflow transitions and revision comparison.

The body is checked for shape by pydantic (``saas.api.plans.schemas``), then the plans
service checks meaning (dates in order, goals and audiences of this brand, ranges) and
writes nothing on any error.  Campaigns and calendar items cross into the service as its
own records (``CampaignData.from_dict``, ``as_dict``), which own the field list.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from saas.api.base import PAGE_QUERY, ApiError, endpoint, paginated
from saas.api.plans.schemas import (
    CalendarItemIn,
    CalendarItemOut,
    CampaignIn,
    CampaignOut,
    CompareOut,
    PlanCreate,
    PlanOut,
    PlanPage,
    PlanSummary,
    RevisionCreate,
    RevisionList,
    RevisionOut,
    TransitionIn,
)
from saas.api.schemas import attributes
from saas.http import get_or_404, is_ascii_digits, parse_id
from saas.i18n import gettext as _
from saas.models import Brand, CalendarItem, Campaign, Plan, PlanRevision
from saas.services import plans as plans_service
from saas.services.plans import CalendarItemData, CampaignData

TAGS = ["plans"]


# --- serialisation --------------------------------------------------------------------------


def plan_summary_json(plan: Plan) -> PlanSummary:
    return PlanSummary.model_validate(plan, from_attributes=True)


def revision_json(revision: PlanRevision) -> RevisionOut:
    return RevisionOut.model_validate(revision, from_attributes=True)


def campaign_json(campaign: Campaign) -> CampaignOut:
    values = CampaignData.from_row(campaign).as_dict()
    contributions = values.pop("goal_contributions")
    return CampaignOut.model_validate(
        {
            **values,
            "id": campaign.id,
            "position": campaign.position,
            "goal_contributions": {str(gid): c for gid, c in contributions.items()},
        }
    )


def calendar_item_json(item: CalendarItem) -> CalendarItemOut:
    return CalendarItemOut.model_validate(
        {"id": item.id, **CalendarItemData.from_row(item).as_dict()}
    )


def plan_json(plan: Plan, revision: PlanRevision) -> PlanOut:
    """The plan with one revision's content inline (the revision must be fully loaded)."""
    return PlanOut.model_validate(
        {
            **attributes(plan, PlanSummary),
            "revision": revision_json(revision),
            "campaigns": [campaign_json(c) for c in revision.campaigns],
            "calendar": [calendar_item_json(item) for item in revision.calendar_items],
        }
    )


# --- parsing ----------------------------------------------------------------------------------


def _campaigns(items: list[CampaignIn]) -> list[CampaignData]:
    errors: dict[str, str] = {}
    for i, c in enumerate(items):
        stray = sorted(set(c.goal_contributions) - set(c.goal_ids))
        if stray:
            errors[f"campaigns.{i}.goal_contributions"] = _(
                "Goal %(id)s has a contribution but is not in goal_ids.", id=stray[0]
            )
    if errors:
        raise ApiError(422, "validation_failed", "Some fields are invalid.", errors)
    return [CampaignData.from_dict(c.model_dump()) for c in items]


def _calendar(items: list[CalendarItemIn]) -> list[CalendarItemData]:
    return [CalendarItemData(**item.model_dump()) for item in items]


def _role() -> str:
    return g.membership.role


def _brand(brand_id: int) -> Brand:
    if parse_id(brand_id) is None:
        raise ApiError(404, "not_found", "No brand with this id.")
    return get_or_404(Brand, brand_id)


def _plan(plan_id: int) -> Plan:
    return plans_service.get_plan(plan_id, _role())


def _full(plan: Plan, revision: PlanRevision) -> PlanOut:
    return plan_json(plan, plans_service.load_revision(revision.id))


# A revision's campaigns and calendar as validated response models, by the revision's
# content (``revision_key``: every save claims the plan's next version): what an API read
# of a plan costs most.  Only ids of other rows appear in it (goal ids, audience id), and
# those links are written by saves alone.  At most 128 revisions, 50,000 rows in all (a
# validated row is well under 1 KB: tens of MB at most).
_content: plans_service.BoundedCache[tuple[list[CampaignOut], list[CalendarItemOut]]] = (
    plans_service.BoundedCache(max_entries=128, max_weight=50_000)
)


def _content_models(revision_id: int) -> tuple[list[CampaignOut], list[CalendarItemOut]]:
    campaigns, calendar = plans_service.revision_content(revision_id)
    for campaign in campaigns:
        campaign["goal_contributions"] = {
            str(gid): c for gid, c in campaign["goal_contributions"].items()
        }
    return (
        [CampaignOut.model_validate(c) for c in campaigns],
        [CalendarItemOut.model_validate(item) for item in calendar],
    )


def _read(plan: Plan, revision: PlanRevision) -> PlanOut:
    """``_full`` for a revision this request has just loaded, with the same body: its
    content from column queries (no ORM object per row), kept between requests."""
    campaigns, calendar = _content.get_or_make(
        plans_service.revision_key(plan, revision),
        lambda: _content_models(revision.id),
        lambda value: len(value[0]) + len(value[1]),
    )
    return PlanOut.model_validate(
        {
            **attributes(plan, PlanSummary),
            "revision": revision_json(revision),
            "campaigns": list(campaigns),
            "calendar": list(calendar),
        }
    )


@endpoint(
    "/brands/<int:brand_id>/plans",
    "GET",
    summary="List a brand's social plans (client leaders: approved and archived only)",
    tags=TAGS,
    permission="plan.view",
    response=PlanPage,
    query=PAGE_QUERY,
)
def list_plans(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    return paginated(plans_service.plans_query(brand.id, _role()), plan_summary_json)


@endpoint(
    "/brands/<int:brand_id>/plans",
    "POST",
    summary="Create a social plan with its first revision's campaigns and calendar",
    tags=TAGS,
    permission="plan.draft",
    body=PlanCreate,
    response=PlanOut,
    status=201,
    errors=(409,),
)
def create_plan(brand_id: int, data: PlanCreate) -> PlanOut:
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
)
def get_plan(plan_id: int) -> PlanOut:
    plan, revision = plans_service.plan_and_revision(plan_id, _role(), request.args.get("revision"))
    return _read(plan, revision)


@endpoint(
    "/plans/<int:plan_id>/revisions",
    "GET",
    summary="List a plan's revisions, newest first",
    tags=TAGS,
    permission="plan.view",
    response=RevisionList,
)
def list_revisions(plan_id: int) -> RevisionList:
    plan = _plan(plan_id)
    return RevisionList(
        data=[revision_json(row.revision) for row in plans_service.revision_history(plan)]
    )


@endpoint(
    "/plans/<int:plan_id>/revisions",
    "POST",
    summary=(
        "Save the plan's whole content into its working draft: 201 when the save starts a "
        "new revision (the cycle's draft after changes were requested, or a re-submission "
        "while the plan waits for its review), 200 when it updates the draft in place; "
        "409 `edit_conflict` when `version` is not the saved one"
    ),
    tags=TAGS,
    permission="plan.draft",
    body=RevisionCreate,
    response=PlanOut,
    status=201,
    also=(200,),
    errors=(409,),
)
def create_revision(plan_id: int, data: RevisionCreate) -> tuple[PlanOut, int]:
    """One draft per review cycle: the first save after "changes requested" creates it
    (201), later saves of the same cycle update it (200)."""
    plan = _plan(plan_id)
    before_id = plans_service.current_revision(plan).id
    revision = plans_service.save_revision(
        plan,
        campaigns=_campaigns(data.campaigns),
        calendar=_calendar(data.calendar),
        author=g.user,
        title=data.title,
        period_start=data.period_start,
        period_end=data.period_end,
        note=data.note,
        expected_version=data.version,
    )
    return _full(plan, revision), 200 if revision.id == before_id else 201


@endpoint(
    "/plans/<int:plan_id>/transitions",
    "POST",
    summary=(
        "Move a plan through its workflow (403 for the wrong role, 409 from this status, "
        "409 `edit_conflict` when `version` is not the saved one)"
    ),
    tags=TAGS,
    permission="plan.view",
    body=TransitionIn,
    response=PlanSummary,
    errors=(409,),
)
def transition_plan(plan_id: int, data: TransitionIn) -> PlanSummary:
    plan = _plan(plan_id)
    plans_service.transition(plan, data.to, g.membership, expected_version=data.version)
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
)
def compare_revisions(plan_id: int) -> CompareOut:
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
    return CompareOut.model_validate({"a": a.number, "b": b.number, **diff.to_dict()})
