"""Loading plans and revisions through the ORM, so the caller's tenant and brand scope
applies: another tenant's plan is simply not found.  A plan a role may not see answers
``NotFound`` too, so ids cannot be probed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from saas.domain import plan_workflow as workflow
from saas.domain.ids import parse_id
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import (
    Audience,
    Brand,
    CalendarItem,
    Campaign,
    CampaignGoal,
    Goal,
    Plan,
    PlanRevision,
    Review,
    User,
)
from saas.services.errors import NotFound
from saas.services.plans.data import (
    CALENDAR_COLUMNS,
    CAMPAIGN_COLUMNS,
    VIEW_ROLES,
    CalendarItemData,
    CampaignData,
)


def plans_query(brand_id: int, role: str) -> Select[Any]:
    """The brand's plans this role may see, most recently changed first."""
    stmt = select(Plan).where(Plan.brand_id == brand_id)
    if role == workflow.CLIENT_LEADER:
        stmt = stmt.where(Plan.status.in_(sorted(workflow.LEADER_VISIBLE)))
    elif role not in VIEW_ROLES:
        stmt = stmt.where(False)
    return stmt.order_by(Plan.updated_at.desc(), Plan.id.desc())


def revision_counts(plan_ids: Sequence[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(PlanRevision.plan_id, func.count(PlanRevision.id))
        .where(PlanRevision.plan_id.in_(list(plan_ids)))
        .group_by(PlanRevision.plan_id)
    )
    return {plan_id: count for plan_id, count in rows}


def get_plan(plan_id: Any, role: str | None) -> Plan:
    """A plan the role may see, or ``NotFound`` (another tenant's, or a draft for leaders)."""
    ident = parse_id(plan_id)
    if ident is None:
        raise NotFound(_("There is no such plan."))
    plan = db.session.scalar(select(Plan).where(Plan.id == ident))
    if plan is None or role is None or not workflow.can_view(plan.status, role):
        raise NotFound(_("There is no such plan."))
    return plan


@lru_cache(maxsize=1)
def _plan_with_brand_statement() -> Select[Any]:
    """Built once (the tenant criteria are still added per execution)."""
    return (
        select(Plan, Brand)
        .join(Brand, Brand.id == Plan.brand_id)
        .where(Plan.id == bindparam("plan_id", type_=Integer))
    )


def get_plan_with_brand(plan_id: Any, role: str | None) -> tuple[Plan, Brand]:
    """``get_plan`` and the plan's brand in one query (the plan page prints both); the same
    ``NotFound`` as ``get_plan``.  The brand is in the member's scope whenever the plan is
    (a plan is scoped by its brand)."""
    ident = parse_id(plan_id)
    if ident is None:
        raise NotFound(_("There is no such plan."))
    row = db.session.execute(_plan_with_brand_statement(), {"plan_id": ident}).first()
    if row is None or role is None or not workflow.can_view(row[0].status, role):
        raise NotFound(_("There is no such plan."))
    return row[0], row[1]


def plan_and_revision(
    plan_id: Any, role: str | None, number: Any = None
) -> tuple[Plan, PlanRevision]:
    """``get_plan`` and then its current revision (or revision ``number``), in one query;
    the same ``NotFound`` as the two calls when either is missing (found out with them)."""
    ident = parse_id(plan_id)
    wanted = parse_id(number) if number is not None else None
    if ident is not None and (number is None or wanted is not None):
        stmt = (
            select(Plan, PlanRevision)
            .join(PlanRevision, PlanRevision.plan_id == Plan.id)
            .where(Plan.id == ident)
        )
        if wanted is not None:
            stmt = stmt.where(PlanRevision.number == wanted)
        row = db.session.execute(stmt.order_by(PlanRevision.number.desc()).limit(1)).first()
        if row is not None and role is not None and workflow.can_view(row[0].status, role):
            return row[0], row[1]
    plan = get_plan(plan_id, role)
    if number is not None:
        return plan, get_revision(plan, number=number)
    return plan, current_revision(plan)


def current_revision(plan: Plan) -> PlanRevision:
    revision = db.session.scalar(
        select(PlanRevision)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.number.desc())
        .limit(1)
    )
    if revision is None:  # every plan is created with revision 1
        raise NotFound(_("This plan has no revision."))
    return revision


