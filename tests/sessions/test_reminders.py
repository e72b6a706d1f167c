"""Reminders 24 hours and 1 hour before a session, through the API and the real job:
is each attendee reminded once, at the right time, never at booking time, never twice, and
does a reschedule or a cancellation move or remove what was planned?

The job is fired by hand with the clock set to its time (``fire``), as the scheduler would;
in eager mode ``worker.queue.run_due`` fires what the queue itself holds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import g, render_template
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, SessionReminder, User
from saas.services.strategy_sessions import reminding
from saas.web.sessions import reminders as reminders_panel
from tenants.context import system_scope, tenant_scope
from tests.mailbox import inbox
from tests.sessions.conftest import sessions_path
from worker import queue as jobs_queue
from worker.jobs.session_reminders import send_session_reminder

GUEST = "cfo@client.example"


@pytest.fixture(autouse=True)
def _no_leftover_scheduled_jobs(db_app):
    """The eager queue lives as long as the app: start each test with nothing scheduled."""
    backend = db_app.extensions["tandem_jobs"]
    if isinstance(backend, jobs_queue.EagerJobs):
        backend.scheduled.clear()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, second=0)


def _local(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def book(api, world, starts: datetime, attendees=None):
    resp = api(world.tokens["consultant"]).post(
        sessions_path(world.brand),
        json={
            "title": "Quarterly review",
            "kind": "quarterly_business_review",
            "starts_at": _local(starts),
            "timezone": "UTC",
            "duration_minutes": 60,
            "location": "https://meet.example/qbr",
            "attendees": attendees
            or [
                {"email": "leader@alpha.test", "role": "leader"},
                {"email": GUEST, "role": "guest", "name": "The CFO"},
            ],
            "confirm_conflicts": True,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def rows(world) -> dict[tuple[str, str], SessionReminder]:
    with tenant_scope(world.agency.id):
        found = list(
            db.session.scalars(select(SessionReminder).execution_options(populate_existing=True))
        )
        for r in found:
            db.session.expunge(r)
    return {(r.email, r.kind): r for r in found}


def reminder_emails(world) -> list[OutboxMessage]:
    with tenant_scope(world.agency.id):
        found = list(
            db.session.scalars(
                select(OutboxMessage)
                .execution_options(populate_existing=True)
                .where(OutboxMessage.kind == "session_reminder")
                .order_by(OutboxMessage.id)
            )
        )
        for m in found:
            db.session.expunge(m)
    return found


def scheduled_job_ids(app) -> set[str]:
    backend = app.extensions["tandem_jobs"]
    if isinstance(backend, jobs_queue.EagerJobs):
        return set(backend.scheduled)
    if isinstance(backend, jobs_queue.RedisJobs):
        from rq.registry import ScheduledJobRegistry

        return set(ScheduledJobRegistry(queue=backend.queue).get_job_ids())
    return set()


def reminders_in(messages):
    """Only the reminders (invitations go to the same people)."""
    return [m for m in messages if m.subject.startswith(("In one hour:", "Tomorrow:"))]


def fire(monkeypatch, row: SessionReminder, at: datetime, due: datetime | None = None) -> str:
    """Run the reminder's job as the scheduler would at ``at`` (naive UTC)."""
    monkeypatch.setattr(reminding, "utcnow", lambda: at)
    due = due or row.due_at
    return send_session_reminder(row.id, row.agency_id, due.isoformat())


def test_booking_three_days_ahead_plans_two_reminders_per_attendee(alpha, api, db_app):
    starts = _now() + timedelta(days=3)
    book(api, alpha, starts)
    got = rows(alpha)
    naive = starts.replace(tzinfo=None)
    assert sorted(got) == [
        (GUEST, "1h"),
        (GUEST, "24h"),
        ("leader@alpha.test", "1h"),
        ("leader@alpha.test", "24h"),
    ]
    for (_email, kind), row in got.items():
        assert row.status == "scheduled" and row.reason is None
        assert row.due_at == naive - (timedelta(hours=24) if kind == "24h" else timedelta(hours=1))
        assert row.job_id == reminding.job_id_for(row.id, row.due_at)
    assert got[("leader@alpha.test", "1h")].user_id == alpha.leader.user_id
    assert {r.job_id for r in got.values()} <= scheduled_job_ids(db_app)
    assert reminder_emails(alpha) == []  # nothing at booking time


