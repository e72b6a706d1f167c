"""Helpers for the capability and learning pages: a team made through the services (as the
API makes it), ratings, a budget, a learning item, a review with a capability_gap finding,
and rows read back to show what changed and what did not."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models.capability import Assessment, LearningBudget, LearningItem, TeamMember
from saas.services import learning as learning_service
from saas.services.capability import assessments as assessments_service
from saas.services.capability import team as team_service
from tenants.context import tenant_scope


@dataclass
class Team:
    sara: int  # linked to the world's client team user
    omar: int  # a name only
    other: int | None = None  # a member of the agency's other brand
    ids: dict[str, int] = field(default_factory=dict)


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


def counts(world) -> dict[str, int]:
    """How many rows of each capability table the world's agency has."""
    with tenant_scope(world.agency.id):
        return {
            m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (TeamMember, Assessment, LearningBudget, LearningItem)
        }


def rate(world, member_id: int, skill: str, rating: int, by: str = "consultant") -> None:
    with tenant_scope(world.agency.id):
        assessments_service.add(
            getattr(world, by),
            world.brand,
            {"member_id": member_id, "skill": skill, "rating": rating},
        )
        db.session.commit()


def set_budget(world, hours: float, brand=None) -> None:
    with tenant_scope(world.agency.id):
        learning_service.set_budget(world.consultant, brand or world.brand, hours)
        db.session.commit()


def plan_item(world, member_id: int, title: str, hours: float = 2.0, **values) -> int:
    today = learning_service.today_for(world.brand)
    body = {
        "member_id": member_id,
        "title": title,
        "format": "course",
        "due_on": values.pop("due_on", today),
        "hours": hours,
        **values,
    }
    with tenant_scope(world.agency.id):
        item = learning_service.create(world.consultant, world.brand, body)
        db.session.commit()
        return item.id


@pytest.fixture
def team():
    """``team(world)`` -> Team: Sara (the client team user) and Omar (a name) on the
    world's brand, and one member of the other brand."""

    def make(world) -> Team:
        with tenant_scope(world.agency.id):
            sara = team_service.add(
                world.consultant,
                world.brand,
                {"name": "Sara Haddad", "user_id": world.team.user_id},
            )
            omar = team_service.add(world.consultant, world.brand, {"name": "Omar Nasser"})
            other = team_service.add(world.consultant, world.other_brand, {"name": "Layla Other"})
            db.session.commit()
            return Team(sara=sara.id, omar=omar.id, other=other.id)

    return make


def gap_review(world) -> tuple[int, list[int]]:
    """A submitted plan by the client team user with one TikTok short-video campaign, and
    its review opened by the consultant: (review id, capability_gap finding ids)."""
    from saas.models import Campaign, Finding, Plan
    from saas.services import reviews as reviews_service
    from tests.factories import planning_data

    plan = planning_data(
        world.agency, world.brand, goals=1, campaigns=1, calendar=4, author=world.team.user
    )
    with tenant_scope(world.agency.id):
        campaign = db.session.scalar(select(Campaign).order_by(Campaign.id.desc()))
        campaign.name = "Ramadan TikTok"
        campaign.networks = ["tiktok"]
        campaign.format = "short_video"
        db.session.commit()
        review = reviews_service.open_review(db.session.get(Plan, plan.id), world.consultant)
        db.session.commit()
        ids = list(
            db.session.scalars(
                select(Finding.id)
                .where(Finding.review_id == review.id, Finding.rule == "capability_gap")
                .order_by(Finding.id)
            )
        )
        return review.id, ids


@pytest.fixture
def count_queries(db_app):
    """``with count_queries() as c: ...; c.count``: SQL statements sent to the database."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():  # type: ignore[no-untyped-def]
        counter = {"n": 0}

        def bump(*_args, **_kw) -> None:
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", bump)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", bump)

    return counting
