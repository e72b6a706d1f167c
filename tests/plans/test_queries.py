"""The plan page's SQL query count does not grow with campaigns, goals or calendar items."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from saas.extensions import db
from tests.factories import planning_data


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
    assert len(few) <= 20, len(few)


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
