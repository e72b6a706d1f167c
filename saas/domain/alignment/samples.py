"""Ready-made engine inputs: a plan that breaks every rule, and its corrected revision.

Used by the engine's tests, and reusable by review, API and browser tests (create the same
goals, audiences and campaigns through the ORM, or feed these straight to ``evaluate``).
Both return ``(goals, audiences, plan)``; ids are small integers you may remap.

The story: a Riyadh coffee brand's second quarter (1 April – 30 June 2026).
"""

from __future__ import annotations

from datetime import date, timedelta

from saas.domain.alignment.types import (
    AudienceIn,
    CalendarItemIn,
    CampaignIn,
    GoalIn,
    GoalLinkIn,
    PlanIn,
)

PERIOD_START = date(2026, 4, 1)
PERIOD_END = date(2026, 6, 30)

GOAL_SALES, GOAL_AWARENESS, GOAL_CARE = 1, 2, 3
AUDIENCE_YOUNG, AUDIENCE_FAMILIES = 1, 2


def goals() -> list[GoalIn]:
    return [
        GoalIn(
            id=GOAL_SALES,
            title="Grow online orders by 20 %",
            metric="online orders per month",
            baseline=1200,
            target=1440,
            due_date=date(2026, 6, 30),
            priority="high",
        ),
        GoalIn(
            id=GOAL_AWARENESS,
            title="Be the first coffee brand young Riyadh thinks of",
            metric="aided brand awareness (%)",
            baseline=18,
            target=25,
            due_date=date(2026, 5, 15),
            priority="medium",
        ),
        GoalIn(
            id=GOAL_CARE,
            title="Answer every customer within an hour",
            metric="median first response (minutes)",
            baseline=240,
            target=60,
            due_date=date(2026, 6, 30),
            priority="high",
        ),
        GoalIn(
            id=4,
            title="Launch the loyalty app",
            metric="app installs",
            baseline=0,
            target=5000,
            due_date=date(2026, 3, 31),
            priority="low",
            status="achieved",  # inactive goals are never required to be covered
        ),
    ]


def _audiences(*, engagers_known: bool) -> list[AudienceIn]:
    return [
        AudienceIn(
            id=AUDIENCE_YOUNG,
            name="Young professionals in Riyadh",
            networks={"instagram": 60.0, "tiktok": 32.0, "x": 4.0, "youtube": 4.0},
            engages="Women 25–34 who reply to polls and comment on behind-the-scenes reels.",
        ),
        AudienceIn(
            id=AUDIENCE_FAMILIES,
            name="Families ordering at the weekend",
            networks={"facebook": 50.0, "instagram": 30.0, "whatsapp": 20.0},
            engages=(
                "Parents who share offers in family WhatsApp groups and ask about delivery."
                if engagers_known
                else "  "
            ),
        ),
    ]


def _every(days: int, start: date, end: date, network: str, fmt: str, key: str | None):
    """Calendar items from start to end every ``days`` days, the last on ``end``."""
    items, day = [], start
    while day < end:
        items.append(CalendarItemIn(date=day, network=network, format=fmt, campaign_key=key))
        day += timedelta(days=days)
    items.append(CalendarItemIn(date=end, network=network, format=fmt, campaign_key=key))
    return items


_ALL_SKILLS = (
    "content_creation",
    "short_video",
    "community_management",
    "customer_care",
    "social_commerce",
    "paid_social",
    "instagram",
    "tiktok",
    "x",
    "facebook",
    "linkedin",
    "youtube",
    "snapchat",
    "pinterest",
    "threads",
    "whatsapp",
)


