"""Does ``flask jobs requeue-stale`` get every kind of stuck work done (emails, reports,
reminders, scheduled reports), and is it safe to run again, from cron, at any moment?

Runs with eager jobs (SQLite) and with the session's real worker process (PostgreSQL and
Redis), where "the job was lost" is a row whose job Redis does not have.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import AuditEvent, BillingEvent, OutboxMessage, Plan
from saas.models.reports import Report, ReportSchedule
from saas.services import reports as report_service
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow

HOUR_AGO = timedelta(hours=1)


def _lost_email(world) -> int:
    """An outbox row whose delivery job Redis lost an hour ago."""
    with tenant_scope(world.agency.id):
        message = OutboxMessage(
            kind="welcome",
            to_email="lost.in.redis@example.test",
            subject="Welcome",
            body_text="Hello",
            status="queued",
            created_at=utcnow() - HOUR_AGO,
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def _lost_report(world, monkeypatch) -> int:
    """A report requested an hour ago whose render job was never enqueued (or was lost)."""
    with monkeypatch.context() as patch, tenant_scope(world.agency.id):
        patch.setattr(report_service, "_enqueue", lambda report: None)
        report, _ = report_service.request_report(
            db.session.merge(world.brand),
            db.session.merge(world.consultant),
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=["summary"],
        )
        report.job_id = uuid.uuid4().hex  # a job nobody has any more
        report.created_at = utcnow() - HOUR_AGO
        report.deadline_at = utcnow() - HOUR_AGO
        db.session.commit()
        return report.id


def _overdue_schedule(world) -> int:
    """A monthly schedule whose run was due long ago (the daily run was lost)."""
    with tenant_scope(world.agency.id):
        schedule = ReportSchedule(
            brand_id=world.brand.id,
            frequency="monthly",
            locale="en",
            sections=["summary"],
            recipient_ids=[world.leader.id],
            hold_for_review=False,
            next_run_on=date(2020, 1, 1),
            active=True,
            created_by_id=world.consultant.user_id,
        )
        db.session.add(schedule)
        db.session.commit()
        return schedule.id


def _waiting_plan(world) -> int:
    """A plan waiting for review for ten days: both reminders are overdue."""
    with tenant_scope(world.agency.id):
        plan = Plan(
            brand_id=world.brand.id,
            title="Summer launch",
            period_start=date(2026, 6, 1),
            period_end=date(2026, 8, 31),
            status="submitted",
            submitted_at=utcnow() - timedelta(days=10),
            created_by_id=world.team.user_id,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def _lost_stripe_event() -> int:
    """A webhook event stored an hour ago whose apply job was lost (a type Tandem ignores,
    so applying it needs no agency)."""
    event = BillingEvent(
        stripe_event_id="evt_lost_in_redis",
        type="customer.created",
        stripe_created=int((utcnow() - HOUR_AGO).timestamp()),
        payload={"id": "evt_lost_in_redis", "type": "customer.created", "data": {"object": {}}},
        status="received",
        received_at=utcnow() - HOUR_AGO,
    )
    db.session.add(event)
    db.session.commit()
    return event.id


def _stripe_event_status(event_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(BillingEvent.status).where(BillingEvent.id == event_id))


def _counts(output: str) -> dict[str, int]:
    return {
        label: int(n) for n, label in re.findall(r"Re-enqueued (\d+) stale (.+?)\.$", output, re.M)
    }


def _state(world, email_id: int, report_id: int, schedule_id: int, plan_id: int) -> dict:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == email_id))
        report = db.session.scalar(select(Report).where(Report.id == report_id))
        scheduled = db.session.scalars(
            select(Report.status).where(Report.schedule_id == schedule_id)
        ).all()
        return {
            "email": (email.status, email.attempts),
            "report": (report.status, report.attempts),
            "scheduled reports": list(scheduled),
            "reminders sent": db.session.scalar(
                select(Plan.reminders_sent).where(Plan.id == plan_id)
            ),
            "reminder emails": db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "review_reminder")
            ),
            "renders finished": db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "report.ready", AuditEvent.object_id == report_id)
            ),
        }


@pytest.fixture
def stuck(alpha, monkeypatch):
    return (
        _lost_email(alpha),
        _lost_report(alpha, monkeypatch),
        _overdue_schedule(alpha),
        _waiting_plan(alpha),
        _lost_stripe_event(),
    )


DONE = {
    "email": ("sent", 1),
    "report": ("ready", 1),
    "scheduled reports": ["ready"],
    "reminders sent": 2,
    "reminder emails": 2,
    "renders finished": 1,
}


def test_requeue_stale_gets_every_kind_of_stuck_work_done(db_app, alpha, stuck, run_jobs):
    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale"])
    run_jobs(timeout=120)

    assert result.exit_code == 0, result.output
    assert _counts(result.output) == {
        "email(s)": 1,
        "report(s)": 1,
        "reminder email(s)": 2,
        "scheduled report(s)": 1,
        "Stripe event(s)": 1,
        "session reminder(s)": 0,
        "export(s)": 0,
    }
    assert _state(alpha, *stuck[:4]) == DONE
    assert _stripe_event_status(stuck[4]) == "ignored"


def test_requeue_stale_run_again_finds_nothing_and_sends_nothing(db_app, alpha, stuck, run_jobs):
    """What cron does: run, let the work happen, run again."""
    runner = db_app.test_cli_runner()
    runner.invoke(args=["jobs", "requeue-stale"])
    run_jobs(timeout=120)
    again = runner.invoke(args=["jobs", "requeue-stale"])
    run_jobs(timeout=120)

    assert again.exit_code == 0, again.output
    assert set(_counts(again.output).values()) == {0}
    assert _state(alpha, *stuck[:4]) == DONE


def test_requeue_stale_twice_at_once_does_the_work_once(db_app, alpha, stuck, run_jobs):
    """Cron and the sweeper at the same moment, before any job has run: the second run may
    enqueue the email again, but nothing is delivered, rendered or reminded twice."""
    runner = db_app.test_cli_runner()
    first = runner.invoke(args=["jobs", "requeue-stale"])
    second = runner.invoke(args=["jobs", "requeue-stale"])
    run_jobs(timeout=120)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert _counts(second.output)["report(s)"] == 0  # its new job is on the way
    assert _counts(second.output)["scheduled report(s)"] == 0
    assert _state(alpha, *stuck[:4]) == DONE


def test_fresh_and_finished_work_is_left_alone(db_app, alpha, run_jobs):
    with tenant_scope(alpha.agency.id):
        db.session.add_all(
            [
                OutboxMessage(
                    kind="welcome", to_email="x@example.test", subject="s", body_text="b"
                ),
                OutboxMessage(
                    kind="welcome",
                    to_email="y@example.test",
                    subject="s",
                    body_text="b",
                    status="sent",
                    attempts=1,
                    created_at=utcnow() - HOUR_AGO,
                ),
            ]
        )
        db.session.commit()
    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale"])
    assert result.exit_code == 0, result.output
    assert set(_counts(result.output).values()) == {0}
    with system_scope():
        rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert sorted(rows) == [("queued", 0), ("sent", 1)]


def test_a_registered_kind_is_run_and_a_failing_kind_is_reported(db_app, monkeypatch):
    """Later features register their own kinds; one that fails does not hide the others."""
    from saas.services import recovery

    calls: list[float] = []

    def invoices(older_than_minutes: float) -> int:
        calls.append(older_than_minutes)
        return 3

    def broken(older_than_minutes: float) -> int:
        raise RuntimeError("the invoice service is down")

    kinds = dict(recovery._KINDS)
    monkeypatch.setattr(recovery, "_KINDS", kinds)
    recovery.register("invoices", invoices, label="invoice(s)")
    assert recovery.requeue_all(older_than_minutes=7)["invoices"] == 3
    assert calls == [7]

    recovery.register("webhooks", broken, label="webhook(s)")
    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale", "--minutes", "5"])
    assert result.exit_code == 1
    assert "Re-enqueued 3 stale invoice(s)." in result.output
    assert "Re-enqueued 0 stale report(s)." in result.output
    assert "FAILED webhook(s): RuntimeError: the invoice service is down" in result.output
    assert calls == [7, 5]
