"""Sample brands for the board report, each broken in one way the decisions must name.

``sample_brand(world, broken=...)`` builds a brand whose plan is healthy except for one
problem, runs the real review engine over it and completes the review:

* ``"uncovered"``: a high-priority goal no campaign serves;
* ``"network"``: a campaign on LinkedIn for an audience that lives on TikTok;
* ``"behind"``: a goal far behind its schedule.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import Report
from saas.models.goals import Audience, Goal, GoalCheckin
from saas.models.plans import CalendarItem, Campaign, CampaignGoal, Plan, PlanRevision
from saas.models.reviews import Review
from saas.services import report_content
from saas.services.reviews import open_review
from tenants.context import tenant_scope
from tests import factories

START, END = date(2027, 1, 1), date(2027, 12, 31)
TODAY = date(2027, 7, 1)  # half-way through the goals' time
PERIOD = (date(2027, 1, 1), date(2027, 6, 30))
_ISOLATES = re.compile("[\u2066-\u2069]")


def _goal(world, brand, title, *, priority, baseline, target, latest, unit=""):
    g = Goal(
        agency_id=world.agency.id,
        brand_id=brand.id,
        title=title,
        metric=title.lower(),
        unit=unit,
        baseline=baseline,
        target=target,
        start_date=START,
        due_date=END,
        priority=priority,
    )
    db.session.add(g)
    db.session.flush()
    db.session.add(
        GoalCheckin(
            agency_id=world.agency.id,
            brand_id=brand.id,
            goal_id=g.id,
            date=date(2027, 6, 1),
            value=latest,
        )
    )
    return g


def _campaign(world, brand, revision, key, name, *, network, audience, goals, **kw):
    c = Campaign(
        agency_id=world.agency.id,
        brand_id=brand.id,
        revision_id=revision.id,
        key=key,
        position=0,
        name=name,
        networks=[network],
        format="post",
        objective=kw.pop("objective", "community"),
        kpi=kw.pop("kpi", "followers"),
        kpi_baseline=100,
        kpi_target=200,
        audience_id=audience.id,
        start_date=START,
        end_date=START + timedelta(days=kw.pop("days", 90) - 1),
        duration_rationale="One quarter, then we look again",
        budget=kw.pop("budget", 2000),
        **kw,
    )
    db.session.add(c)
    db.session.flush()
    for g in goals:
        db.session.add(
            CampaignGoal(
                agency_id=world.agency.id, brand_id=brand.id, campaign_id=c.id, goal_id=g.id
            )
        )
    # A post a week on its network, so the calendar raises nothing.
    for week in range(0, 91, 7):
        db.session.add(
            CalendarItem(
                agency_id=world.agency.id,
                brand_id=brand.id,
                revision_id=revision.id,
                campaign_key=key,
                date=START + timedelta(days=week),
                network=network,
                format="post",
            )
        )
    return c


def sample_brand(world, *, broken: str, name: str | None = None) -> int:
    """A brand with a reviewed plan, broken in one way; returns the brand id."""
    brand = factories.brand(world.agency, name=name or f"{broken.title()} Brand")
    with tenant_scope(world.agency.id):
        community = _goal(
            world,
            brand,
            "Grow the community",
            priority="medium",
            baseline=1000,
            target=3000,
            latest=2000,
        )
        students = Audience(
            agency_id=world.agency.id,
            brand_id=brand.id,
            name="Gen Z students",
            description="Students aged 18–30",
            networks=[
                {"network": "tiktok", "share": 70.0},
                {"network": "instagram", "share": 25.0},
                {"network": "linkedin", "share": 0.0},
            ],
            engages="Students who answer polls",
        )
        plan = Plan(
            agency_id=world.agency.id,
            brand_id=brand.id,
            title=f"{brand.name} plan",
            period_start=START,
            period_end=END,
            status="submitted",
        )
        db.session.add_all([students, plan])
        db.session.flush()
        revision = PlanRevision(
            agency_id=world.agency.id,
            brand_id=brand.id,
            plan_id=plan.id,
            number=1,
            title=plan.title,
            period_start=START,
            period_end=END,
            frozen=True,
        )
        db.session.add(revision)
        db.session.flush()
        care_goals = [community]
        if broken == "uncovered":
            _goal(
                world,
                brand,
                "Faster complaint replies",
                priority="high",
                baseline=9,
                target=2,
                latest=8,
                unit="hours",
            )
        elif broken == "behind":
            care_goals.append(
                _goal(
                    world,
                    brand,
                    "Grow online sales",
                    priority="high",
                    baseline=100,
                    target=200,
                    latest=105,
                )
            )
        _campaign(
            world,
            brand,
            revision,
            "care",
            "Care desk",
            network="instagram",
            audience=students,
            goals=care_goals,
            objective="customer_care",
            kpi="response_time",
        )
        if broken == "network":
            _campaign(
                world,
                brand,
                revision,
                "b2b",
                "Thought leadership",
                network="linkedin",
                audience=students,
                goals=[community],
                budget=5000,
            )
        db.session.commit()
        review = open_review(db.session.get(Plan, plan.id), world.consultant)
        review.status = "completed"
        review.verdict = "needs_changes"
        review.completed_at = datetime(2027, 6, 30, 12, 0)
        db.session.commit()
        return brand.id


def report_for(world, brand_id: int, *, locale: str = "en", sections=("summary",)) -> Report:
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=brand_id,
            locale=locale,
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            sections=list(sections),
        )
        db.session.add(report)
        db.session.commit()
        return report


def summary_for(world, brand_id: int, *, locale: str = "en") -> dict:
    """The summary section's content, as the PDF gets it."""
    report = report_for(world, brand_id, locale=locale)
    with tenant_scope(world.agency.id):
        data = report_content.ReportData(report, locale=locale, today=TODAY)
        from flask_babel import force_locale

        with force_locale(locale):
            return report_content.build_summary(data)


