"""One transaction per request or job (``saas.transactions``), proven through HTTP and the queue.

A request commits once, before its response leaves, when it answers below 400 and no use
case failed in it; otherwise nothing of it stays.  An audit row commits with the change it
records.  Only ``commit_now`` commits early: a failed sign-in's record, a delivery's status.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import request_finished
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

import worker.pdf
from saas.extensions import db
from saas.models import Agency, AuditEvent, Goal, OneTimeToken, OutboxMessage, Plan, PlanRevision
from saas.models.reports import Report
from saas.models.reviews import Review
from saas.services import agency as agency_service
from saas.services import audit, mail, plan_csv
from saas.services import reports as reports_service
from saas.services import reviews as reviews_service
from saas.services.errors import Conflict, ValidationFailed
from saas.services.reports import rendering
from saas.transactions import commit_now
from tenants.context import tenant_scope
from tests.calendar.conftest import make_plan
from tests.reviews.conftest import Persisted
from worker.jobs.reports import render_report
from worker.queue import enqueue_now
from worker.runtime import job_context

ROOT = Path(__file__).resolve().parent.parent
FORM = {"name": "Alpha Renamed", "accent_color": "#123456", "default_locale": "en"}


def _agency_name(agency_id: int) -> str:
    """Read what is committed, on a connection of its own (no session, no identity map)."""
    table = Agency.__table__
    with db.engine.connect() as conn:
        return conn.execute(select(table.c.name).where(table.c.id == agency_id)).scalar_one()


def _audit_count(agency_id: int, action: str) -> int:
    table = AuditEvent.__table__
    with db.engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(table)
            .where(table.c.agency_id == agency_id, table.c.action == action)
        ).scalar_one()


def _committed(table, *where) -> int:
    """How many rows of ``table`` match ``where`` in what is committed (a connection of its own)."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _committed_value(column, *where):
    with db.engine.connect() as conn:
        return conn.execute(select(column).where(*where)).scalar_one()


def _fail_on(monkeypatch, action: str, error: Exception) -> None:
    """The use case fails right after adding its audit row ``action`` (as a late check would):
    the change and its audit row are both flushed into the transaction by then."""
    record = audit.record

    def record_then_fail(name, *args, **kwargs):
        event = record(name, *args, **kwargs)
        if name == action:
            db.session.flush()
            raise error
        return event

    monkeypatch.setattr(audit, "record", record_then_fail)


def _fail_after_audit(monkeypatch, error: Exception) -> None:
    _fail_on(monkeypatch, "agency.updated", error)


@contextmanager
def _counting_commits() -> Iterator[list[int]]:
    """``with _counting_commits() as n:`` then ``n[0]`` is how many commits this session made
    (not the e-mail jobs that run in-process after it, each in a session of its own)."""
    seen = [0]
    ours = db.session()

    def after_commit(session):
        seen[0] += session is ours

    event.listen(Session, "after_commit", after_commit)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", after_commit)


def test_a_redirect_after_a_post_is_committed_before_the_response_leaves(login_as, alpha):
    """Does the page the browser follows the redirect to see the change at once?"""
    client = login_as(alpha.owner)
    seen: list[str] = []

    def before_teardown(sender, response, **_extra):
        seen.append(_agency_name(alpha.agency.id))

    # request_finished is sent once the response is final, before teardown runs.
    request_finished.connect(before_teardown, client.application)
    try:
        resp = client.post("/settings/", data=FORM)
    finally:
        request_finished.disconnect(before_teardown, client.application)
    assert resp.status_code == 302
    assert seen == ["Alpha Renamed"]
    assert _audit_count(alpha.agency.id, "agency.updated") == 1


def test_an_audit_row_is_committed_in_the_same_transaction_as_its_change(login_as, alpha):
    client = login_as(alpha.owner)
    flushed: list[set[str]] = [set()]

    def after_flush(session, _context):
        for obj in (*session.new, *session.dirty):
            flushed[-1].add(type(obj).__name__)

    def after_commit(_session):
        flushed.append(set())

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "after_commit", after_commit)
    try:
        assert client.post("/settings/", data=FORM).status_code == 302
    finally:
        event.remove(Session, "after_flush", after_flush)
        event.remove(Session, "after_commit", after_commit)
    with_audit = [names for names in flushed if "AuditEvent" in names]
    assert with_audit == [{"Agency", "AuditEvent"}]


