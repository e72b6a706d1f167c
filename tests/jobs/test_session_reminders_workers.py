"""Session reminders through the real queue: PostgreSQL, Redis, RQ's scheduler and TWO
``python -m worker`` processes.  Is a reminder moved by a reschedule, removed by a cancel,
and sent exactly once, even when stray and duplicate jobs for it run on both workers and
the catch-up races them?

The reminder offsets are shortened (``SESSION_REMINDER_OFFSETS``) so that a session booked
two minutes ahead has its "1h" reminder due within seconds; the "24h" one is then too late
and skipped, as at booking time in real life."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, SessionReminder
from saas.services.strategy_sessions import reminding
from tenants.context import tenant_scope
from tests.jobs.workers import wait_for
from tests.mailbox import inbox
from tests.sessions.conftest import sessions_path

OFFSETS = "24h=3600,1h=100"  # seconds before the start
GUEST = "cfo@client.example"
PEOPLE = ["leader@alpha.test", GUEST]


@pytest.fixture
def real_queue(database_url, redis_url, isolated_queue, db_app, monkeypatch):
    if not (redis_url and database_url.startswith("postgresql")):
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL: the real queue")
    monkeypatch.setitem(db_app.config, "SESSION_REMINDER_OFFSETS", OFFSETS)
    isolated_queue.env["SESSION_REMINDER_OFFSETS"] = OFFSETS
    isolated_queue.env["SESSION_REMINDERS_INTERVAL_SECONDS"] = "1"  # the catch-up races too
    return isolated_queue


def _at(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _book(api, world, title: str, starts: datetime) -> dict:
    resp = api(world.tokens["consultant"]).post(
        sessions_path(world.brand),
        json={
            "title": title,
            "kind": "strategy_workshop",
            "starts_at": _at(starts),
            "timezone": "UTC",
            "duration_minutes": 30,
            "attendees": [
                {"email": "leader@alpha.test", "role": "leader"},
                {"email": GUEST, "role": "guest"},
            ],
            "confirm_conflicts": True,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _rows(world, session_id: int) -> dict[tuple[str, str], SimpleNamespace]:
    """A snapshot of the session's reminder rows (plain values, not live objects)."""
    with tenant_scope(world.agency.id):
        found = list(
            db.session.scalars(
                select(SessionReminder)
                .where(SessionReminder.session_id == session_id)
                .execution_options(populate_existing=True)
            )
        )
        snapshot = {
            (r.email, r.kind): SimpleNamespace(
                **{c: getattr(r, c) for c in ("id", "agency_id", "due_at", "status", "job_id")},
                outbox_message_id=r.outbox_message_id,
            )
            for r in found
        }
        db.session.rollback()
    return snapshot


def _reminders_about(world, title: str) -> list[OutboxMessage]:
    with tenant_scope(world.agency.id):
        found = list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "session_reminder")
                .execution_options(populate_existing=True)
            )
        )
        db.session.rollback()
    return [m for m in found if title in m.subject]


def test_two_workers_send_each_moved_reminder_once_and_none_for_a_cancelled_session(
    alpha, api, real_queue
):
    iso = real_queue
    first, first_name = iso.start_worker("a")
    second, second_name = iso.start_worker("b")
    iso.wait_until_listening(first_name, first)
    iso.wait_until_listening(second_name, second)

    now = datetime.now(UTC)
    moved = _book(api, alpha, "Moved workshop", now + timedelta(seconds=115))
    gone = _book(api, alpha, "Cancelled workshop", now + timedelta(seconds=115))
    before = _rows(alpha, moved["id"])
    old = before[("leader@alpha.test", "1h")]
    assert before[("leader@alpha.test", "24h")].status == "skipped"  # too late at booking

    new_start = now + timedelta(seconds=125)
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{moved['id']}",
        json={"starts_at": _at(new_start), "confirm_conflicts": True},
    )
    assert resp.status_code == 200, resp.get_json()
    cancelled = api(alpha.tokens["consultant"]).post(f"/api/v1/sessions/{gone['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.get_json()

    after = _rows(alpha, moved["id"])
    for email in PEOPLE:
        row = after[(email, "1h")]
        assert row.status == "scheduled" and row.due_at > before[(email, "1h")].due_at
    assert {r.status for r in _rows(alpha, gone["id"]).values()} <= {"cancelled", "skipped"}

    # What a cancel that did not reach Redis, and a second booking of the same reminder,
    # would leave: a stray job at the old time, and duplicates at the new one.
    queue = iso.app.extensions["tandem_jobs"].queue
    for email in PEOPLE:
        stale, fresh = before[(email, "1h")], after[(email, "1h")]
        queue.enqueue_at(
            stale.due_at.replace(tzinfo=UTC),
            reminding.JOB,
            stale.id,
            stale.agency_id,
            stale.due_at.isoformat(),
            job_id=f"stray-{stale.id}",
        )
        for copy in ("x", "y"):
            queue.enqueue_at(
                fresh.due_at.replace(tzinfo=UTC),
                reminding.JOB,
                fresh.id,
                fresh.agency_id,
                fresh.due_at.isoformat(),
                job_id=f"dup-{fresh.id}-{copy}",  # adjacent: both workers at once
            )
    assert old.job_id not in {j for j in queue.scheduled_job_registry.get_job_ids()}

    def all_sent() -> bool:
        rows = _rows(alpha, moved["id"])
        return all(rows[(e, "1h")].status == "sent" for e in PEOPLE)

    wait_for("the moved reminders to be sent", all_sent, 90, every=0.5)
    # Let every stray, duplicate and catch-up run finish, and the emails be delivered.
    wait_for(
        "the scheduled jobs to drain",
        lambda: queue.scheduled_job_registry.count == 0 and queue.count == 0,
        60,
        every=0.5,
    )
    time.sleep(3)
    for email in PEOPLE:
        about = [m for m in _reminders_about(alpha, "Moved workshop") if m.to_email == email]
        assert len(about) == 1, (email, about)
        delivered = [
            m for m in inbox(email, wait_for=1) if m.subject.startswith("In one hour: Moved")
        ]
        assert len(delivered) == 1, (email, [m.subject for m in inbox(email)])
    assert _reminders_about(alpha, "Cancelled workshop") == []
    assert not [
        m
        for e in PEOPLE
        for m in inbox(e)
        if "Cancelled workshop" in m.subject and m.subject.startswith(("In one hour", "Tomorrow"))
    ]
    final = _rows(alpha, moved["id"])
    assert {final[(e, "1h")].outbox_message_id is not None for e in PEOPLE} == {True}