def test_booking_two_hours_ahead_skips_the_24h_with_a_reason(alpha, api, db_app, monkeypatch):
    starts = _now() + timedelta(hours=2)
    book(api, alpha, starts)
    got = rows(alpha)
    day = got[("leader@alpha.test", "24h")]
    assert day.status == "skipped" and day.job_id is None
    assert reminding.reason_text(day.reason, "24h") == (
        "Booked less than 24 hours ahead: too late for this reminder."
    )
    hour = got[("leader@alpha.test", "1h")]
    assert hour.status == "scheduled" and hour.due_at == starts.replace(tzinfo=None) - timedelta(
        hours=1
    )
    assert day.job_id not in scheduled_job_ids(db_app)
    assert reminder_emails(alpha) == []
    # Firing the skipped one (had it been booked) sends nothing either.
    assert fire(monkeypatch, day, day.due_at) == "stale"
    assert reminder_emails(alpha) == []


def test_rescheduling_moves_the_reminders_and_the_old_job_does_nothing(
    alpha, api, db_app, monkeypatch, run_jobs
):
    starts = _now() + timedelta(days=3)
    created = book(api, alpha, starts)
    old = rows(alpha)[("leader@alpha.test", "1h")]
    later = starts + timedelta(days=1, hours=2)
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{created['id']}",
        json={"starts_at": _local(later), "confirm_conflicts": True},
    )
    assert resp.status_code == 200, resp.get_json()
    moved = rows(alpha)[("leader@alpha.test", "1h")]
    assert moved.id == old.id and moved.status == "scheduled"
    assert moved.due_at == later.replace(tzinfo=None) - timedelta(hours=1)
    assert moved.job_id != old.job_id
    ids = scheduled_job_ids(db_app)
    assert moved.job_id in ids and old.job_id not in ids  # the old booking was cancelled

    # The old job, had it fired anyway at its time, finds another due time: nothing sent.
    assert fire(monkeypatch, old, old.due_at, due=old.due_at) == "stale"
    assert reminder_emails(alpha) == []

    # At the new time the new job sends it.
    assert fire(monkeypatch, moved, moved.due_at) == "sent"
    run_jobs()
    (sent,) = reminder_emails(alpha)
    assert sent.to_email == "leader@alpha.test"
    after = rows(alpha)[("leader@alpha.test", "1h")]
    assert after.status == "sent" and after.outbox_message_id == sent.id and after.sent_at


def test_eager_queue_fires_due_scheduled_jobs_only(alpha, api, db_app, monkeypatch):
    if not isinstance(db_app.extensions["tandem_jobs"], jobs_queue.EagerJobs):
        pytest.skip("the eager queue's own scheduling")
    starts = _now() + timedelta(days=3)
    book(api, alpha, starts)
    hour = rows(alpha)[("leader@alpha.test", "1h")]
    monkeypatch.setattr(reminding, "utcnow", lambda: hour.due_at)
    assert jobs_queue.run_due(datetime.now(UTC)) == []  # nothing due yet
    ran = jobs_queue.run_due(hour.due_at.replace(tzinfo=UTC))
    assert set(ran) == {r.job_id for k, r in rows(alpha).items() if k[1] == "24h"} | {
        r.job_id for k, r in rows(alpha).items() if k[1] == "1h"
    }
    statuses = {k: r.status for k, r in rows(alpha).items()}
    # The 24h ones are two days late by then: missed, never sent after their grace.
    assert statuses[("leader@alpha.test", "24h")] == "skipped"
    assert statuses[("leader@alpha.test", "1h")] == "sent"
    assert len(reminder_emails(alpha)) == 2  # the 1h reminder of each attendee


def test_cancelling_cancels_the_reminders_and_their_jobs(alpha, api, db_app, monkeypatch):
    starts = _now() + timedelta(days=3)
    created = book(api, alpha, starts)
    before = rows(alpha)
    resp = api(alpha.tokens["consultant"]).post(f"/api/v1/sessions/{created['id']}/cancel")
    assert resp.status_code == 200, resp.get_json()
    after = rows(alpha)
    assert {r.status for r in after.values()} == {"cancelled"}
    assert {r.reason for r in after.values()} == {reminding.SESSION_CANCELLED}
    assert not ({r.job_id for r in before.values()} & scheduled_job_ids(db_app))
    row = before[(GUEST, "1h")]
    assert fire(monkeypatch, row, row.due_at) == "stale"
    assert reminder_emails(alpha) == []