def test_a_use_case_that_fails_after_writing_leaves_nothing_though_the_page_is_200(
    login_as, alpha, monkeypatch
):
    """The view shows the form again (200), but the failed use case's rows must not stay."""
    client = login_as(alpha.owner)
    _fail_after_audit(monkeypatch, ValidationFailed("Late refusal.", {"name": "Late refusal."}))
    resp = client.post("/settings/", data=FORM)
    assert resp.status_code == 200
    assert "Late refusal." in resp.get_data(as_text=True)
    assert _agency_name(alpha.agency.id) == "Alpha Agency"
    assert _audit_count(alpha.agency.id, "agency.updated") == 0


def test_an_exception_after_the_audit_row_keeps_neither_row(login_as, alpha, monkeypatch):
    client = login_as(alpha.owner)
    _fail_after_audit(monkeypatch, RuntimeError("the disk is full"))
    monkeypatch.setitem(client.application.config, "PROPAGATE_UNEXPECTED", False)
    assert client.post("/settings/", data=FORM).status_code == 500
    assert _agency_name(alpha.agency.id) == "Alpha Agency"
    assert _audit_count(alpha.agency.id, "agency.updated") == 0


def test_a_form_error_answer_keeps_nothing_the_request_wrote(login_as, alpha, monkeypatch):
    """A 4xx answer rolls back even when no use case raised: here the view's own refusal
    (422) after a write made in the same request."""
    client = login_as(alpha.owner)

    def rename_then_refuse(agency, stream, actor=None):
        agency.name = "Half Done"
        db.session.flush()
        raise ValidationFailed("Refused.", {"logo": "Refused."})  # not from a use case

    monkeypatch.setattr(agency_service, "set_logo", rename_then_refuse)
    resp = client.post("/settings/logo", data={"logo": (io.BytesIO(b"GIF89a"), "logo.gif")})
    assert resp.status_code == 422
    assert _agency_name(alpha.agency.id) == "Alpha Agency"


def test_a_failed_sign_in_keeps_its_audit_row(client, alpha):
    resp = client.post("/login", data={"email": alpha.owner.user.email, "password": "wrong"})
    assert resp.status_code == 401
    assert _audit_count(alpha.agency.id, "auth.login_failed") == 1


def write_then(agency_id: int, fail: bool) -> None:
    """A job: one row written with the job's commit, one status row committed early."""
    with job_context(), tenant_scope(agency_id):
        audit.record("test.job_status", label="started", agency_id=agency_id)
        commit_now("the job's status is visible while it runs")
        audit.record("test.job_work", label="work", agency_id=agency_id)
        db.session.flush()
        if fail:
            raise RuntimeError("the job failed half-way")


@pytest.mark.parametrize("fail", [False, True])
def test_a_job_commits_when_it_returns_and_keeps_only_its_status_when_it_raises(
    db_app, alpha, redis_url, fail
):
    if redis_url:
        pytest.skip("counts one in-process run; the worker process retries on its own")
    enqueue_now("tests.test_transactions.write_then", alpha.agency.id, fail, max_retries=0)
    assert _audit_count(alpha.agency.id, "test.job_status") == 1
    assert _audit_count(alpha.agency.id, "test.job_work") == (0 if fail else 1)


