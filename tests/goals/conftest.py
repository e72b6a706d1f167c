"""Helpers for the goals and audiences tests: rows made directly, audit and page text."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Audience, AuditEvent, Goal, GoalCheckin
from tenants.context import tenant_scope


def text(resp) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(resp.get_data(as_text=True))


def main(resp) -> str:
    page = text(resp)
    start, end = page.find("<main"), page.find("</main>")
    assert start != -1 and end != -1, "the page has no <main>"
    return page[start:end]


@pytest.fixture
def make_goal():
    """``make_goal(world, brand=None, checkins=[(date, value)], **fields)`` -> Goal id."""

    def make(world, brand=None, checkins=(), **fields) -> int:
        brand = brand or world.brand
        values = {
            "title": "Grow Instagram",
            "metric": "Instagram followers",
            "unit": "followers",
            "baseline": 1000.0,
            "target": 2000.0,
            "start_date": date(2026, 1, 1),
            "due_date": date(2026, 12, 31),
            "priority": "high",
            **fields,
        }
        with tenant_scope(world.agency.id):
            goal = Goal(agency_id=world.agency.id, brand_id=brand.id, **values)
            db.session.add(goal)
            db.session.flush()
            for day, value in checkins:
                db.session.add(
                    GoalCheckin(
                        agency_id=world.agency.id,
                        brand_id=brand.id,
                        goal_id=goal.id,
                        date=day,
                        value=value,
                    )
                )
            db.session.commit()
            return goal.id

    return make


@pytest.fixture
def make_audience():
    def make(world, brand=None, **fields) -> int:
        brand = brand or world.brand
        values = {
            "name": "Young professionals",
            "networks": [{"network": "instagram", "share": 60.0}],
            "engages": "Commuters who answer polls",
            **fields,
        }
        with tenant_scope(world.agency.id):
            audience = Audience(agency_id=world.agency.id, brand_id=brand.id, **values)
            db.session.add(audience)
            db.session.commit()
            return audience.id

    return make


@pytest.fixture
def rows():
    """``rows(world, Model)`` -> every row of that model in the world's agency, by id."""

    def read(world, model):
        db.session.expire_all()
        with tenant_scope(world.agency.id):
            return list(db.session.scalars(select(model).order_by(model.id)))

    return read


@pytest.fixture
def audit_actions():
    def actions(world) -> list[str]:
        with tenant_scope(world.agency.id):
            return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))

    return actions
