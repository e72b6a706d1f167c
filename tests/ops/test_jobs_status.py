"""``flask jobs status`` shows what is waiting; ``flask jobs requeue-stale`` also gets lost
session reminders sent; ``/healthz`` names the workers and the scheduler.

Embedded mode (the suite's default: eager jobs, no Redis) and, when ``REDIS_URL`` is set,
a real Redis with the session's worker process.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import BillingEvent, OutboxMessage, SessionReminder
from saas.services.strategy_sessions import reminding
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.sessions.conftest import sessions_path
from worker import queue as jobs_queue

HOUR_AGO = timedelta(hours=1)


@pytest.fixture
def embedded(db_app, redis_url):
    if redis_url:
        pytest.skip("REDIS_URL is set: the app runs a real queue, not the embedded one")
    return db_app


@pytest.fixture
def live_worker(db_app, redis_url):
    """The session's worker process, once it has registered (it warms WeasyPrint first)."""
    if not redis_url:
        pytest.skip("needs REDIS_URL: a real queue and the session's worker process")
    from worker.status import live_workers, scheduler_of

    jobs = db_app.extensions["tandem_jobs"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if live_workers(db_app, jobs.connection, jobs.queue) and scheduler_of(
            jobs.connection, jobs.queue.name
        ):
            return db_app
        time.sleep(0.2)
    raise AssertionError("the worker process did not register with Redis in time")


def _waiting_email(world) -> None:
    with tenant_scope(world.agency.id):
        db.session.add(
            OutboxMessage(
                kind="welcome",
                to_email="waiting@example.test",
                subject="Welcome",
                body_text="Hello",
                status="queued",
                created_at=utcnow() - HOUR_AGO,
            )
        )
        db.session.commit()


def _stripe_events() -> None:
    def event(n: int, status: str) -> BillingEvent:
        return BillingEvent(
            stripe_event_id=f"evt_status_{n}",
            type="customer.created",
            stripe_created=int((utcnow() - HOUR_AGO).timestamp()),
            payload={"id": f"evt_status_{n}", "type": "customer.created", "data": {"object": {}}},
            status=status,
            received_at=utcnow() - HOUR_AGO,
        )

    db.session.add_all([event(1, "received"), event(2, "failed"), event(3, "processed")])
    db.session.commit()


def _line(output: str, label: str) -> str:
    [line] = [x for x in output.splitlines() if x.strip().startswith(label)]
    return line


def test_status_in_embedded_mode_says_so_and_shows_the_rows_waiting(embedded, alpha):
    _waiting_email(alpha)
    _stripe_events()
    result = embedded.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Mode: eager (embedded, no Redis)" in out
    assert "the database rows below are the queue" in out
    assert _line(out, "emails queued, sending or retrying:").startswith(
        "  emails queued, sending or retrying: 1 (oldest 1h"
    )
    assert "Stripe events not applied (received): 1" in out
    assert "Stripe events failed (flask billing replay): 1" in out
    assert _line(out, "reports queued or rendering:").endswith(": 0")
    assert _line(out, "session reminders due and not sent:").endswith(": 0")


def test_status_with_nothing_waiting_shows_zeros(embedded):
    result = embedded.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    counts = re.findall(r"^  .+: (\d+)$", result.output, re.M)
    assert counts and set(counts) == {"0"}


def test_status_against_redis_shows_each_queue_its_workers_and_scheduler(live_worker):
    db_app = live_worker
    result = db_app.test_cli_runner().invoke(args=["jobs", "status"])
    out = result.output
    name = db_app.config["QUEUE_NAME"]
    assert "Mode: redis" in out
    # Tandem's queue comes first; other RQ queues on the same Redis (other test runs) after.
    ours = "Queue " + out.split("\nQueue ")[1].split("\nWaiting in the database:")[0]
    assert re.search(
        rf"^Queue {re.escape(name)}: queued \d+, started \d+, failed \d+, scheduled \d+, "
        r"deferred \d+; oldest queued ",
        ours,
        re.M,
    ), out
    assert re.search(r"^  workers: [1-9]\d* alive", ours, re.M), out
    assert re.search(r"^  scheduler: (?!NONE)\S+", ours, re.M), out
    assert "Waiting in the database:" in out
    assert result.exit_code == 0, out


# --- session reminders whose job was lost ---------------------------------------------------


def test_requeue_stale_sends_a_session_reminder_whose_job_was_lost(
    db_app, alpha, api, monkeypatch, run_jobs
):
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=3)
    resp = api(alpha.tokens["consultant"]).post(
        sessions_path(alpha.brand),
        json={
            "title": "Quarterly review",
            "kind": "quarterly_business_review",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "timezone": "UTC",
            "duration_minutes": 60,
            "location": "https://meet.example/qbr",
            "attendees": [{"email": "leader@alpha.test", "role": "leader"}],
            "confirm_conflicts": True,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    backend = db_app.extensions["tandem_jobs"]
    if isinstance(backend, jobs_queue.EagerJobs):
        backend.scheduled.clear()  # the scheduled jobs were lost (a restart, Redis emptied)
    agency_id = alpha.agency.id
    with tenant_scope(agency_id):
        day = db.session.scalar(select(SessionReminder).where(SessionReminder.kind == "24h"))
        due = day.due_at
    # Five minutes after the 24-hour reminder was due, and nothing sent it.
    later = due + timedelta(minutes=5)
    monkeypatch.setattr(reminding, "utcnow", lambda: later)
    monkeypatch.setattr("tenants.models.utcnow", lambda: later)  # the status command's clock

    runner = db_app.test_cli_runner()
    status = runner.invoke(args=["jobs", "status"])
    assert "session reminders due and not sent: 1" in status.output, status.output

    result = runner.invoke(args=["jobs", "requeue-stale"])
    assert result.exit_code == 0, result.output
    assert "Re-enqueued 1 stale session reminder(s)." in result.output
    again = runner.invoke(args=["jobs", "requeue-stale"])
    assert "Re-enqueued 0 stale session reminder(s)." in again.output  # sent once, not twice
    run_jobs()
    db.session.expire_all()
    with tenant_scope(agency_id):
        statuses = dict(
            db.session.execute(select(SessionReminder.kind, SessionReminder.status)).all()
        )
        reminders = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "session_reminder")
        ).all()
    assert statuses == {"24h": "sent", "1h": "scheduled"}
    assert len(reminders) == 1