def test_firing_the_same_job_twice_sends_one_email_on_the_readers_clock(
    alpha, api, db_app, monkeypatch, run_jobs
):
    with system_scope():
        leader = db.session.get(User, alpha.leader.user_id)
        leader.timezone = "America/New_York"
        db.session.commit()
    starts = datetime(2027, 1, 12, 15, 0, tzinfo=UTC)  # 10:00 in New York (UTC−05:00)
    monkeypatch.setattr(
        "saas.services.strategy_sessions.scheduling._now", lambda now: starts - timedelta(days=3)
    )
    book(api, alpha, starts)
    row = rows(alpha)[("leader@alpha.test", "1h")]
    assert fire(monkeypatch, row, row.due_at) == "sent"
    assert fire(monkeypatch, row, row.due_at) == "stale"
    guest_row = rows(alpha)[(GUEST, "1h")]
    assert fire(monkeypatch, guest_row, guest_row.due_at + timedelta(seconds=30)) == "sent"
    run_jobs()
    emails = reminder_emails(alpha)
    assert sorted(m.to_email for m in emails) == [GUEST, "leader@alpha.test"]
    everything = inbox("leader@alpha.test", wait_for=2)
    mine = reminders_in(everything)
    assert len(mine) == 1
    assert mine[0].subject == "In one hour: Quarterly review"
    assert "10:00–11:00" in mine[0].text and "New York" in mine[0].text
    theirs = reminders_in(inbox(GUEST, wait_for=2))
    assert len(theirs) == 1
    assert "15:00–16:00" in theirs[0].text and "UTC" in theirs[0].text  # organiser's zone, UTC


def test_removed_attendees_lose_their_reminders_and_added_ones_get_them(alpha, api, monkeypatch):
    starts = _now() + timedelta(days=3)
    created = book(api, alpha, starts)
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{created['id']}",
        json={
            "attendees": [
                {"email": "leader@alpha.test", "role": "leader"},
                {"email": "team@alpha.test", "role": "senior_social"},
            ],
            "confirm_conflicts": True,
        },
    )
    assert resp.status_code == 200, resp.get_json()
    got = rows(alpha)
    assert {got[(GUEST, k)].status for k in ("24h", "1h")} == {"cancelled"}
    assert got[(GUEST, "1h")].reason == reminding.ATTENDEE_REMOVED
    assert {got[("team@alpha.test", k)].status for k in ("24h", "1h")} == {"scheduled"}
    assert {got[("leader@alpha.test", k)].status for k in ("24h", "1h")} == {"scheduled"}
    removed = got[(GUEST, "1h")]
    assert fire(monkeypatch, removed, removed.due_at) == "stale"
    assert reminder_emails(alpha) == []


def test_catch_up_sends_a_lost_reminder_within_the_grace_and_skips_it_beyond(
    alpha, api, db_app, monkeypatch
):
    starts = _now() + timedelta(days=3)
    book(api, alpha, starts, attendees=[{"email": "leader@alpha.test", "role": "leader"}])
    backend = db_app.extensions["tandem_jobs"]
    if isinstance(backend, jobs_queue.EagerJobs):
        backend.scheduled.clear()  # the jobs were lost (a restart, Redis emptied)
    day = rows(alpha)[("leader@alpha.test", "24h")]
    monkeypatch.setattr(reminding, "utcnow", lambda: day.due_at + timedelta(minutes=5))
    assert reminding.send_due() == {"sent": 1}
    assert rows(alpha)[("leader@alpha.test", "24h")].status == "sent"
    hour = rows(alpha)[("leader@alpha.test", "1h")]
    late = hour.due_at + timedelta(minutes=45)
    monkeypatch.setattr(reminding, "utcnow", lambda: late)
    assert reminding.send_due() == {"skipped": 1}
    missed = rows(alpha)[("leader@alpha.test", "1h")]
    assert missed.status == "skipped" and missed.reason == reminding.MISSED
    assert len(reminder_emails(alpha)) == 1
    assert reminding.send_due() == {}  # nothing left: a second run sends nothing


