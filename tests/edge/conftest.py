"""Helpers for the edge tests: a brand with goals, audiences, a submitted plan and a review."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Audience, Campaign, Goal, PlanRevision
from tenants.context import tenant_scope


@dataclass
class Seeded:
    brand_id: int
    plan_id: int
    goal_id: int
    audience_id: int
    campaign_id: int
    review_id: int


@pytest.fixture
def seeded(alpha, api) -> Seeded:
    """Alpha's first brand with planning data and an open review (opened through the API)."""
    from tests.factories import planning_data

    plan = planning_data(alpha.agency, alpha.brand, goals=2, campaigns=2, calendar=2)
    with tenant_scope(alpha.agency.id):
        plan_id = plan.id
        goal_id = db.session.scalars(select(Goal.id).order_by(Goal.id)).first()
        audience_id = db.session.scalars(select(Audience.id).order_by(Audience.id)).first()
        campaign_id = db.session.scalars(
            select(Campaign.id)
            .join(PlanRevision, PlanRevision.id == Campaign.revision_id)
            .where(PlanRevision.plan_id == plan_id)
            .order_by(Campaign.id)
        ).first()
    resp = api(alpha.tokens["consultant"]).post(f"/api/v1/plans/{plan_id}/reviews")
    assert resp.status_code == 201, resp.get_json()
    return Seeded(
        brand_id=alpha.brand.id,
        plan_id=plan_id,
        goal_id=goal_id,
        audience_id=audience_id,
        campaign_id=campaign_id,
        review_id=resp.get_json()["id"],
    )


def assert_security_headers(resp) -> None:
    """The headers every answer carries, error pages included."""
    assert "object-src 'none'" in resp.headers.get("Content-Security-Policy", "")
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("X-Frame-Options") == "DENY"
