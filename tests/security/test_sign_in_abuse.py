"""Guessing cannot lock the owner out, the owner hears about it, and link requests do not
reveal which addresses have accounts.

Regression tests for issue 7, item 5.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from saas.extensions import db
from tests import factories
from tests.mailbox import inbox


@pytest.fixture
def small_limits(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per 15 minutes")
    monkeypatch.setitem(db_app.config, "LOGIN_LIMIT_PER_IP", "50 per 15 minutes")
    monkeypatch.setitem(db_app.config, "LOGIN_ALERT_THRESHOLD", 4)
    return db_app.config


def _attempt(app, email: str, password: str, ip: str):
    return app.test_client().post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_guesses_from_one_ip_do_not_lock_the_owner_out(db_app, alpha, small_limits):
    for _ in range(3):
        assert (
            _attempt(db_app, "owner@alpha.test", "wrong guess here", "203.0.113.9").status_code
            == 401
        )
    assert (
        _attempt(db_app, "owner@alpha.test", factories.PASSWORD, "203.0.113.9").status_code == 429
    )
    assert (
        _attempt(db_app, "owner@alpha.test", factories.PASSWORD, "198.51.100.20").status_code == 302
    )


def test_the_api_token_exchange_limits_per_account_and_ip_too(db_app, alpha, small_limits, api):
    def exchange(password: str, ip: str):
        return db_app.test_client().post(
            "/api/v1/tokens",
            json={"email": "owner@alpha.test", "password": password},
            environ_base={"REMOTE_ADDR": ip},
        )

    for _ in range(5):
        exchange("wrong guess here", "203.0.113.9")
    assert exchange(factories.PASSWORD, "203.0.113.9").status_code == 429
    assert exchange(factories.PASSWORD, "198.51.100.20").status_code == 201


def test_a_burst_of_failures_emails_the_person_once(db_app, alpha, small_limits, run_jobs):
    for i in range(6):  # from many IPs, as a distributed guesser would
        _attempt(db_app, "consultant@alpha.test", "wrong guess here", f"203.0.113.{i + 1}")
    run_jobs()
    alerts = [m for m in inbox("consultant@alpha.test") if "trying to sign in" in m.subject]
    assert len(alerts) == 1
    assert "4 failed attempts" in alerts[0].text
    assert "/login/link/" not in alerts[0].text and "/password/reset/" not in alerts[0].text
    # The person can still sign in from their usual address.
    assert (
        _attempt(db_app, "consultant@alpha.test", factories.PASSWORD, "192.0.2.1").status_code
        == 302
    )


class _Recorder:
    """A job backend that records instead of running: what the request itself did."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple]] = []

    def submit(self, req):  # type: ignore[no-untyped-def]
        self.jobs.append((req.func, req.args))
        return req.job_id


@pytest.mark.parametrize(
    ("path", "known"),
    [("/password/forgot", "owner@alpha.test"), ("/login/link", "leader@alpha.test")],
)
def test_link_requests_do_the_same_work_for_known_and_unknown_addresses(
    db_app, alpha, monkeypatch, path, known
):
    """Same answer, same SQL (none), same one job: nothing in the request depends on
    whether the address has an account, so its timing cannot tell either."""
    recorder = _Recorder()
    monkeypatch.setitem(db_app.extensions, "tandem_jobs", recorder)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        outcomes = []
        for email in (known, "nobody@nowhere.test"):
            statements.clear()
            recorder.jobs.clear()
            resp = db_app.test_client().post(path, data={"email": email})
            outcomes.append((resp.status_code, len(statements), [f for f, _ in recorder.jobs]))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert outcomes[0] == outcomes[1]
    status, queries, jobs = outcomes[0]
    assert status == 200
    assert queries == 0
    assert jobs == ["worker.jobs.account_mail.prepare_account_link"]