def test_a_failing_delivery_keeps_its_status_and_spends_its_links(
    client, alpha, redis_url, monkeypatch
):
    """Asked for by HTTP, run by the queue: the delivery fails after writing a row of its
    own; only what ``commit_now`` wrote stays (the attempts, the error, the spent links)."""
    if redis_url:
        pytest.skip("patches the transport of the in-process queue")

    def send_after_writing(*_args, **_kwargs):
        audit.record("test.half_sent", label="half", agency_id=alpha.agency.id)
        db.session.flush()
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(mail, "_send", send_after_writing)
    assert client.post("/password/forgot", data={"email": "owner@alpha.test"}).status_code == 200
    with tenant_scope(alpha.agency.id):
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
        )
        assert (message.status, message.attempts) == ("failed", 4)
        assert "ConnectionRefusedError" in message.last_error
        assert message.sent_at is None
    tokens = db.session.scalars(
        select(OneTimeToken).where(OneTimeToken.user_id == alpha.owner.user_id)
    ).all()
    assert len(tokens) == 4 and all(t.used_at is not None for t in tokens)
    assert _audit_count(alpha.agency.id, "test.half_sent") == 0


# --- goals and plans: a failed use case leaves nothing, whatever the page answers ---------------

GOAL_FORM = {
    "title": "Grow the Instagram community",
    "metric": "Instagram followers",
    "baseline": "12000",
    "target": "20000",
    "due_date": "2026-06-30",
    "priority": "high",
}


def _audits(action: str) -> int:
    table = AuditEvent.__table__
    return _committed(table, table.c.action == action)


def _revisions(plan_id: int) -> int:
    table = PlanRevision.__table__
    return _committed(table, table.c.plan_id == plan_id)


def test_a_goal_that_fails_after_writing_is_not_kept_though_the_page_is_200(
    login_as, alpha, monkeypatch
):
    client = login_as(alpha.owner)
    _fail_on(monkeypatch, "goal.created", Conflict("Late refusal."))
    resp = client.post(f"/brands/{alpha.brand.id}/goals/new", data=GOAL_FORM)
    assert resp.status_code == 200
    assert "Late refusal." in resp.get_data(as_text=True)
    assert _committed(Goal.__table__) == 0
    assert _audits("goal.created") == 0


def test_a_plan_move_that_fails_after_writing_is_not_kept_though_it_redirects(
    login_as, alpha, monkeypatch
):
    world = make_plan(alpha)
    client = login_as(alpha.team)
    _fail_on(monkeypatch, "plan.transition", Conflict("Late refusal."))
    resp = client.post(f"/plans/{world.plan_id}/transition", data={"to": "submitted"})
    assert resp.status_code == 302
    plans_table, revisions = Plan.__table__, PlanRevision.__table__
    assert _committed_value(plans_table.c.status, plans_table.c.id == world.plan_id) == "draft"
    assert _committed(revisions, revisions.c.plan_id == world.plan_id, revisions.c.frozen) == 0
    assert _audits("plan.transition") == 0


def _upload(client, plan_id: int, data: bytes):
    return client.post(
        f"/plans/{plan_id}/import",
        data={"kind": "campaigns", "file": (io.BytesIO(data), "plan.csv")},
        content_type="multipart/form-data",
    )


def test_a_csv_import_whose_audit_row_fails_keeps_no_revision(login_as, alpha, monkeypatch):
    """The revision and its audit row are one transaction: the page says why (200), and
    the revision the import made is gone with the audit row that failed."""
    world = make_plan(alpha, status="submitted")  # an import makes revision 2
    client = login_as(alpha.consultant)
    data = client.get(f"/plans/{world.plan_id}/export/campaigns.csv").data
    _fail_on(monkeypatch, "plan.csv_imported", Conflict("The audit log refused the row."))
    resp = _upload(client, world.plan_id, data)
    assert resp.status_code == 200
    assert "The audit log refused the row." in resp.get_data(as_text=True)
    assert _revisions(world.plan_id) == 1
    assert (_audits("plan.revision_saved"), _audits("plan.csv_imported")) == (0, 0)


def test_a_csv_import_commits_its_revision_and_audit_row_once(login_as, alpha):
    world = make_plan(alpha, status="submitted")
    data = login_as(alpha.consultant).get(f"/plans/{world.plan_id}/export/campaigns.csv").data
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == world.plan_id))
        with _counting_commits() as commits:
            result = plan_csv.import_csv(plan, "campaigns", data, "plan.csv", alpha.consultant)
    assert (result.revision.number, commits[0]) == (2, 1)
    assert _revisions(world.plan_id) == 2
    assert (_audits("plan.revision_saved"), _audits("plan.csv_imported")) == (1, 1)


