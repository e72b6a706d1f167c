"""Loading plans and revisions through the ORM, so the caller's tenant and brand scope
applies: another tenant's plan is simply not found.  A plan a role may not see answers
``NotFound`` too, so ids cannot be probed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from saas.domain import plan_workflow as workflow
from saas.domain.ids import parse_id
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import (
    Audience,
    CalendarItem,
    Campaign,
    Goal,
    Plan,
    PlanRevision,
    Review,
    User,
)
from saas.services.errors import NotFound
from saas.services.plans.data import VIEW_ROLES, CalendarItemData, CampaignData


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


def revision_history(plan: Plan) -> list[RevisionRow]:
    """Every revision, newest first, with author name, campaign count and whether a
    completed review judged it (three queries)."""
    rows = db.session.execute(
        select(PlanRevision, User.name)
        .outerjoin(User, User.id == PlanRevision.author_id)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.number.desc())
    ).all()
    counts = dict(
        db.session.execute(
            select(Campaign.revision_id, func.count(Campaign.id))
            .join(PlanRevision, PlanRevision.id == Campaign.revision_id)
            .where(PlanRevision.plan_id == plan.id)
            .group_by(Campaign.revision_id)
        ).all()
    )
    reviewed = set(
        db.session.scalars(
            select(Review.revision_id).where(
                Review.plan_id == plan.id, Review.status == "completed"
            )
        )
    )
    return [RevisionRow(rev, name, counts.get(rev.id, 0), rev.id in reviewed) for rev, name in rows]


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