def broken_plan() -> tuple[list[GoalIn], list[AudienceIn], PlanIn]:
    """Breaks every rule at least once; the engine's verdict is ``misaligned``."""
    campaigns = (
        CampaignIn(
            id=101,
            key="spring-teaser",
            name="Spring teaser",
            networks=("instagram", "linkedin", "x"),  # LinkedIn: 0 %, X: 4 % of the audience
            format="short_video",
            objective="awareness",
            kpi="link_clicks",  # does not measure awareness
            kpi_baseline=None,  # not measurable
            kpi_target=5000,
            audience_id=AUDIENCE_YOUNG,
            start_date=date(2026, 3, 20),  # before the plan period
            end_date=date(2026, 4, 10),
            duration_rationale="   ",  # no reason given
            budget=4000,
            goal_links=(),  # serves no goal
        ),
        CampaignIn(
            id=102,
            key="story-polls",
            name="Story polls",
            networks=("instagram",),
            format="story",
            objective="engagement",
            kpi="views",  # a story for engagement should measure replies
            kpi_baseline=300,
            kpi_target=600,
            audience_id=None,  # no target audience
            start_date=date(2026, 4, 1),
            end_date=date(2026, 4, 3),  # 3 days: too short for engagement
            duration_rationale="A long weekend.",
            budget=500,
            goal_links=(GoalLinkIn(GOAL_SALES),),
        ),
        CampaignIn(
            id=103,
            key="family-offers",
            name="Family weekend offers",
            networks=("facebook",),
            format="carousel",
            objective="conversions",
            kpi="revenue",
            kpi_baseline=80000,
            kpi_target=110000,
            audience_id=AUDIENCE_FAMILIES,  # does not say who engages
            start_date=date(2026, 4, 1),
            end_date=date(2026, 5, 20),  # after the awareness goal's due date (15 May)
            duration_rationale="Seven weekends of offers before the summer break.",
            budget=9000,
            goal_links=(GoalLinkIn(GOAL_AWARENESS, 0.4),),
        ),
    )
    calendar = (
        # Spring teaser: Instagram only (LinkedIn stays empty); X every three weeks.
        CalendarItemIn(date(2026, 3, 20), "x", "post", "spring-teaser"),
        CalendarItemIn(date(2026, 4, 10), "x", "post", "spring-teaser"),
        *_every(
            7, date(2026, 3, 20), date(2026, 4, 10), "instagram", "short_video", "spring-teaser"
        ),
        *_every(1, date(2026, 4, 1), date(2026, 4, 3), "instagram", "story", "story-polls"),
        # Family offers: a month of silence on Facebook.
        CalendarItemIn(date(2026, 4, 1), "facebook", "carousel", "family-offers"),
        CalendarItemIn(date(2026, 5, 6), "facebook", "carousel", "family-offers"),
        CalendarItemIn(date(2026, 5, 13), "facebook", "carousel", "family-offers"),
        CalendarItemIn(date(2026, 5, 20), "facebook", "carousel", "family-offers"),
    )
    # The team is strong everywhere except short video (capability_gap on the short videos).
    team = {skill: 3 for skill in _ALL_SKILLS} | {"short_video": 1}
    plan = PlanIn(PERIOD_START, PERIOD_END, campaigns, calendar, team_skills=team)
    # No customer-care campaign, no response-time KPI; "Answer every customer" (high) uncovered.
    return goals(), _audiences(engagers_known=False), plan


def corrected_plan() -> tuple[list[GoalIn], list[AudienceIn], PlanIn]:
    """The same brand and plan with every finding fixed: no findings, ``aligned``, 100."""
    campaigns = (
        CampaignIn(
            id=201,
            key="spring-teaser",
            name="Spring teaser",
            networks=("instagram", "tiktok"),
            format="short_video",
            objective="awareness",
            kpi="reach",
            kpi_baseline=120000,
            kpi_target=200000,
            audience_id=AUDIENCE_YOUNG,
            start_date=date(2026, 4, 1),
            end_date=date(2026, 5, 15),  # 45 days, ends when the awareness goal is due
            duration_rationale="Six weeks: enough for the audience to see the teaser 3–4 times.",
            budget=4000,
            goal_links=(GoalLinkIn(GOAL_AWARENESS, 0.6),),
        ),
        CampaignIn(
            id=202,
            key="story-polls",
            name="Story polls",
            networks=("instagram",),
            format="story",
            objective="engagement",
            kpi="replies",
            kpi_baseline=300,
            kpi_target=600,
            audience_id=AUDIENCE_YOUNG,
            start_date=date(2026, 4, 1),
            end_date=date(2026, 4, 30),  # 30 days
            duration_rationale="A month of weekly polls to learn which blends to promote.",
            budget=500,
            goal_links=(GoalLinkIn(GOAL_SALES, 0.1),),
        ),
        CampaignIn(
            id=203,
            key="family-offers",
            name="Family weekend offers",
            networks=("facebook", "instagram"),
            format="carousel",
            objective="conversions",
            kpi="conversions",
            kpi_baseline=900,
            kpi_target=1100,
            audience_id=AUDIENCE_FAMILIES,
            start_date=date(2026, 5, 1),
            end_date=date(2026, 6, 29),  # 60 days
            duration_rationale="Eight weekends of offers, ending before the summer break.",
            budget=9000,
            goal_links=(GoalLinkIn(GOAL_SALES, 0.5),),
        ),
        CampaignIn(
            id=204,
            key="care-desk",
            name="WhatsApp care desk",
            networks=("whatsapp", "facebook"),
            format="message",
            objective="customer_care",
            kpi="response_time",
            kpi_baseline=240,
            kpi_target=60,
            audience_id=AUDIENCE_FAMILIES,
            start_date=date(2026, 4, 1),
            end_date=date(2026, 6, 30),  # 91 days
            duration_rationale="Care runs the whole quarter; the target is reviewed monthly.",
            budget=3000,
            goal_links=(GoalLinkIn(GOAL_CARE, 1.0),),
        ),
    )
    calendar: list[CalendarItemIn] = []
    for c in campaigns:
        for network in c.networks:
            calendar.extend(_every(7, c.start_date, c.end_date, network, c.format, c.key))
    plan = PlanIn(PERIOD_START, PERIOD_END, campaigns, tuple(calendar))
    return goals(), _audiences(engagers_known=True), plan
