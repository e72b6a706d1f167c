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
