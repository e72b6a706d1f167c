"""PostgreSQL restarted or unreachable mid-request: a clean 503 with ``Retry-After``, never a
500, and nothing half-written; the next request works again.

The connection is lost at two moments that take different paths: while the view runs (the
goal's INSERT, handled by the error handlers) and at the commit after the view (the audit
event's INSERT is flushed there, in ``after_request``).  ``bench/faults.py`` restarts a real
PostgreSQL under load; here the loss is one statement, so the test says which one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, exc, select

from saas.extensions import db
from saas.http.unavailable import database_unavailable
from saas.models import AuditEvent, Goal
from tenants.context import tenant_scope

GOAL = {
    "title": "Survive a restart",
    "metric": "followers",
    "unit": "followers",
    "baseline": 0,
    "target": 100,
    "due_date": "2026-12-31",
    "priority": "high",
}


def goals_path(world) -> str:
    return f"/api/v1/brands/{world.brand.id}/goals"


class ServerGone(Exception):
    """What the driver raised: stands in for psycopg's ``OperationalError``."""


@contextmanager
def connection_lost_at(table: str) -> Iterator[list[str]]:
    """The first INSERT into ``table`` fails as a connection the server closed does:
    SQLAlchemy's ``OperationalError`` with ``connection_invalidated``."""
    lost: list[str] = []

    def lose(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not lost and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            lost.append(statement)
            raise exc.OperationalError(
                statement,
                parameters,
                ServerGone("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )

    event.listen(db.engine, "before_cursor_execute", lose)
    try:
        yield lost
    finally:
        event.remove(db.engine, "before_cursor_execute", lose)


def stored(world) -> tuple[list[str], list[str]]:
    """The agency's goals (titles) and audit actions, read fresh."""
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        goals = list(db.session.scalars(select(Goal.title)))
        actions = list(db.session.scalars(select(AuditEvent.action)))
    db.session.rollback()
    return goals, actions


def assert_clean_503(resp) -> None:
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert resp.headers["Retry-After"] == "5"
    assert "object-src 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"  # the API's, as on every answer
    body = resp.get_json()
    assert body["error"]["code"] == "unavailable"
    assert body["error"]["message"] and body["error"]["fields"] == {}


@pytest.mark.parametrize("table", ["goals", "audit_events"])
def test_a_connection_lost_while_writing_answers_503_and_keeps_nothing(alpha, api, table):
    """Lost at the goal's INSERT (in the view) or at the audit event's (at the commit)."""
    client = api(alpha.tokens["consultant"])
    before = stored(alpha)

    with connection_lost_at(table) as lost:
        resp = client.post(goals_path(alpha), json=GOAL)

    assert lost, f"no INSERT into {table} was attempted"
    assert_clean_503(resp)
    assert stored(alpha) == before  # neither the goal nor its audit event
    again = client.post(goals_path(alpha), json=GOAL)
    assert again.status_code == 201, again.get_json()
    goals, actions = stored(alpha)
    assert goals.count("Survive a restart") == 1
    assert actions.count("goal.created") == before[1].count("goal.created") + 1


def test_a_page_whose_database_is_gone_answers_an_html_503(alpha, login_as):
    client = login_as(alpha.consultant)

    def gone(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        raise exc.OperationalError(
            statement, parameters, ServerGone("gone"), connection_invalidated=True
        )

    event.listen(db.engine, "before_cursor_execute", gone)
    try:
        resp = client.get("/")
    finally:
        event.remove(db.engine, "before_cursor_execute", gone)

    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "5"
    assert resp.mimetype == "text/html"
    assert "briefly unavailable" in resp.get_data(as_text=True)
    assert client.get("/").status_code in (200, 302)


def test_an_operational_error_that_is_a_bug_is_not_disguised_as_503():
    """Only a lost or refused connection is 'try again'; a wrong statement stays a 500."""
    bug = exc.OperationalError("SELECT nope", {}, ServerGone("no such table: nope"))
    assert not database_unavailable(bug)
    assert database_unavailable(
        exc.OperationalError("SELECT 1", {}, ServerGone("x"), connection_invalidated=True)
    )
    assert database_unavailable(exc.TimeoutError("QueuePool limit reached"))


def test_a_backend_terminated_mid_write_answers_503_on_postgresql(alpha, api, database_url):
    """The real thing on PostgreSQL: the server ends the request's connection
    (``pg_terminate_backend``, what a restart does) just before the goal's INSERT."""
    if not database_url.startswith("postgres"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    import psycopg

    client = api(alpha.tokens["consultant"])
    before = stored(alpha)
    killed: list[int] = []
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")

    def terminate(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not killed and statement.lstrip().upper().startswith("INSERT INTO GOALS"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    event.listen(db.engine, "before_cursor_execute", terminate)
    try:
        resp = client.post(goals_path(alpha), json=GOAL)
    finally:
        event.remove(db.engine, "before_cursor_execute", terminate)

    assert killed
    assert_clean_503(resp)
    assert stored(alpha) == before
    assert client.post(goals_path(alpha), json=GOAL).status_code == 201


def test_healthz_names_the_database_and_answers_503_while_it_is_gone(db_app):
    """The load balancer takes the web out while the database is gone, and /healthz says
    which part is down."""
    client = db_app.test_client()

    def gone(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        raise exc.OperationalError(
            statement, parameters, ServerGone("gone"), connection_invalidated=True
        )

    event.listen(db.engine, "before_cursor_execute", gone)
    try:
        resp = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", gone)

    assert resp.status_code == 503
    assert resp.get_json()["status"] == "down"
    assert resp.get_json()["database"] == "down"
    again = client.get("/healthz")
    assert again.status_code == 200 and again.get_json()["database"] == "ok"
