"""The plan page's SQL query count does not grow with campaigns, goals or calendar items."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from saas.api.plans import endpoints
from saas.extensions import db
from saas.web.plans import table_cache
from tests.factories import planning_data

# Count what a first request reads: nothing kept between requests.
pytestmark = pytest.mark.usefixtures("cold_plan_caches")


PLAN_PAGE_QUERIES = 9
API_PLAN_QUERIES = 8


@contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_plan_page_queries_do_not_grow_with_campaigns(alpha, login_as):
    small = planning_data(alpha.agency, alpha.brand, goals=3, campaigns=3, calendar=10,
                          author=alpha.team.user, status="draft")  # fmt: skip
    large = planning_data(alpha.agency, alpha.brand, goals=30, campaigns=60, calendar=600,
                          author=alpha.team.user, status="draft")  # fmt: skip
    client = login_as(alpha.consultant)
    client.get(f"/plans/{small.id}")  # warm caches (session, translations)

    with count_queries() as few:
        resp = client.get(f"/plans/{small.id}")
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).count("Campaign ") >= 3
    with count_queries() as many:
        resp = client.get(f"/plans/{large.id}")
    assert resp.status_code == 200
    assert "Campaign 59" in resp.get_data(as_text=True)
    assert len(many) == len(few), "\n".join(many)
    # Session 3, plan with its brand, history with its counts, reviews, goals with
    # audiences, campaigns, their goal links; the consultant's brand switcher comes with
    # the session (17 before).
    assert len(few) == PLAN_PAGE_QUERIES, "\n".join(few)


def test_api_plan_queries_do_not_grow_with_campaigns(alpha, api):
    small = planning_data(alpha.agency, alpha.brand, goals=3, campaigns=3, calendar=10)
    large = planning_data(alpha.agency, alpha.brand, goals=30, campaigns=60, calendar=600)
    owner = api(alpha.tokens["owner"])
    owner.get(f"/api/v1/plans/{small.id}")
    with count_queries() as few:
        assert owner.get(f"/api/v1/plans/{small.id}").status_code == 200
    with count_queries() as many:
        resp = owner.get(f"/api/v1/plans/{large.id}")
    assert len(resp.get_json()["campaigns"]) == 60 and len(resp.get_json()["calendar"]) == 600
    assert len(many) == len(few)
    # Token and membership 3, plan, revision, campaigns, goal links, calendar (was 9).
    assert len(few) <= API_PLAN_QUERIES, "\n".join(few)


def test_a_kept_table_and_content_read_less_on_the_next_request(alpha, api, login_as, monkeypatch):
    """With the caches on, a second read of the same plan skips its content queries."""
    monkeypatch.setattr(table_cache.tables, "max_entries", 256)
    monkeypatch.setattr(endpoints._content, "max_entries", 128)
    plan = planning_data(alpha.agency, alpha.brand, goals=3, campaigns=5, calendar=20,
                         author=alpha.team.user, status="draft")  # fmt: skip
    client = login_as(alpha.consultant)
    client.get(f"/plans/{plan.id}")
    with count_queries() as warm:
        assert client.get(f"/plans/{plan.id}").status_code == 200
    assert len(warm) <= PLAN_PAGE_QUERIES - 2, "\n".join(warm)
    owner = api(alpha.tokens["owner"])
    owner.get(f"/api/v1/plans/{plan.id}")
    with count_queries() as warm:
        assert len(owner.get(f"/api/v1/plans/{plan.id}").get_json()["calendar"]) == 20
    assert len(warm) <= API_PLAN_QUERIES - 3, "\n".join(warm)
