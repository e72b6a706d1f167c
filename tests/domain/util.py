"""Builders for engine tests: start from the corrected sample (no findings) and break one thing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from saas.domain.alignment import FindingOut, Result, Settings, evaluate
from saas.domain.alignment.samples import corrected_plan
from saas.domain.alignment.types import AudienceIn, CalendarItemIn, CampaignIn, GoalIn, PlanIn


def clean() -> tuple[list[GoalIn], list[AudienceIn], PlanIn]:
    return corrected_plan()


def with_campaign(plan: PlanIn, campaign_id: int, **changes) -> PlanIn:
    campaigns = tuple(replace(c, **changes) if c.id == campaign_id else c for c in plan.campaigns)
    return replace(plan, campaigns=campaigns)


def campaign(plan: PlanIn, campaign_id: int) -> CampaignIn:
    return next(c for c in plan.campaigns if c.id == campaign_id)


def with_audience(audiences: list[AudienceIn], audience_id: int, **changes) -> list[AudienceIn]:
    return [replace(a, **changes) if a.id == audience_id else a for a in audiences]


def run(goals, audiences, plan, settings: Settings | None = None, locale: str = "en") -> Result:
    return evaluate(goals, audiences, plan, settings, locale=locale, today=date(2026, 3, 1))


def of_rule(result: Result, rule: str) -> list[FindingOut]:
    return [f for f in result.findings if f.rule == rule]


def solo_campaign(
    *,
    start: date = date(2026, 4, 1),
    days: int = 30,
    networks: tuple[str, ...] = ("instagram",),
    key: str | None = "solo",
    calendar: tuple[CalendarItemIn, ...] = (),
    **changes,
) -> tuple[list[GoalIn], list[AudienceIn], PlanIn]:
    """The clean brand with one campaign (id 1) and the given calendar."""
    goals, audiences, plan = clean()
    base = replace(
        campaign(plan, 202),
        id=1,
        key=key,
        networks=networks,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        **changes,
    )
    care = campaign(plan, 204)  # keeps customer_care_missing and goal coverage quiet
    care_items = tuple(i for i in plan.calendar if i.campaign_key == care.key)
    return goals, audiences, replace(plan, campaigns=(base, care), calendar=calendar + care_items)


def items(network: str, *days: date, key: str | None = "solo") -> tuple[CalendarItemIn, ...]:
    return tuple(
        CalendarItemIn(date=d, network=network, format="post", campaign_key=key) for d in days
    )
