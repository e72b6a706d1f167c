"""Is an email written to the outbox actually delivered by a background job, and does a
failing delivery end visibly as failed rather than vanishing?

With REDIS_URL set the job runs in the real ``python -m worker`` process started by
conftest: a row that changes proves that process did the work.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from saas.services import mail
from tenants.context import tenant_scope
from tests.mailbox import last_to
from worker.queue import JobRequest, enqueue_after_commit

REDIS_MODE = bool(os.environ.get("REDIS_URL"))


def queue_welcome(agency_id: int, to: str) -> int:
    """Queue and commit a real email outside any request, as a job or a command would."""
    with tenant_scope(agency_id):
        message = mail.queue_email(
            to=to, template="welcome", name="Alpha Owner", agency_name="Alpha Agency"
        )
        db.session.commit()
        return message.id


def outbox_row(agency_id: int, message_id: int) -> OutboxMessage | None:
    db.session.expire_all()
    with tenant_scope(agency_id):
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))


def test_queued_email_is_delivered_by_the_job(db_app, alpha, run_jobs):
    message_id = queue_welcome(alpha.agency.id, "new.client@example.test")
    run_jobs()
    row = outbox_row(alpha.agency.id, message_id)
    # No SMTP in tests: the file transport delivers into the person's mailbox folder.
    assert (row.status, row.transport, row.attempts) == ("sent", "file", 1)
    assert row.sent_at is not None and row.last_error is None
    assert row.subject == "Welcome to Tandem, Alpha Owner"
    assert last_to("new.client@example.test").subject == "Welcome to Tandem, Alpha Owner"


@pytest.mark.skipif(REDIS_MODE, reason="changes the app's configuration in this process only")
def test_without_smtp_or_a_mail_folder_the_email_is_only_logged_never_its_body(
    db_app, alpha, run_jobs, monkeypatch, caplog
):
    monkeypatch.setitem(db_app.config, "MAIL_FILE_DIR", None)
    caplog.set_level("INFO", logger="saas.services.mail")
    message_id = queue_welcome(alpha.agency.id, "logged@example.test")
    run_jobs()
    row = outbox_row(alpha.agency.id, message_id)
    assert (row.status, row.transport) == ("sent", "log")
    assert "logged@example.test" in caplog.text
    assert "Three steps to a first plan review" not in caplog.text


def test_delivery_job_for_another_agency_cannot_reach_the_message(db_app, alpha, bravo, run_jobs):
    """A job runs in the scope it is given: Bravo's scope cannot find Alpha's message."""
    with tenant_scope(alpha.agency.id):
        message = OutboxMessage(
            kind="welcome", to_email="x@example.test", subject="Hi", body_text="Hi", status="queued"
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id
    enqueue_after_commit(db.session, "worker.jobs.email.deliver_email", message_id, bravo.agency.id)
    db.session.commit()
    run_jobs()
    row = outbox_row(alpha.agency.id, message_id)
    assert (row.status, row.attempts) == ("queued", 0)

    enqueue_after_commit(db.session, "worker.jobs.email.deliver_email", message_id, alpha.agency.id)
    db.session.commit()
    run_jobs()
    assert outbox_row(alpha.agency.id, message_id).status == "sent"


@pytest.fixture
def smtp_down(db_app, monkeypatch):
    """Every SMTP delivery fails (in this process only: eager mode)."""

    def refuse(email) -> None:  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError(f"[Errno 111] Connection refused ({email['To']})")

    monkeypatch.setitem(db_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(db_app.config, "MAIL_PORT", 1)
    monkeypatch.setattr(mail, "_send_smtp", refuse)


@pytest.mark.skipif(
    REDIS_MODE,
    reason="the failure is injected with monkeypatch, which cannot reach the worker process",
)
def test_failing_delivery_is_retried_then_marked_failed(db_app, alpha, smtp_down, run_jobs):
    message_id = queue_welcome(alpha.agency.id, "unreachable@example.test")
    run_jobs()
    row = outbox_row(alpha.agency.id, message_id)
    assert row.status == "failed"
    assert row.attempts == JobRequest.__dataclass_fields__["max_retries"].default + 1
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.sent_at is None and row.transport is None


@pytest.mark.skipif(
    REDIS_MODE,
    reason="the failure is injected with monkeypatch, which cannot reach the worker process",
)
def test_owner_sees_the_failed_email_in_the_outbox(db_app, alpha, bravo, smtp_down, login_as):
    message_id = queue_welcome(alpha.agency.id, "unreachable@example.test")
    client = login_as(alpha.owner)
    page = client.get("/settings/outbox")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "unreachable@example.test" in text
    assert "Failed" in text
    detail = client.get(f"/settings/outbox/{message_id}")
    assert detail.status_code == 200
    assert "ConnectionRefusedError" in detail.get_data(as_text=True)

    client = login_as(bravo.owner)
    assert "unreachable@example.test" not in client.get("/settings/outbox").get_data(as_text=True)


def test_email_queued_by_a_web_request_is_delivered(db_app, alpha, run_jobs):
    """A view queues an email and commits inside its request: the job must still deliver it."""
    with db_app.test_request_context("/"), tenant_scope(alpha.agency.id):
        message = mail.queue_email(
            to="from.a.view@example.test", template="welcome", name="A", agency_name="B"
        )
        db.session.commit()
        message_id = message.id
    run_jobs()
    row = outbox_row(alpha.agency.id, message_id)
    assert (row.status, row.attempts) == ("sent", 1)


def test_email_can_be_queued_outside_a_request(db_app, alpha):
    """Jobs and commands (reminders, scheduled reports) queue emails with no request."""
    with tenant_scope(alpha.agency.id):
        message = mail.queue_email(
            to="x@example.test", template="welcome", name="A", agency_name="B"
        )
    assert "http://tandem.test/" in message.body_text