def decisions_text(world, brand_id: int, *, locale: str = "en") -> list[str]:
    """The decisions as the reader sees them: each list item's words, isolates removed."""
    report = report_for(world, brand_id, locale=locale)
    with tenant_scope(world.agency.id):
        html = report_content.build_html(report, today=TODAY)
    start = html.index('class="decisions"')
    block = html[start : html.index("</ol>", start)]
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    words = [html_lib.unescape(re.sub(r"<[^>]+>", "", i)) for i in items]
    return [_ISOLATES.sub("", " ".join(w.split())) for w in words]


def latest_review(world, brand_id: int) -> Review:
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(Review).where(Review.brand_id == brand_id).order_by(Review.id.desc()).limit(1)
        )


def review_again_fixed(world, brand_id: int, *, at: datetime | None = None) -> None:
    """Revision 2 of the brand's plan: every campaign kept (same keys), every goal served;
    reviewed and completed (by default on the same day as the first review)."""
    with tenant_scope(world.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.brand_id == brand_id))
        first = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan.id))
        second = PlanRevision(
            agency_id=world.agency.id,
            brand_id=brand_id,
            plan_id=plan.id,
            number=2,
            title=first.title,
            period_start=first.period_start,
            period_end=first.period_end,
            frozen=True,
        )
        db.session.add(second)
        db.session.flush()
        goals = list(db.session.scalars(select(Goal).where(Goal.brand_id == brand_id)))
        audience = db.session.scalar(select(Audience).where(Audience.brand_id == brand_id))
        for old in db.session.scalars(select(Campaign).where(Campaign.revision_id == first.id)):
            _campaign(
                world,
                _Brand(brand_id),
                second,
                old.key,
                old.name,
                network="instagram",
                audience=audience,
                goals=goals if old.key == "care" else [],
                objective=old.objective,
                kpi=old.kpi,
            )
        plan.status = "submitted"
        db.session.commit()
        review = open_review(db.session.get(Plan, plan.id), world.consultant)
        review.status = "completed"
        review.verdict = "aligned"
        review.completed_at = at or datetime(2027, 6, 30, 15, 0)
        db.session.commit()


class _Brand:
    def __init__(self, brand_id: int):
        self.id = brand_id
