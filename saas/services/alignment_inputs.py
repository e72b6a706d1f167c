"""ORM rows → the alignment engine's frozen dataclasses.

The engine never sees the database; this module is the only bridge.  It loads everything a
revision needs in a constant number of queries (goals, audiences, campaigns, their goal
links, calendar items: five SELECTs whatever the plan's size), all through the tenant scope.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from saas.domain.alignment.types import (
    AudienceIn,
    CalendarItemIn,
    CampaignIn,
    GoalIn,
    GoalLinkIn,
    PlanIn,
)
from saas.extensions import db
from saas.models.capability import TeamMember
from saas.models.goals import Audience, Goal
from saas.models.plans import CalendarItem, Campaign, PlanRevision
from saas.services.capability import team_ratings
from saas.services.plans import CampaignData


def goals_of(brand_id: int) -> list[Goal]:
    return list(db.session.scalars(select(Goal).where(Goal.brand_id == brand_id).order_by(Goal.id)))


def audiences_of(brand_id: int) -> list[Audience]:
    return list(
        db.session.scalars(
            select(Audience).where(Audience.brand_id == brand_id).order_by(Audience.id)
        )
    )


def campaigns_of(revision_id: int) -> list[Campaign]:
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.revision_id == revision_id)
            .options(selectinload(Campaign.goal_links))
            .order_by(Campaign.position, Campaign.id)
        )
    )


def goal_in(goal: Goal) -> GoalIn:
    return GoalIn(
        id=goal.id,
        title=goal.title,
        metric=goal.metric,
        baseline=float(goal.baseline),
        target=float(goal.target),
        due_date=goal.due_date,
        priority=goal.priority,
        weight=goal.weight,
        status=goal.status,
    )


def audience_in(audience: Audience) -> AudienceIn:
    networks: dict[str, float] = {}
    for entry in audience.networks or []:
        if isinstance(entry, dict) and entry.get("network"):
            try:
                networks[str(entry["network"])] = float(entry.get("share") or 0)
            except (TypeError, ValueError):
                networks[str(entry["network"])] = 0.0
    return AudienceIn(
        id=audience.id,
        name=audience.name,
        networks=networks,
        engages=audience.engages or None,
    )


def campaign_in(campaign: Campaign) -> CampaignIn:
    """The engine's view of a campaign row (goal links loaded); the field names are the
    plans service's, so ``CampaignData`` carries them across."""
    data = CampaignData.from_row(campaign)
    values = data.columns()
    values["networks"] = tuple(data.networks)
    values["budget"] = float(data.budget) if data.budget is not None else None
    return CampaignIn(
        id=campaign.id,
        goal_links=tuple(
            GoalLinkIn(goal_id=goal_id, contribution=contribution)
            for goal_id, contribution in data.goal_links
        ),
        # Calendar items point at campaigns by their stable key.
        key=data.key,
        **values,
    )


def team_skills_of(brand_id: int) -> dict[str, int] | None:
    """The team's strongest rating per skill, or None when the brand has no team recorded
    (then the engine's capability_gap rule has nothing to compare the plan with)."""
    has_team = db.session.scalar(
        select(exists().where(TeamMember.brand_id == brand_id, TeamMember.active.is_(True)))
    )
    if not has_team:
        return None
    return dict(team_ratings(brand_id))


def inputs_for(
    revision: PlanRevision,
) -> tuple[list[GoalIn], list[AudienceIn], PlanIn]:
    """Everything the engine needs to judge ``revision``, as plain values."""
    goals = [goal_in(g) for g in goals_of(revision.brand_id)]
    audiences = [audience_in(a) for a in audiences_of(revision.brand_id)]
    campaigns = tuple(campaign_in(c) for c in campaigns_of(revision.id))
    rows = db.session.execute(
        select(
            CalendarItem.date, CalendarItem.network, CalendarItem.format, CalendarItem.campaign_key
        )
        .where(CalendarItem.revision_id == revision.id)
        .order_by(CalendarItem.date, CalendarItem.id)
    ).all()
    calendar = tuple(
        CalendarItemIn(date=r.date, network=r.network, format=r.format, campaign_key=r.campaign_key)
        for r in rows
    )
    plan = PlanIn(
        period_start=revision.period_start,
        period_end=revision.period_end,
        campaigns=campaigns,
        calendar=calendar,
        team_skills=team_skills_of(revision.brand_id),
    )
    return goals, audiences, plan