def test_the_panel_shows_staff_each_reminder_and_hides_from_clients(alpha, api, db_app):
    starts = _now() + timedelta(hours=2)
    created = book(api, alpha, starts)
    with tenant_scope(alpha.agency.id):
        from saas.models import Brand, StrategySession

        session = db.session.get(StrategySession, created["id"])
        brand = db.session.get(Brand, alpha.brand.id)
        with db_app.test_request_context("/"):
            g.membership = alpha.consultant
            context = reminders_panel.panel(session, brand)
            html = render_template("sessions/_reminders.html", **context)
            g.membership = alpha.leader
            hidden = render_template(
                "sessions/_reminders.html", **reminders_panel.panel(session, brand)
            )
    assert context["reminders_visible"] is True
    assert [p["email"] for p in context["reminder_rows"]] == [GUEST, "leader@alpha.test"]
    assert "Skipped" in html and "Booked less than 24 hours ahead" in html
    assert "Scheduled" in html and "The CFO" in html
    assert "Reminders" not in hidden and GUEST not in hidden


def test_the_in_process_worker_fires_a_scheduled_job_at_its_time_and_not_a_cancelled_one(
    db_app, tmp_path
):
    """The embedded default (thread mode) has no RQ scheduler: its own timer fires them."""
    backend = jobs_queue.ThreadJobs(db_app, catch_up=())
    soon, cancelled = tmp_path / "soon", tmp_path / "cancelled"
    at = datetime.now(UTC) + timedelta(seconds=0.6)
    for path, job_id in ((soon, "soon"), (cancelled, "cancelled")):
        backend.submit(
            jobs_queue.JobRequest("tests.jobs.helpers.touch", (str(path),), job_id, at=at)
        )
    backend.cancel("cancelled")
    time.sleep(0.3)
    assert not soon.exists()  # not at booking time
    deadline = time.monotonic() + 5
    while not soon.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    backend.join()
    assert soon.read_text() == "ran"
    assert not cancelled.exists()


def test_a_reminder_that_cannot_be_prepared_is_recorded_as_failed_with_the_reason(
    alpha, api, monkeypatch
):
    starts = _now() + timedelta(days=3)
    book(api, alpha, starts, attendees=[{"email": "leader@alpha.test", "role": "leader"}])
    row = rows(alpha)[("leader@alpha.test", "24h")]

    def broken(**_kw):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(reminding, "queue_email", broken)
    assert fire(monkeypatch, row, row.due_at) == "failed"
    failed = rows(alpha)[("leader@alpha.test", "24h")]
    assert failed.status == "failed" and failed.outbox_message_id is None
    assert reminding.reason_text(failed.reason, "24h") == (
        "The email could not be prepared (RuntimeError)."
    )
    assert fire(monkeypatch, row, row.due_at) == "stale"  # not retried into a second email
    assert reminder_emails(alpha) == []


def test_a_sent_reminder_comes_again_only_for_a_new_time_still_ahead(alpha, api, monkeypatch):
    starts = _now() + timedelta(days=3)
    created = book(api, alpha, starts, attendees=[{"email": "leader@alpha.test", "role": "leader"}])
    day = rows(alpha)[("leader@alpha.test", "24h")]
    assert fire(monkeypatch, day, day.due_at) == "sent"
    monkeypatch.undo()
    patch = api(alpha.tokens["consultant"]).patch
    path = f"/api/v1/sessions/{created['id']}"

    later = starts + timedelta(days=2)
    assert (
        patch(path, json={"starts_at": _local(later), "confirm_conflicts": True}).status_code == 200
    )
    again = rows(alpha)[("leader@alpha.test", "24h")]
    assert again.status == "scheduled" and again.due_at == later.replace(tzinfo=None) - timedelta(
        hours=24
    )

    soon = _now() + timedelta(hours=3)
    assert (
        patch(path, json={"starts_at": _local(soon), "confirm_conflicts": True}).status_code == 200
    )
    moved = rows(alpha)
    assert moved[("leader@alpha.test", "24h")].status == "skipped"
    assert reminding.reason_text(moved[("leader@alpha.test", "24h")].reason, "24h") == (
        "Moved to less than 24 hours ahead: too late for this reminder."
    )
    assert moved[("leader@alpha.test", "1h")].status == "scheduled"
    assert len(reminder_emails(alpha)) == 1  # the one sent before the moves, nothing more
