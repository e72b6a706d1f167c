"""A brand whose team is strong in Instagram and content, has no one past "aware" in
TikTok and short video, and no one at all in social commerce; its current plans need all of
those.  Used by the summary, overview, agenda and report tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from saas.extensions import db
from saas.models import Goal, Plan, PlanRevision, StrategySession
from saas.models.capability import Assessment, LearningBudget, LearningItem, TeamMember
from saas.models.plans import Campaign, CampaignGoal
from saas.models.reviews import RuleSetting
from saas.services.capability import skills as skills_service
from tenants.context import tenant_scope
from tenants.models import utcnow

HIGH_GOAL = "Grow online orders by 20%"
MEDIUM_GOAL = "Be the coffee young Riyadh remembers"
LOW_GOAL = "Reach 50k Instagram followers"


@dataclass
class Seeded:
    goals: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)
    training: int | None = None


def today() -> date:
    return utcnow().date()


def _plan(world, title, status, campaigns, goals, out: Seeded, brand=None):
    ag, br = world.agency, brand or world.brand
    start = today() - timedelta(days=10)
    plan = Plan(
        agency_id=ag.id,
        brand_id=br.id,
        title=title,
        period_start=start,
        period_end=start + timedelta(days=90),
        status=status,
    )
    db.session.add(plan)
    db.session.flush()
    rev = PlanRevision(
        agency_id=ag.id,
        brand_id=br.id,
        plan_id=plan.id,
        number=1,
        title=title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        frozen=status != "draft",
    )
    db.session.add(rev)
    db.session.flush()
    for i, (name, networks, fmt, objective, budget, goal_keys) in enumerate(campaigns):
        c = Campaign(
            agency_id=ag.id,
            brand_id=br.id,
            revision_id=rev.id,
            key=f"c{i}-{uuid.uuid4().hex[:6]}",
            position=i,
            name=name,
            networks=list(networks),
            format=fmt,
            objective=objective,
            kpi="reach",
            start_date=plan.period_start,
            end_date=plan.period_end,
            budget=budget,
        )
        db.session.add(c)
        db.session.flush()
        out.campaigns[name] = c.id
        for key in goal_keys:
            db.session.add(
                CampaignGoal(agency_id=ag.id, brand_id=br.id, campaign_id=c.id, goal_id=goals[key])
            )
    out.plans[title] = plan.id
    return plan


def seed_capability(
    world,
    *,
    brand=None,
    prefix: str = "",
    high_goal_priority: str = "high",
    budget: float | None = 4.0,
    team: bool = True,
) -> Seeded:
    ag, br = world.agency, brand or world.brand
    out = Seeded()
    with tenant_scope(ag.id):
        skills_service.ensure_seeded()
        for key, title, priority in (
            ("high", prefix + HIGH_GOAL, high_goal_priority),
            ("medium", prefix + MEDIUM_GOAL, "medium"),
            ("low", prefix + LOW_GOAL, "low"),
        ):
            goal = Goal(
                agency_id=ag.id,
                brand_id=br.id,
                title=title,
                metric="orders",
                baseline=0,
                target=100,
                start_date=today() - timedelta(days=30),
                due_date=today() + timedelta(days=200),
                priority=priority,
            )
            db.session.add(goal)
            db.session.flush()
            out.goals[key] = goal.id
        # The approved plan: a TikTok short video (medium goal) and app orders (high goal).
        _plan(
            world,
            prefix + "Running plan",
            "approved",
            (
                (
                    prefix + "TikTok teaser",
                    ("tiktok", "instagram"),
                    "short_video",
                    "awareness",
                    None,
                    ("medium",),
                ),
                (
                    prefix + "App orders",
                    ("instagram",),
                    "post",
                    "conversions",
                    1000,
                    ("high", "low"),
                ),
            ),
            out.goals,
            out,
            brand=br,
        )
        # Submitted (staff see it, leaders do not): Snapchat, for the low goal.
        _plan(
            world,
            prefix + "Next plan",
            "submitted",
            ((prefix + "Snap stories", ("snapchat",), "post", "engagement", None, ("low",)),),
            out.goals,
            out,
            brand=br,
        )
        # A draft is not a current plan: YouTube, for the high goal, never counts.
        _plan(
            world,
            prefix + "Draft plan",
            "draft",
            ((prefix + "YouTube series", ("youtube",), "post", "awareness", None, ("high",)),),
            out.goals,
            out,
            brand=br,
        )
        if team:
            people = {}
            for name in ("Nora", "Faisal", "Huda"):
                m = TeamMember(
                    agency_id=ag.id,
                    brand_id=br.id,
                    name=prefix + name,
                    user_id=world.team.user_id if name == "Nora" and brand is None else None,
                )
                db.session.add(m)
                db.session.flush()
                people[name] = m
                out.members[name] = m.id
            base = utcnow() - timedelta(days=5)
            for i, (name, key, rating, source) in enumerate(
                (
                    ("Nora", "instagram", 4, "consultant"),
                    ("Nora", "content_creation", 3, "self"),
                    ("Nora", "tiktok", 1, "self"),
                    ("Faisal", "tiktok", 3, "self"),  # the consultant's 1 counts
                    ("Faisal", "tiktok", 1, "consultant"),
                    ("Faisal", "short_video", 1, "self"),
                    ("Huda", "customer_care", 3, "consultant"),
                    ("Huda", "paid_social", 2, "consultant"),
                )
            ):
                db.session.add(
                    Assessment(
                        agency_id=ag.id,
                        brand_id=br.id,
                        member_id=people[name].id,
                        skill_key=key,
                        rating=rating,
                        source=source,
                        created_at=base + timedelta(minutes=i),
                    )
                )
            if budget is not None:
                db.session.add(
                    LearningBudget(
                        agency_id=ag.id, brand_id=br.id, hours_per_person_per_month=budget
                    )
                )
            training = StrategySession(
                agency_id=ag.id,
                brand_id=br.id,
                title=prefix + "TikTok short-video training",
                kind="training",
                starts_at=datetime.combine(today() + timedelta(days=40), datetime.min.time()),
                duration_minutes=120,
                timezone="UTC",
                status="scheduled",
                uid=f"{uuid.uuid4()}@tandem.test",
            )
            db.session.add(training)
            db.session.flush()
            out.training = training.id
            for member, title, skill, fmt, hours, status in (
                ("Nora", "Analytics course", "analytics_reporting", "course", 2.0, "done"),
                ("Faisal", "TikTok with the partner", "tiktok", "partner_session", 3.0, "planned"),
                ("Huda", "Short video reading", "short_video", "reading", 1.0, "dropped"),
            ):
                db.session.add(
                    LearningItem(
                        agency_id=ag.id,
                        brand_id=br.id,
                        member_id=people[member].id,
                        title=prefix + title,
                        skill_key=skill,
                        format=fmt,
                        due_on=today(),
                        hours=hours,
                        status=status,
                        session_id=training.id if fmt == "partner_session" else None,
                        done_at=utcnow() if status == "done" else None,
                    )
                )
        db.session.commit()
    return out


def set_min_rating(world, value: int, *, enabled: bool | None = None) -> None:
    with tenant_scope(world.agency.id):
        db.session.add(
            RuleSetting(
                agency_id=world.agency.id,
                scope_brand_id=world.brand.id,
                rule="capability_gap",
                enabled=enabled,
                params={"min_rating": value},
            )
        )
        db.session.commit()
