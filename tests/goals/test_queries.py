"""Does the goals list cost the same number of queries for 3 goals as for 30?"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from saas.extensions import db


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _goals(world, make_goal, count: int, offset: int) -> None:
    for i in range(count):
        make_goal(
            world,
            title=f"Goal {offset + i}",
            checkins=[(date(2026, 1, 1) + timedelta(days=d), 1000.0 + d) for d in range(3)],
        )


def test_goal_list_query_count_does_not_grow_with_goals(alpha, login_as, make_goal):
    client = login_as(alpha.owner)
    url = f"/brands/{alpha.brand.id}/goals"
    _goals(alpha, make_goal, 3, 0)
    client.get(url)  # warm-up: first-request caches
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _goals(alpha, make_goal, 27, 3)
    with count_queries() as many:
        resp = client.get(url)
    assert resp.status_code == 200 and "Goal 29" in resp.get_data(as_text=True)
    assert len(many) == len(few), (len(few), len(many))


def test_goal_api_list_query_count_does_not_grow_with_goals(alpha, api, make_goal):
    client = api(alpha.tokens["owner"])
    url = f"/api/v1/brands/{alpha.brand.id}/goals?per_page=100"
    _goals(alpha, make_goal, 3, 0)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _goals(alpha, make_goal, 27, 3)
    with count_queries() as many:
        assert len(client.get(url).get_json()["data"]) == 30
    assert len(many) == len(few), (len(few), len(many))


def test_audience_list_query_count_does_not_grow_with_audiences(alpha, login_as, make_audience):
    client = login_as(alpha.owner)
    url = f"/brands/{alpha.brand.id}/audiences"
    for i in range(2):
        make_audience(alpha, name=f"Audience {i}")
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for i in range(2, 20):
        make_audience(alpha, name=f"Audience {i}")
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)
