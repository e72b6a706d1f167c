"""One request id from the request to its log lines, its jobs and the emails they send.

A client's safe ``X-Request-Id`` is kept, anything else is replaced; every request answers
with the id it was logged under; a job enqueued by the request logs with the same id, and
the email its job delivers carries it as ``X-Tandem-Request-Id``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.logging_setup import EMAIL_HEADER, JsonFormatter
from saas.models import OutboxMessage
from tenants.context import system_scope, tenant_scope
from tests.mailbox import inbox
from tests.ops.conftest import delivered_headers

SAFE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def test_a_safe_incoming_request_id_comes_back_in_the_response(client):
    sent = "lb-7f3a.9c_21-abcdef"
    resp = client.get("/login", headers={"X-Request-Id": sent})
    assert resp.status_code == 200
    assert resp.headers["X-Request-Id"] == sent


def test_without_a_request_id_each_request_gets_a_new_one(client):
    first = client.get("/login").headers["X-Request-Id"]
    second = client.get("/login").headers["X-Request-Id"]
    assert SAFE.match(first) and SAFE.match(second)
    assert first != second


@pytest.mark.parametrize(
    "bad",
    [
        "short",  # under 8 characters
        "x" * 65,  # over 64
        "has a space",
        "evil\r\nSet-Cookie: sid=1",
        "<script>alert(1)</script>",
        "ünïcödé-id-1234",
        "a/b/c/d/e/f/g/h",
    ],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, bad, json_lines):
    # Straight into the WSGI environ: the test client itself refuses a header with a newline.
    resp = client.get("/login", environ_overrides={"HTTP_X_REQUEST_ID": bad})
    got = resp.headers["X-Request-Id"]
    assert got != bad and SAFE.match(got)
    [line] = json_lines("tandem.request")
    assert line["request_id"] == got  # the log shows the replacement, never the bad value


def test_the_request_log_line_is_json_with_the_request_and_the_member(
    client, alpha, login_as, json_lines
):
    login_as(alpha.owner)
    resp = client.get("/", headers={"X-Request-Id": "req-dashboard-0001"})
    assert resp.status_code == 200
    [line] = [
        line for line in json_lines("tandem.request") if line["request_id"] == "req-dashboard-0001"
    ]
    assert line["level"] == "INFO"
    assert line["logger"] == "tandem.request"
    assert line["message"] == "GET / 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["agency_id"] == alpha.agency.id
    assert line["user_id"] == alpha.owner.user_id
    assert datetime.fromisoformat(line["ts"]).tzinfo is not None


def test_an_anonymous_request_logs_no_member(client, json_lines):
    client.get("/login", headers={"X-Request-Id": "req-anonymous-01"})
    [line] = json_lines("tandem.request")
    assert line["request_id"] == "req-anonymous-01"
    assert "user_id" not in line and "agency_id" not in line


def test_a_secret_in_the_path_is_not_logged(client, json_lines):
    secret = "s3cr3t-reset-token-that-signs-you-in"
    client.get(f"/password/reset/{secret}")
    [line] = json_lines("tandem.request")
    assert line["path"] == "/password/reset/:token"
    assert secret not in json.dumps(json_lines())


def test_health_checks_are_not_logged_at_info(client, json_lines):
    client.get("/healthz")
    assert json_lines("tandem.request") == []


def test_a_log_line_with_an_exception_carries_the_traceback_in_one_line():
    try:
        raise ValueError("the printer is on fire")
    except ValueError:
        record = logging.getLogger("tests.ops").makeRecord(
            "tests.ops", logging.ERROR, __file__, 1, "failed: %s", ("x",), sys.exc_info()
        )
    out = JsonFormatter().format(record)
    assert "\n" not in out  # one object per line, whatever the traceback
    line = json.loads(out)
    assert (line["message"], line["level"], line["logger"]) == ("failed: x", "ERROR", "tests.ops")
    assert "ValueError: the printer is on fire" in line["exc"]


def _outbox(to: str) -> list[OutboxMessage]:
    """Mail to ``to``, in any scope: account mail (a password reset) may belong to no
    agency, depending on where the job that wrote it ran."""
    db.session.expire_all()
    with system_scope():
        return list(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_email == to).order_by(OutboxMessage.id)
            )
        )


def test_a_job_enqueued_by_a_request_logs_with_its_id_and_its_email_carries_it(
    client, alpha, json_lines, redis_url, run_jobs
):
    rid = "req-forgot-password-42"
    to = alpha.owner.user.email
    resp = client.post("/password/forgot", data={"email": to}, headers={"X-Request-Id": rid})
    assert resp.status_code == 200
    assert resp.headers["X-Request-Id"] == rid
    run_jobs()
    [message] = _outbox(to)
    assert message.kind == "password_reset"

    if redis_url:  # the worker is another process: the job itself carries the id
        from rq.job import Job

        job = Job.fetch(
            message.job_id, connection=client.application.extensions["tandem_jobs"].connection
        )
        assert job.meta["request_id"] == rid
    else:  # eager: the job ran here, and its log lines say which request it came from
        job_lines = [line for line in json_lines() if line.get("job_id") == message.job_id]
        assert {line["request_id"] for line in job_lines} == {rid}
        assert {line["job"] for line in job_lines} == {"worker.jobs.email.deliver_email"}
        messages = [line["message"] for line in job_lines]
        assert "job worker.jobs.email.deliver_email started" in messages
        assert "job worker.jobs.email.deliver_email finished" in messages
        # A line written by the mail service inside the job has them too.
        assert any(m.startswith("email written to") for m in messages)

    assert len(inbox(to, wait_for=1)) == 1
    [mail] = delivered_headers()
    assert mail[EMAIL_HEADER] == rid


def test_an_email_sent_outside_any_request_carries_no_request_id(db_app, alpha, run_jobs):
    """The sweeper re-sends a lost message: no request, no header (and no made-up id)."""
    from datetime import timedelta

    from tenants.models import utcnow

    with tenant_scope(alpha.agency.id):
        db.session.add(
            OutboxMessage(
                kind="welcome",
                to_email="lost@example.test",
                subject="Welcome",
                body_text="Hello",
                status="queued",
                created_at=utcnow() - timedelta(hours=1),
            )
        )
        db.session.commit()
    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale"])
    assert result.exit_code == 0, result.output
    run_jobs()
    assert len(inbox("lost@example.test", wait_for=1)) == 1
    [mail] = delivered_headers()
    assert mail[EMAIL_HEADER] is None


def test_a_request_refused_before_any_view_still_has_its_id(client, monkeypatch, json_lines):
    """CSRF (and the rate limiter) refuse in their own before_request hooks, which Flask
    registered before ours: the id must be set before them all."""
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", True)
    rid = "req-no-csrf-token-1"
    resp = client.post(
        "/password/forgot", data={"email": "x@example.test"}, headers={"X-Request-Id": rid}
    )
    assert resp.status_code == 400
    assert resp.headers["X-Request-Id"] == rid
    [line] = json_lines("tandem.request")
    assert (line["request_id"], line["status"]) == (rid, 400)
    assert line["duration_ms"] >= 0