def load_revision(revision_id: int, *, with_calendar: bool = True) -> PlanRevision:
    """A revision with its campaigns and goal links (and calendar) loaded in a few queries."""
    options = [selectinload(PlanRevision.campaigns).selectinload(Campaign.goal_links)]
    if with_calendar:
        options.append(selectinload(PlanRevision.calendar_items))
    if parse_id(revision_id) is None:
        raise NotFound(_("There is no such revision."))
    revision = db.session.scalar(
        select(PlanRevision)
        .where(PlanRevision.id == revision_id)
        .options(*options)
        .execution_options(populate_existing=True)
    )
    if revision is None:
        raise NotFound(_("There is no such revision."))
    return revision


def get_revision(plan: Plan, revision_id: Any = None, *, number: Any = None) -> PlanRevision:
    """One of this plan's revisions by id or by number (no content loaded)."""
    ident = parse_id(number if number is not None else revision_id)
    if ident is None:
        raise NotFound(_("There is no such revision."))
    column = PlanRevision.number if number is not None else PlanRevision.id
    revision = db.session.scalar(
        select(PlanRevision).where(PlanRevision.plan_id == plan.id, column == ident)
    )
    if revision is None:
        raise NotFound(_("There is no such revision."))
    return revision


@dataclass
class RevisionRow:
    revision: PlanRevision
    author_name: str | None
    campaign_count: int
    # A completed review has judged this revision (what "last reviewed" compares from).
    reviewed: bool = False
    # Its calendar items (only when ``revision_history(..., calendar_counts=True)``).
    calendar_count: int = 0


def revision_history(plan: Plan, *, calendar_counts: bool = False) -> list[RevisionRow]:
    """Every revision, newest first, with author name, campaign count, whether a completed
    review judged it (and, asked for, its calendar item count), in one query: the counts
    are correlated subqueries, which the tenant criteria reach like any other statement."""
    campaigns = (
        select(func.count(Campaign.id))
        .where(Campaign.revision_id == PlanRevision.id)
        .correlate(PlanRevision)
        .scalar_subquery()
    )
    reviewed = (
        select(Review.id)
        .where(
            Review.revision_id == PlanRevision.id,
            Review.plan_id == plan.id,
            Review.status == "completed",
        )
        .correlate(PlanRevision)
        .exists()
    )
    columns: list[Any] = [PlanRevision, User.name, campaigns, reviewed]
    if calendar_counts:
        columns.append(
            select(func.count(CalendarItem.id))
            .where(CalendarItem.revision_id == PlanRevision.id)
            .correlate(PlanRevision)
            .scalar_subquery()
        )
    rows = db.session.execute(
        select(*columns)
        .outerjoin(User, User.id == PlanRevision.author_id)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.number.desc())
    ).all()
    return [
        RevisionRow(
            row[0], row[1], row[2] or 0, bool(row[3]), (row[4] or 0) if calendar_counts else 0
        )
        for row in rows
    ]


class GoalLink(NamedTuple):
    """A campaign's link to a goal, as read for display."""

    goal_id: int
    contribution: float | None


class CampaignRow:
    """A campaign's columns and goal links as plain attributes (the names of the ORM row),
    for pages and serialisers that only read them: far cheaper than an ORM object."""

    __slots__ = ("id", "position", "key", *CAMPAIGN_COLUMNS, "goal_links")

    id: int
    position: int
    key: str
    goal_links: list[GoalLink]

    def __getattr__(self, name: str) -> Any:  # only the slots exist; for type checkers
        raise AttributeError(name)


def campaign_rows(revision_id: int) -> list[CampaignRow]:
    """A revision's campaigns in position order, each with its goal links in the order they
    were saved, from two column queries."""
    rows = db.session.execute(
        select(Campaign.id, Campaign.position, Campaign.key, *_CAMPAIGN_FIELDS)
        .where(Campaign.revision_id == revision_id)
        .order_by(Campaign.position)
    ).all()
    names = CampaignRow.__slots__[:-1]
    campaigns: dict[int, CampaignRow] = {}
    for row in rows:
        campaign = CampaignRow()
        for name, value in zip(names, row, strict=True):
            setattr(campaign, name, value)
        campaign.goal_links = []
        campaigns[campaign.id] = campaign
    if campaigns:
        for campaign_id, goal_id, contribution in db.session.execute(
            select(CampaignGoal.campaign_id, CampaignGoal.goal_id, CampaignGoal.contribution)
            .where(CampaignGoal.campaign_id.in_(list(campaigns)))
            .order_by(CampaignGoal.id)
        ):
            campaigns[campaign_id].goal_links.append(GoalLink(goal_id, contribution))
    return list(campaigns.values())