# --- /healthz names every part ---------------------------------------------------------------


def test_healthz_names_workers_and_scheduler_in_eager_mode(embedded):
    body = embedded.test_client().get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "redis": "not_configured",
        "workers": "not_configured",
        "scheduler": "not_configured",
    }


def test_healthz_reports_the_embedded_threads(embedded, monkeypatch):
    threads = jobs_queue.ThreadJobs(embedded, catch_up=())
    monkeypatch.setitem(embedded.extensions, "tandem_jobs", threads)
    resp = embedded.test_client().get("/healthz")
    assert resp.status_code == 200
    assert (resp.get_json()["workers"], resp.get_json()["scheduler"]) == ("ok", "ok")


def test_healthz_says_when_the_embedded_worker_thread_died(embedded, monkeypatch):
    threads = jobs_queue.ThreadJobs(embedded, catch_up=())
    monkeypatch.setattr(threads.thread, "is_alive", lambda: False)
    monkeypatch.setitem(embedded.extensions, "tandem_jobs", threads)
    resp = embedded.test_client().get("/healthz")
    assert resp.status_code == 200  # the web still serves
    body = resp.get_json()
    assert (body["status"], body["workers"], body["scheduler"]) == ("degraded", "down", "ok")


def test_healthz_with_redis_sees_the_worker_and_the_scheduler(live_worker):
    body = live_worker.test_client().get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "workers": "ok",
        "scheduler": "ok",
    }


def test_healthz_with_redis_says_when_no_worker_listens(live_worker, monkeypatch):
    """A queue nobody works on: Redis answers, but the work would wait for ever."""
    from worker.queue import RedisJobs

    monkeypatch.setitem(live_worker.config, "QUEUE_NAME", "tandem-ops-nobody-listens")
    monkeypatch.setitem(live_worker.extensions, "tandem_jobs", RedisJobs(live_worker))
    resp = live_worker.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "status": "degraded",
        "database": "ok",
        "redis": "ok",
        "workers": "down",
        "scheduler": "down",
    }
    status = live_worker.test_cli_runner().invoke(args=["jobs", "status"])
    assert status.exit_code == 1  # for a cron check: no worker, no scheduler
    assert "workers: 0 alive" in status.output
    assert "scheduler: NONE" in status.output
