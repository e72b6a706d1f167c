"""Calendar and CSV fixtures: a brand with goals and audiences and a plan made through the
plans service, so what is exported and imported is what the product really stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from saas.extensions import db
from tenants.context import tenant_scope


@dataclass
class PlanWorld:
    plan_id: int
    brand_id: int
    agency_id: int
    goal_ids: dict[str, int]
    audience_ids: dict[str, int]


def add_goals_and_audiences(world, brand=None) -> tuple[dict[str, int], dict[str, int]]:
    from saas.models import Audience, Goal

    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        goals = [
            Goal(
                brand_id=brand.id,
                title=title,
                metric="sales",
                baseline=10,
                target=100,
                due_date=date(2027, 12, 31),
                priority="high",
            )
            for title in ("Grow online sales", "زيادة الوعي بالعلامة", "Sales (KSA)")
        ]
        audiences = [
            Audience(
                brand_id=brand.id,
                name=name,
                networks=[{"network": "instagram", "share": 70.0}],
                engages="Students who answer polls",
            )
            for name in ("Students", "الأمهات الجدد")
        ]
        db.session.add_all(goals + audiences)
        db.session.commit()
        return {g.title: g.id for g in goals}, {a.name: a.id for a in audiences}


def make_plan(world, *, status: str = "draft", brand=None) -> PlanWorld:
    """A plan with three campaigns (one in Arabic, one with a formula-looking name) and
    four calendar items, saved through the plans service."""
    from saas.models import Brand, Plan
    from saas.services import plans
    from saas.services.plans import CalendarItemData, CampaignData

    brand = brand or world.brand
    goals, audiences = add_goals_and_audiences(world, brand)
    with tenant_scope(world.agency.id):
        brand_row = db.session.scalar(select(Brand).where(Brand.id == brand.id))
        campaigns = [
            CampaignData(
                name="Spring launch",
                networks=["instagram", "tiktok"],
                format="short_video",
                objective="awareness",
                kpi="reach",
                kpi_baseline=1000.0,
                kpi_target=25000.5,
                audience_id=audiences["Students"],
                start_date=date(2027, 3, 1),
                end_date=date(2027, 3, 31),
                duration_rationale="Four weeks, one product drop each week.",
                budget=Decimal("1500.50"),
                goal_links=[(goals["Grow online sales"], 40.0), (goals["Sales (KSA)"], None)],
                key="spring",
            ),
            CampaignData(
                name="حملة رمضان",
                networks=["snapchat"],
                format="story",
                objective="engagement",
                kpi="replies",
                kpi_baseline=None,
                kpi_target=-5.0,
                audience_id=audiences["الأمهات الجدد"],
                start_date=date(2027, 3, 10),
                end_date=date(2027, 4, 8),
                duration_rationale="شهر رمضان كاملاً",
                budget=None,
                goal_links=[(goals["زيادة الوعي بالعلامة"], 12.5)],
                key="ramadan",
            ),
            CampaignData(
                name='=HYPERLINK("http://evil.example","click")',
                networks=["x"],
                format="post",
                objective="customer_care",
                kpi=None,
                kpi_baseline=None,
                kpi_target=None,
                audience_id=None,
                start_date=date(2027, 3, 1),
                end_date=date(2027, 6, 30),
                duration_rationale="+1 all quarter\nsecond line",
                budget=Decimal("0"),
                goal_links=[],
                key="care",
            ),
        ]
        calendar = [
            CalendarItemData(
                date=date(2027, 3, 3),
                network="instagram",
                format="short_video",
                pillar="Product",
                brief="Unboxing, 15 seconds",
                status="approved",
                campaign_key="spring",
            ),
            CalendarItemData(
                date=date(2027, 3, 12),
                network="snapchat",
                format="story",
                pillar="روحانيات",
                brief="تهنئة بقدوم الشهر الكريم",
                status="planned",
                campaign_key="ramadan",
            ),
            CalendarItemData(
                date=date(2027, 3, 12),
                network="x",
                format="post",
                pillar=None,
                brief='@support hours; "quoted", commas',
                status="scheduled",
                campaign_key="care",
            ),
            CalendarItemData(
                date=date(2027, 4, 2),
                network="instagram",
                format="post",
                pillar="Community",
                brief=None,
                status="published",
                campaign_key=None,
            ),
        ]
        plan = plans.create_plan(
            brand_row,
            title="Q2 plan",
            period_start=date(2027, 3, 1),
            period_end=date(2027, 6, 30),
            campaigns=campaigns,
            calendar=calendar,
            author=world.team.user,
        )
        plan_id = plan.id
        if status != "draft":
            row = db.session.scalar(select(Plan).where(Plan.id == plan_id))
            row.status = status
            if status != "draft":
                from saas.models import PlanRevision

                for rev in db.session.scalars(
                    select(PlanRevision).where(PlanRevision.plan_id == plan_id)
                ):
                    rev.frozen = True
            db.session.commit()
    return PlanWorld(plan_id, brand.id, world.agency.id, goals, audiences)


def content(world: PlanWorld, number: int | None = None):
    """(campaigns, calendar) of a revision (default: current) as the plans service sees it."""
    from saas.models import Plan
    from saas.services import plans

    with tenant_scope(world.agency_id):
        db.session.expire_all()
        plan = db.session.scalar(select(Plan).where(Plan.id == world.plan_id))
        rev = (
            plans.current_revision(plan)
            if number is None
            else plans.get_revision(plan, number=number)
        )
        loaded = plans.load_revision(rev.id, with_calendar=True)
        campaigns, calendar = plans.revision_data(loaded)
        return campaigns, sorted(calendar, key=lambda i: (i.date, i.network)), rev.number


def counts(agency_id: int) -> dict[str, int]:
    from saas.models import AuditEvent, CalendarItem, Campaign, CampaignGoal, PlanRevision

    with tenant_scope(agency_id):
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (PlanRevision, Campaign, CampaignGoal, CalendarItem, AuditEvent)
        }


@pytest.fixture
def plan_world(alpha) -> PlanWorld:
    return make_plan(alpha)


@pytest.fixture
def count_queries(db_app):
    """``with count_queries() as n: ...`` then ``n[0]`` is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        seen = [0]

        def before(*_args, **_kw):
            seen[0] += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