@pytest.fixture
def submitted(alpha) -> Persisted:
    """The engine's broken sample plan, submitted by the client team (as in tests/reviews)."""
    plan = Persisted(alpha)
    plan.save("broken_plan", alpha.team)
    plan.move("submitted", alpha.team)
    return plan


def _open_and_decide(api, token: str, plan_id: int) -> dict:
    review = api(token).post(f"/api/v1/plans/{plan_id}/reviews").get_json()
    for finding in review["findings"]:
        url = f"/api/v1/reviews/{review['id']}/findings/{finding['id']}"
        assert api(token).post(url, json={"state": "accepted"}).status_code == 200
    return review


def test_a_review_completes_with_its_plan_move_and_emails_in_one_commit(api, alpha, submitted):
    """The verdict, the plan's move, both audit rows and the e-mails: one transaction."""
    review = _open_and_decide(api, alpha.tokens["consultant"], submitted.plan_id)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(Review).where(Review.id == review["id"]))
        consultant = db.session.merge(alpha.consultant)
        with _counting_commits() as commits:
            reviews_service.complete(row, "needs_changes", consultant)
    assert commits[0] == 1
    assert submitted.status() == "changes_requested"
    # submitted, in_review (the review opened), changes_requested (this verdict)
    assert (_audits("review.completed"), _audits("plan.transition")) == (1, 3)
    outbox = OutboxMessage.__table__
    assert _committed(outbox, outbox.c.kind == "review_completed") == 1


def test_a_review_whose_plan_move_fails_keeps_neither_verdict_nor_emails(
    api, alpha, submitted, monkeypatch
):
    review = _open_and_decide(api, alpha.tokens["consultant"], submitted.plan_id)
    _fail_on(monkeypatch, "plan.transition", Conflict("Late refusal."))
    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/reviews/{review['id']}/complete", json={"verdict": "needs_changes"}
    )
    assert resp.status_code == 409
    reviews_table, outbox = Review.__table__, OutboxMessage.__table__
    where = reviews_table.c.id == review["id"]
    assert _committed_value(reviews_table.c.status, where) == "open"
    assert _committed_value(reviews_table.c.verdict, where) is None
    assert submitted.status() == "in_review"
    assert _audits("review.completed") == 0
    assert _committed(outbox, outbox.c.kind == "review_completed") == 0


def test_a_render_that_fails_keeps_only_its_retry_status(alpha, monkeypatch):
    """The job rolls back; what ``commit_now`` wrote (queued again, the reason) stays."""
    monkeypatch.setattr(reports_service, "_enqueue", lambda report: None)  # run it by hand
    with tenant_scope(alpha.agency.id):
        brand = db.session.merge(alpha.brand)
        consultant = db.session.merge(alpha.consultant)
        report, _created = reports_service.request_report(
            brand,
            consultant,
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=[],
        )
        report_id = report.id

    def boom(html, **kw):
        raise OSError("disk hiccup")

    monkeypatch.setattr(worker.pdf, "render_pdf", boom)
    monkeypatch.setattr(rendering, "retries_left", lambda: 1)
    with pytest.raises(OSError):
        render_report(report_id, alpha.agency.id)
    table = Report.__table__
    where = table.c.id == report_id
    assert _committed_value(table.c.status, where) == "queued"
    assert _committed_value(table.c.attempts, where) == 1
    assert _committed_value(table.c.error, where).startswith("Temporary problem")
    assert (_audits("report.ready"), _audits("report.failed")) == (0, 0)


def test_every_early_commit_goes_through_commit_now():
    """``grep commit_now`` finds every commit outside the unit of work itself."""
    found = []
    for path in sorted([*ROOT.glob("saas/**/*.py"), *ROOT.glob("worker/**/*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "saas/transactions.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "session.commit(" in line:
                found.append(f"{relative}:{number}")
    assert found == []