def revision_content(revision_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A revision's campaigns and calendar items as plain values, straight from column
    queries (three, whatever the size): what a serialiser needs, without building an ORM
    object per row.  Each campaign is ``CampaignData.as_dict()`` plus ``id`` and
    ``position`` (in position order), each item ``CalendarItemData.as_dict()`` plus ``id``
    (in date order), as ``load_revision`` + ``revision_data`` would give them."""
    campaigns = []
    for row in campaign_rows(revision_id):
        goal_links = sorted(row.goal_links)
        campaigns.append(
            {
                "key": row.key,
                **{name: getattr(row, name) for name in CAMPAIGN_COLUMNS},
                "networks": list(row.networks or []),
                "goal_ids": [goal_id for goal_id, _c in goal_links],
                "goal_contributions": dict(goal_links),
                "id": row.id,
                "position": row.position,
            }
        )
    calendar = [
        {"id": row[0], **dict(zip(CALENDAR_COLUMNS, row[1:], strict=True))}
        for row in db.session.execute(
            select(CalendarItem.id, *_CALENDAR_FIELDS)
            .where(CalendarItem.revision_id == revision_id)
            .order_by(CalendarItem.date)
        )
    ]
    return campaigns, calendar


class GoalName(NamedTuple):
    id: int
    title: str


class AudienceName(NamedTuple):
    id: int
    name: str


@lru_cache(maxsize=1)
def _link_targets_statement() -> Select[Any]:
    brand_id = bindparam("brand_id", type_=Integer)
    both = union_all(
        select(literal("g").label("kind"), Goal.id, Goal.title.label("label")).where(
            Goal.brand_id == brand_id
        ),
        select(literal("a"), Audience.id, Audience.name).where(Audience.brand_id == brand_id),
    ).subquery()
    return select(both.c.kind, both.c.id, both.c.label).order_by(both.c.kind, both.c.id)


def link_targets(brand_id: int) -> tuple[dict[int, GoalName], dict[int, AudienceName]]:
    """The brand's goals and audiences by id, in one query (a ``UNION ALL``, each part
    with the tenant's criteria): what a campaign table prints of its links."""
    goals: dict[int, GoalName] = {}
    audiences: dict[int, AudienceName] = {}
    for kind, row_id, label in db.session.execute(
        _link_targets_statement(), {"brand_id": brand_id}
    ):
        if kind == "g":
            goals[row_id] = GoalName(row_id, label)
        else:
            audiences[row_id] = AudienceName(row_id, label)
    return goals, audiences


_CAMPAIGN_FIELDS = tuple(getattr(Campaign, name) for name in CAMPAIGN_COLUMNS)
_CALENDAR_FIELDS = tuple(getattr(CalendarItem, name) for name in CALENDAR_COLUMNS)


def default_comparison(history: Sequence[RevisionRow]) -> tuple[PlanRevision, PlanRevision] | None:
    """What "compare" shows first: the last reviewed revision against the current one
    (what changed since the reviewer last judged the plan); with no earlier reviewed
    revision, the previous one.  ``None`` with a single revision.  ``history`` is newest
    first, as ``revision_history`` returns it."""
    if len(history) < 2:
        return None
    current, older = history[0], history[1:]
    base = next((row for row in older if row.reviewed), older[0])
    return base.revision, current.revision


def calendar_counts(revision_ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(CalendarItem.revision_id, func.count(CalendarItem.id))
        .where(CalendarItem.revision_id.in_(list(revision_ids)))
        .group_by(CalendarItem.revision_id)
    )
    return dict(rows.all())


def brand_goals(brand_id: int) -> list[Goal]:
    return list(db.session.scalars(select(Goal).where(Goal.brand_id == brand_id).order_by(Goal.id)))


def brand_audiences(brand_id: int) -> list[Audience]:
    return list(
        db.session.scalars(
            select(Audience).where(Audience.brand_id == brand_id).order_by(Audience.name)
        )
    )


def revision_data(revision: PlanRevision) -> tuple[list[CampaignData], list[CalendarItemData]]:
    """A copy of a loaded revision's content (keys kept), for editing and re-saving."""
    campaigns = [CampaignData.from_row(c) for c in revision.campaigns]
    calendar = [CalendarItemData.from_row(item) for item in revision.calendar_items]
    return campaigns, calendar
