"""Is work whose job was lost (Redis restarted, enqueue failed) still done by the sweep?"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from saas.models.reports import Report
from saas.services import reports
from tenants.context import tenant_scope
from tenants.models import utcnow
from worker import sweeper
from worker.queue import enqueue_after_commit


def lost_message(agency_id: int, *, age: timedelta, status: str = "queued") -> int:
    """An outbox row with no job behind it, as Redis would leave it after losing the job."""
    with tenant_scope(agency_id):
        message = OutboxMessage(
            kind="welcome",
            to_email="lost@example.test",
            subject="Hello",
            body_text="Hello",
            status=status,
            created_at=utcnow() - age,
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def status_of(agency_id: int, message_id: int) -> tuple[str, int]:
    db.session.expire_all()
    with tenant_scope(agency_id):
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
        return row.status, row.attempts


def test_sweep_delivers_stale_messages_of_every_agency(db_app, alpha, bravo, run_jobs):
    stale_alpha = lost_message(alpha.agency.id, age=timedelta(hours=1))
    stale_bravo = lost_message(bravo.agency.id, age=timedelta(hours=1), status="sending")
    fresh = lost_message(alpha.agency.id, age=timedelta(seconds=5))

    enqueue_after_commit(db.session, "worker.sweeper.sweep")
    db.session.commit()
    run_jobs()

    assert status_of(alpha.agency.id, stale_alpha) == ("sent", 1)
    assert status_of(bravo.agency.id, stale_bravo) == ("sent", 1)
    # A message queued a moment ago may still have its job on the way: left alone.
    assert status_of(alpha.agency.id, fresh) == ("queued", 0)


def test_sweep_renders_a_report_whose_job_was_lost(db_app, alpha, run_jobs, monkeypatch):
    """A report requested while Redis was away stays "queued, attempts 0": the sweep
    job enqueues it again and it renders (it used to wait for a sweep that never came)."""
    with monkeypatch.context() as patch, tenant_scope(alpha.agency.id):
        patch.setattr(reports, "_enqueue", lambda report: None)
        report, _ = reports.request_report(
            db.session.merge(alpha.brand),
            db.session.merge(alpha.consultant),
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=["summary"],
        )
        report.created_at = report.deadline_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        report_id = report.id

    enqueue_after_commit(db.session, "worker.sweeper.sweep")
    db.session.commit()
    run_jobs(timeout=120)  # the sweep, then the render it enqueued

    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        assert (row.status, row.attempts) == ("ready", 1), row.error


def test_sweep_counts_every_registered_kind(db_app):
    from saas.services import recovery

    counts = sweeper.sweep()
    assert list(counts) == [kind.name for kind in recovery.kinds()]
    assert set(counts) >= {"emails", "reports", "reminders", "report_schedules"}
    assert set(counts.values()) == {0}


def test_a_report_whose_job_is_gone_is_requeued_after_a_minute_not_ten(
    db_app, alpha, redis_url, run_jobs, monkeypatch
):
    """With Redis to ask, a queued report whose job Redis does not have waits one minute
    (its enqueue may be on the way), not the ten minutes of stale emails."""
    with monkeypatch.context() as patch, tenant_scope(alpha.agency.id):
        patch.setattr(reports, "_enqueue", lambda report: None)
        report, _ = reports.request_report(
            db.session.merge(alpha.brand),
            db.session.merge(alpha.consultant),
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=["summary"],
        )
        report.job_id = "lost-in-a-redis-restart"
        db.session.commit()
    assert reports.requeue_stuck(older_than_minutes=10, now=utcnow() + timedelta(seconds=30)) == 0
    later = utcnow() + timedelta(seconds=90)
    # Without Redis nothing can tell the job is gone: the row waits for the grace and deadline.
    assert reports.requeue_stuck(older_than_minutes=10, now=later) == (1 if redis_url else 0)
    run_jobs(timeout=120)
