"""Helpers for the plan tests: goals and audiences of a brand, a valid plan body, counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Audience, CalendarItem, Campaign, CampaignGoal, Goal, Plan, PlanRevision
from tenants.context import tenant_scope


def make_goal(world, brand=None, title="Grow followers", **kw):
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        goal = Goal(
            brand_id=brand.id,
            title=title,
            metric="followers",
            baseline=100,
            target=200,
            due_date=date(2027, 12, 31),
            **kw,
        )
        db.session.add(goal)
        db.session.commit()
        return goal.id


def make_audience(world, brand=None, name="Young professionals"):
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        audience = Audience(
            brand_id=brand.id,
            name=name,
            networks=[{"network": "instagram", "share": 60.0}],
            engages="Answer polls",
        )
        db.session.add(audience)
        db.session.commit()
        return audience.id


def campaign_body(goal_id=None, audience_id=None, **kw):
    body = {
        "name": "Spring stories",
        "networks": ["instagram"],
        "format": "story",
        "objective": "awareness",
        "kpi": "views",
        "kpi_baseline": 1000,
        "kpi_target": 5000,
        "audience_id": audience_id,
        "start_date": "2027-03-01",
        "end_date": "2027-03-31",
        "duration_rationale": "The spring season",
        "budget": 1500,
        "goal_ids": [goal_id] if goal_id else [],
    }
    body.update(kw)
    return body


def plan_body(campaigns=(), calendar=(), **kw):
    body = {
        "title": "Spring plan",
        "period_start": "2027-03-01",
        "period_end": "2027-05-31",
        "campaigns": list(campaigns),
        "calendar": list(calendar),
    }
    body.update(kw)
    return body


def counts(agency_id):
    """Rows of every plan table in one agency: what must not change after a refusal."""
    db.session.expire_all()
    with tenant_scope(agency_id):
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Plan, PlanRevision, Campaign, CampaignGoal, CalendarItem)
        }


@pytest.fixture
def planned(alpha, api):
    """Alpha's brand with a goal, an audience and a draft plan of one campaign (via the API)."""
    goal_id = make_goal(alpha)
    audience_id = make_audience(alpha)
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans",
        json=plan_body([campaign_body(goal_id, audience_id)]),
    )
    assert resp.status_code == 201, resp.get_json()
    return {"plan": resp.get_json(), "goal_id": goal_id, "audience_id": audience_id}
