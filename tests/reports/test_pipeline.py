"""The report pipeline: request → queue → render → stored PDF → email; failures and the sweeper."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from saas.models.reports import Report
from saas.services import reports as service
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.report_content import section_names
from tenants.context import tenant_scope

Q1 = (date(2027, 1, 1), date(2027, 3, 31))


def _request(world, membership=None, **kw):
    with tenant_scope(world.agency.id):
        brand = db.session.merge(world.brand)
        m = db.session.merge(membership or world.consultant)
        args = {
            "locale": "en",
            "period_start": Q1[0],
            "period_end": Q1[1],
            "sections": [],
        }
        args.update(kw)
        report, created = service.request_report(brand, m, **args)
        return report.id, created


def _row(world, report_id) -> Report:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Report).where(Report.id == report_id))


def _text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_requested_report_renders_to_a_stored_pdf_with_the_brand_name(alpha, run_jobs):
    report_id, created = _request(alpha, recipient_ids=[alpha.leader.id])
    run_jobs(timeout=120)
    report = _row(alpha, report_id)
    assert created
    assert report.status == "ready", report.error
    assert report.progress == 100 and report.pages >= 1
    with tenant_scope(alpha.agency.id):
        path = service.file_for(report)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert report.size_bytes == len(data)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert alpha.brand.name in _text(path)


def test_ready_report_emails_the_requester_and_recipients(alpha, run_jobs):
    report_id, _ = _request(alpha, recipient_ids=[alpha.leader.id])
    run_jobs(timeout=120)
    with tenant_scope(alpha.agency.id):
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "report_ready")
        ).all()
        expected = sorted([alpha.consultant.user.email, alpha.leader.user.email])
        assert sorted(m.to_email for m in mails) == expected
        # Through the sign-in page, on to the report (tests/landing/test_report_email.py).
        link = f"http://tandem.test/login?next=/reports/{report_id}"
        assert all(link in m.body_text for m in mails)


def test_arabic_report_contains_arabic_text(alpha, run_jobs):
    report_id, _ = _request(alpha, locale="ar", sections=["summary", "goals"])
    run_jobs(timeout=120)
    report = _row(alpha, report_id)
    assert report.status == "ready", report.error
    with tenant_scope(alpha.agency.id):
        text = _text(service.file_for(report))
    # The goals section's title and an Arabic month name, extracted in logical order.
    assert "الأهداف" in text, text[:500]
    assert "يناير" in text


def test_identical_pending_request_returns_the_same_report(alpha, monkeypatch):
    monkeypatch.setattr(service, "_enqueue", lambda report: None)  # keep it queued
    first, created_first = _request(alpha)
    second, created_second = _request(alpha, sections=list(section_names()))
    other, created_other = _request(alpha, locale="ar")
    assert created_first and not created_second and created_other
    assert first == second != other


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"locale": "fr"}, "locale"),
        ({"period_start": date(2027, 4, 1), "period_end": date(2027, 3, 1)}, "period_end"),
        ({"period_start": date(2024, 1, 1), "period_end": date(2027, 1, 1)}, "period_end"),
        ({"sections": ["summary", "horoscope"]}, "sections"),
    ],
)
def test_invalid_requests_are_refused_with_a_field_message(alpha, kw, field):
    with pytest.raises(ValidationFailed) as err:
        _request(alpha, **kw)
    assert field in err.value.fields


def test_recipient_without_access_to_the_brand_is_refused(alpha, bravo):
    with pytest.raises(ValidationFailed):
        _request(alpha, recipient_ids=[bravo.leader.id])


def test_client_leader_cannot_request_a_report(alpha):
    with pytest.raises(Forbidden):
        _request(alpha, membership=alpha.leader)


def test_refused_render_fails_with_its_reason_and_is_not_retried(alpha, redis_url, monkeypatch):
    if redis_url:
        pytest.skip("monkeypatching the renderer only reaches an in-process (eager) job")
    import worker.pdf

    calls = []

    def refuse(html, **kw):
        calls.append(1)
        raise worker.pdf.RenderRefused("The brand logo is not an image we can print.")

    monkeypatch.setattr(worker.pdf, "render_pdf", refuse)
    report_id, _ = _request(alpha)
    report = _row(alpha, report_id)
    assert report.status == "failed"
    assert report.error == "The brand logo is not an image we can print."
    assert len(calls) == 1 and report.attempts == 1


def test_temporary_errors_are_retried_then_fail_with_a_reason(alpha, redis_url, monkeypatch):
    if redis_url:
        pytest.skip("monkeypatching the renderer only reaches an in-process (eager) job")
    import worker.pdf

    def boom(html, **kw):
        raise OSError("disk hiccup")

    monkeypatch.setattr(worker.pdf, "render_pdf", boom)
    report_id, _ = _request(alpha)
    report = _row(alpha, report_id)
    assert report.status == "failed"
    assert report.attempts == 3
    assert "request it again" in report.error


def test_fail_stuck_requeues_a_dead_render_and_it_completes(alpha, run_jobs, monkeypatch):
    real_enqueue = service._enqueue
    monkeypatch.setattr(service, "_enqueue", lambda report: None)
    report_id, _ = _request(alpha)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        row.status, row.attempts = "rendering", 1  # as a worker killed mid-render leaves it
        db.session.commit()
    monkeypatch.setattr(service, "_enqueue", real_enqueue)
    assert service.fail_stuck(now=datetime.utcnow() + timedelta(days=1)) == 1
    run_jobs(timeout=120)
    report = _row(alpha, report_id)
    assert report.status == "ready", report.error
    assert report.attempts == 2


def test_fail_stuck_fails_a_render_out_of_attempts(alpha, monkeypatch):
    monkeypatch.setattr(service, "_enqueue", lambda report: None)
    report_id, _ = _request(alpha)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        row.status, row.attempts = "rendering", 3
        db.session.commit()
    assert service.fail_stuck(now=datetime.utcnow() + timedelta(days=1)) == 1
    report = _row(alpha, report_id)
    assert report.status == "failed"
    assert report.error == "The worker stopped while rendering; please request the report again."


def test_fail_stuck_leaves_fresh_renders_alone(alpha, monkeypatch):
    monkeypatch.setattr(service, "_enqueue", lambda report: None)
    _request(alpha)
    assert service.fail_stuck() == 0


def test_pdf_of_a_reviewed_plan_shows_the_alignment_score(alpha, run_jobs):
    from saas.models import Plan, Review
    from saas.services.reviews import open_review
    from tests.factories import planning_data

    plan = planning_data(alpha.agency, alpha.brand)
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan.id))
        review = open_review(plan, db.session.merge(alpha.consultant))
        review.status, review.verdict = "completed", "needs_changes"
        review.completed_at = datetime(2027, 3, 30, 12, 0)
        db.session.commit()
        score = db.session.scalar(select(Review.score).where(Review.id == review.id))
    assert score is not None
    report_id, _ = _request(alpha, sections=["summary"])
    run_jobs(timeout=120)
    report = _row(alpha, report_id)
    assert report.status == "ready", report.error
    with tenant_scope(alpha.agency.id):
        text = _text(service.file_for(report))
    assert alpha.brand.name in text
    assert f"{score}/100" in text
