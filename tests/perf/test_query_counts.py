"""Do the plan, review, matrix and calendar pages stay at a constant number of SQL queries
for a plan of 300 campaigns, 30 goals and 3,000 calendar items?

We count queries (deterministic) instead of timing requests; ``bench/`` measures time.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from saas.extensions import db
from saas.models import Review
from tenants.context import tenant_scope
from tests import factories

SMALL = {"goals": 3, "campaigns": 3, "calendar": 20}
BIG = {"goals": 30, "campaigns": 300, "calendar": 3000}


@contextmanager
def count_queries():
    counter = {"n": 0}

    def _count(*_args, **_kwargs):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)


# Count what a first request reads: nothing kept between requests.
pytestmark = pytest.mark.usefixtures("cold_plan_caches")


@pytest.fixture
def two_plans(alpha, login_as, client):
    """The same brand shape twice: a small plan in brand One, a big one in brand Two."""
    small = factories.planning_data(alpha.agency, alpha.brand, **SMALL)
    big = factories.planning_data(alpha.agency, alpha.other_brand, **BIG)
    login_as(alpha.consultant)
    reviews = {}
    for name, plan in (("small", small), ("big", big)):
        resp = client.post(f"/plans/{plan.id}/reviews")
        assert resp.status_code in (302, 303), resp.status_code
        with tenant_scope(alpha.agency.id):
            reviews[name] = db.session.scalar(select(Review.id).where(Review.plan_id == plan.id))
    return {"small": small, "big": big, "reviews": reviews, "alpha": alpha}


def _queries(client, url: str) -> int:
    client.get(url)  # warm: first-request caches (locale, templates) are not the point
    with count_queries() as counter:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return counter["n"]


PAGES = {
    "plan page": lambda d, k: f"/plans/{d[k].id}",
    "review page": lambda d, k: f"/reviews/{d['reviews'][k]}",
    "alignment matrix": lambda d, k: f"/reviews/{d['reviews'][k]}/matrix",
    "score history": lambda d, k: f"/plans/{d[k].id}/scores",
    "calendar month": lambda d, k: (
        f"/brands/{d[k].brand_id}/calendar?month={d[k].period_start:%Y-%m}"
    ),
    "goals list": lambda d, k: f"/brands/{d[k].brand_id}/goals",
    "brand overview": lambda d, k: f"/brands/{d[k].brand_id}",
    "plan API": lambda d, k: f"/api/v1/plans/{d[k].id}",
    "review API": lambda d, k: f"/api/v1/reviews/{d['reviews'][k]}",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_do_not_grow_with_plan_size(two_plans, client, api, page):
    build = PAGES[page]
    if page.endswith("API"):
        token = two_plans["alpha"].tokens["consultant"]
        small = _api_queries(api(token), build(two_plans, "small"))
        big = _api_queries(api(token), build(two_plans, "big"))
    else:
        small = _queries(client, build(two_plans, "small"))
        big = _queries(client, build(two_plans, "big"))
    assert big == small, f"{page}: {small} queries for the small plan, {big} for the big one"


def _api_queries(api_client, url: str) -> int:
    api_client.get(url)
    with count_queries() as counter:
        resp = api_client.get(url)
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:200])
    return counter["n"]


# --- the start page and the brand overview: a fixed budget, whatever the agency's size ------

# 3 queries load the session (user, membership with agency, brand scope); the start page adds
# one for its brands, both totals and the layout's switcher, and two for the attention lists.
DASHBOARD_QUERIES = 6
# The brand with its people, goals with their latest check-ins, plans, one row with the
# latest review, its plan, the sessions card and the team's size (no team: neither its
# members nor the methodology are read) and reports.  The switcher needs no query here:
# the consultant is narrowed to some brands, which came with the membership (an owner's
# page reads its brands: one more).
BRAND_OVERVIEW_QUERIES = 8


def _grow(alpha, brands: int) -> None:
    """``brands`` more brands, each with client people, goals with check-ins, a plan waiting
    for review, and a consultant's access: everything the two pages list per row."""
    from datetime import date, timedelta

    from saas.models import BrandAccess, Goal, GoalCheckin

    for i in range(brands):
        b = factories.brand(alpha.agency, name=f"Grown {i:02d}", industry="Retail")
        factories.member(alpha.agency, "client_leader", brands=[b])
        factories.member(alpha.agency, "client_team", brands=[b])
        factories.planning_data(alpha.agency, b, goals=2, campaigns=1, calendar=1)
        with tenant_scope(alpha.agency.id):
            db.session.add(
                BrandAccess(
                    agency_id=alpha.agency.id, brand_id=b.id, membership_id=alpha.consultant.id
                )
            )
            for goal_id in db.session.scalars(select(Goal.id).where(Goal.brand_id == b.id)):
                for k in range(3):
                    db.session.add(
                        GoalCheckin(
                            agency_id=alpha.agency.id,
                            brand_id=b.id,
                            goal_id=goal_id,
                            date=date(2026, 1, 1) + timedelta(days=30 * k),
                            value=100 + k,
                        )
                    )
            db.session.flush()
    db.session.commit()


@pytest.mark.parametrize("role", ["owner", "consultant"])
def test_the_start_page_reads_a_fixed_number_of_queries(alpha, login_as, client, role):
    """Two brands or sixteen (more than the page shows), each with people, goals, check-ins
    and a waiting plan: the same queries, the budget above."""
    login_as(getattr(alpha, role))
    few = _queries(client, "/")
    _grow(alpha, 14)
    many = _queries(client, "/")
    body = client.get("/").get_data(as_text=True)
    assert "Grown 13" in body  # the switcher lists the new brands
    assert many == few, f"start page: {few} queries for 2 brands, {many} for 16"
    assert many == DASHBOARD_QUERIES, f"start page: {many} queries, budget {DASHBOARD_QUERIES}"


def test_the_brand_overview_reads_a_fixed_number_of_queries(alpha, login_as, client):
    """A brand with more people, goals and check-ins costs no more queries."""
    login_as(alpha.consultant)
    url = f"/brands/{alpha.brand.id}"
    few = _queries(client, url)
    _grow(alpha, 3)
    from saas.models import BrandAccess

    with tenant_scope(alpha.agency.id):
        for _ in range(5):
            m = factories.member(alpha.agency, "client_team")
            db.session.add(
                BrandAccess(agency_id=alpha.agency.id, brand_id=alpha.brand.id, membership_id=m.id)
            )
        db.session.flush()
    factories.planning_data(alpha.agency, alpha.brand, goals=8, campaigns=1, calendar=1)
    db.session.commit()
    many = _queries(client, url)
    assert many == few, f"brand overview: {few} queries, then {many} with more rows"
    assert many == BRAND_OVERVIEW_QUERIES, (
        f"brand overview: {many}, budget {BRAND_OVERVIEW_QUERIES}"
    )
