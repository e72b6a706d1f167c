"""Scheduled reports: does each brand get exactly one report per month or quarter, for the
period that has just ended, sent only to its leaders, and held back until approved?"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import AuditEvent, OutboxMessage
from saas.models.reports import Report, ReportSchedule
from saas.services import report_schedules as service
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.report_content import section_names
from tenants.context import system_scope, tenant_scope
from tests import factories


@pytest.fixture(autouse=True)
def _schedules_blueprint(app):
    """Register the blueprint when ``saas.app_setup`` does not yet (the lead wires it)."""
    from saas.web.reports.schedules import schedules_bp

    if "report_schedules" not in app.blueprints:
        got_first = app._got_first_request
        app._got_first_request = False
        try:
            app.register_blueprint(schedules_bp)
        finally:
            app._got_first_request = got_first


def make_schedule(world, *, frequency="monthly", next_run_on=date(2026, 12, 1), **kw):
    with tenant_scope(world.agency.id):
        schedule = ReportSchedule(
            brand_id=world.brand.id,
            frequency=frequency,
            locale=kw.pop("locale", "en"),
            sections=kw.pop("sections", ["summary", "goals"]),
            recipient_ids=kw.pop("recipient_ids", [world.leader.id]),
            hold_for_review=kw.pop("hold_for_review", False),
            next_run_on=next_run_on,
            active=kw.pop("active", True),
            created_by_id=world.consultant.user_id,
        )
        db.session.add(schedule)
        db.session.commit()
        return schedule.id


def reports_of(world, schedule_id):
    with tenant_scope(world.agency.id):
        rows = db.session.scalars(
            select(Report).where(Report.schedule_id == schedule_id).order_by(Report.id)
        ).all()
        return [(r.period_start, r.period_end, r.held, r.recipient_ids, r.locale) for r in rows]


def next_run(world, schedule_id):
    with tenant_scope(world.agency.id):
        db.session.expire_all()
        return db.session.scalar(
            select(ReportSchedule.next_run_on).where(ReportSchedule.id == schedule_id)
        )


def mails_to(email):
    with system_scope():
        return db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.to_email == email, OutboxMessage.kind == "report_ready")
        )


# -- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run_on", "frequency", "period"),
    [
        (date(2026, 12, 1), "monthly", (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2027, 1, 1), "monthly", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2027, 3, 1), "monthly", (date(2027, 2, 1), date(2027, 2, 28))),
        (date(2027, 1, 1), "quarterly", (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 5, 17), "quarterly", (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_previous_period_is_the_month_or_quarter_just_ended(run_on, frequency, period):
    assert service.previous_period(run_on, frequency) == period


def test_next_run_is_the_first_day_of_the_next_month_or_quarter():
    assert service.next_run_after(date(2026, 11, 27), "monthly") == date(2026, 12, 1)
    assert service.next_run_after(date(2026, 12, 31), "monthly") == date(2027, 1, 1)
    assert service.next_run_after(date(2026, 11, 27), "quarterly") == date(2027, 1, 1)
    assert service.next_run_after(date(2026, 1, 1), "quarterly") == date(2026, 4, 1)


# -- creating ----------------------------------------------------------------------------


def test_schedule_creation_rejects_bad_fields_with_a_message_per_field(alpha):
    with tenant_scope(alpha.agency.id):
        with pytest.raises(ValidationFailed) as err:
            service.create(
                alpha.brand,
                alpha.consultant,
                {
                    "frequency": "weekly",
                    "locale": "fr",
                    "sections": ["summary", "gossip"],
                    "recipient_ids": [alpha.team.id],  # a team member, not a leader
                },
            )
        assert set(err.value.fields) == {"frequency", "locale", "sections", "recipient_ids"}
        assert db.session.scalar(select(func.count()).select_from(ReportSchedule)) == 0


def test_schedule_recipients_must_be_the_brands_own_leaders(alpha, bravo):
    with tenant_scope(alpha.agency.id):
        with pytest.raises(ValidationFailed) as err:
            service.create(
                alpha.other_brand,  # alpha's leader has no access to the other brand
                alpha.owner,
                {
                    "frequency": "monthly",
                    "sections": ["summary"],
                    "recipient_ids": [alpha.leader.id],
                },
            )
        assert "recipient_ids" in err.value.fields


def test_client_users_cannot_create_a_schedule_in_the_service(alpha):
    with tenant_scope(alpha.agency.id), pytest.raises(Forbidden):
        service.create(
            alpha.brand,
            alpha.leader,
            {
                "frequency": "monthly",
                "sections": ["summary"],
                "recipient_ids": [alpha.leader.id],
            },
        )


def test_consultant_creates_a_schedule_on_the_page_and_it_is_audited(alpha, client, login_as):
    login_as(alpha.consultant)
    page = client.get(f"/brands/{alpha.brand.id}/report-schedules")
    assert page.status_code == 200
    assert "Alpha Leader" in page.get_data(as_text=True)

    response = client.post(
        f"/brands/{alpha.brand.id}/report-schedules",
        data={
            "frequency": "quarterly",
            "locale": "ar",
            "sections": ["summary", "matrix"],
            "recipient_ids": [str(alpha.leader.id)],
            "hold_for_review": "y",
        },
    )
    assert response.status_code == 303
    with tenant_scope(alpha.agency.id):
        schedule = db.session.scalar(select(ReportSchedule))
        assert (schedule.frequency, schedule.locale, schedule.hold_for_review) == (
            "quarterly",
            "ar",
            True,
        )
        assert schedule.sections == ["summary", "matrix"]
        assert schedule.recipient_ids == [alpha.leader.id]
        assert schedule.next_run_on.day == 1 and schedule.next_run_on.month in (1, 4, 7, 10)
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "report_schedule.created")
        )
    listing = client.get(f"/brands/{alpha.brand.id}/report-schedules").get_data(as_text=True)
    assert "Quarterly" in listing and "Held for review" in listing


def test_invalid_schedule_form_shows_the_error_next_to_the_field(alpha, client, login_as):
    login_as(alpha.owner)
    response = client.post(
        f"/brands/{alpha.brand.id}/report-schedules",
        data={"frequency": "monthly", "locale": "en", "sections": ["summary"]},
    )
    assert response.status_code == 422
    assert "Choose at least one client leader." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_cannot_see_or_create_schedules(alpha, client, login_as, role):
    login_as(getattr(alpha, role))
    assert client.get(f"/brands/{alpha.brand.id}/report-schedules").status_code == 403
    response = client.post(
        f"/brands/{alpha.brand.id}/report-schedules",
        data={"frequency": "monthly", "sections": ["summary"], "recipient_ids": [alpha.leader.id]},
    )
    assert response.status_code == 403


def test_deactivating_asks_first_then_stops_the_schedule(alpha, client, login_as):
    schedule_id = make_schedule(alpha)
    login_as(alpha.consultant)
    url = f"/brands/{alpha.brand.id}/report-schedules/{schedule_id}/deactivate"
    assert "Are you sure?" in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 303
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(ReportSchedule.active)) is False
    assert service.run_due(date(2027, 6, 1)) == 0


def test_bravo_gets_404_on_alpha_schedules_and_reports(alpha, bravo, client, login_as):
    login_as(bravo.owner)
    schedule_id = make_schedule(alpha, hold_for_review=True)
    service.run_due(date(2026, 12, 1))
    with tenant_scope(alpha.agency.id):
        report_id = db.session.scalar(select(Report.id))
    assert client.get(f"/brands/{alpha.brand.id}/report-schedules").status_code == 404
    deactivate = f"/brands/{alpha.brand.id}/report-schedules/{schedule_id}/deactivate"
    assert client.post(deactivate).status_code == 404
    # Bravo's own brand id with Alpha's schedule id: still not found.
    other = f"/brands/{bravo.brand.id}/report-schedules/{schedule_id}/deactivate"
    assert client.post(other).status_code == 404
    assert client.post(f"/reports/{report_id}/approve").status_code == 404
    assert client.get(f"/reports/{report_id}/summary").status_code == 404
    with tenant_scope(alpha.agency.id):
        db.session.expire_all()
        assert db.session.scalar(select(ReportSchedule.active)) is True
        assert db.session.scalar(select(Report.held)) is True


# -- running -------------------------------------------------------------------------------


def test_run_due_creates_one_report_for_the_previous_month_and_advances(alpha, bravo):
    schedule_id = make_schedule(alpha, next_run_on=date(2026, 12, 1))
    not_due = make_schedule(bravo, next_run_on=date(2027, 1, 1))
    leader_id = alpha.leader.id

    assert service.run_due(date(2026, 11, 30)) == 0
    assert service.run_due(date(2026, 12, 1)) == 1
    assert service.run_due(date(2026, 12, 1)) == 0
    assert service.run_due(date(2026, 12, 2)) == 0

    assert reports_of(alpha, schedule_id) == [
        (date(2026, 11, 1), date(2026, 11, 30), False, [leader_id], "en")
    ]
    assert next_run(alpha, schedule_id) == date(2027, 1, 1)
    assert reports_of(bravo, not_due) == []


def test_quarterly_schedule_reports_the_quarter_just_ended(alpha):
    schedule_id = make_schedule(alpha, frequency="quarterly", next_run_on=date(2027, 1, 1))
    assert service.run_due(date(2027, 1, 1)) == 1
    assert [r[:2] for r in reports_of(alpha, schedule_id)] == [
        (date(2026, 10, 1), date(2026, 12, 31))
    ]
    assert next_run(alpha, schedule_id) == date(2027, 4, 1)


def test_a_late_run_sends_the_latest_period_not_a_backlog(alpha):
    schedule_id = make_schedule(alpha, next_run_on=date(2026, 9, 1))
    assert service.run_due(date(2026, 12, 3)) == 1
    assert [r[:2] for r in reports_of(alpha, schedule_id)] == [
        (date(2026, 11, 1), date(2026, 11, 30))
    ]
    assert next_run(alpha, schedule_id) == date(2027, 1, 1)


def test_run_due_from_two_app_contexts_creates_no_duplicate(db_app, alpha):
    schedule_id = make_schedule(alpha)
    with db_app.app_context():
        first = service.run_due(date(2026, 12, 1))
    with db_app.app_context():
        second = service.run_due(date(2026, 12, 1))
    assert (first, second) == (1, 0)
    assert len(reports_of(alpha, schedule_id)) == 1


def test_run_due_in_parallel_threads_creates_one_report(db_app, alpha):
    schedule_id = make_schedule(alpha)
    barrier = threading.Barrier(3)
    results: list[int] = []

    def worker() -> None:
        with db_app.app_context():
            barrier.wait()
            results.append(service.run_due(date(2026, 12, 1)))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(results) == 1
    assert len(reports_of(alpha, schedule_id)) == 1


def test_a_stale_claim_creates_nothing(alpha):
    """A worker that read the schedule before another advanced it must not run it again."""
    schedule_id = make_schedule(alpha)
    with tenant_scope(alpha.agency.id):
        schedule = db.session.scalar(select(ReportSchedule))
        schedule.next_run_on = date(2027, 1, 1)  # another worker already claimed this month
        db.session.commit()
        assert service._run_one(schedule_id, date(2026, 12, 1)) is False
    assert reports_of(alpha, schedule_id) == []


def test_a_removed_creator_falls_back_to_the_first_owner(alpha):
    schedule_id = make_schedule(alpha)
    with tenant_scope(alpha.agency.id):
        db.session.delete(alpha.consultant)
        db.session.commit()
    assert service.run_due(date(2026, 12, 1)) == 1
    with tenant_scope(alpha.agency.id):
        report = db.session.scalar(select(Report).where(Report.schedule_id == schedule_id))
        assert report.requested_by_id == alpha.owner.user_id


# -- held for review ---------------------------------------------------------------------


def test_held_report_is_not_emailed_until_a_consultant_approves(alpha, client, login_as, run_jobs):
    login_as(alpha.consultant)
    make_schedule(alpha, hold_for_review=True, sections=list(section_names()))
    assert service.run_due(date(2026, 12, 1)) == 1
    run_jobs()
    with tenant_scope(alpha.agency.id):
        report = db.session.scalar(select(Report))
        assert (report.status, report.held) == ("ready", True), report.error
        report_id = report.id
    assert mails_to("leader@alpha.test") == 0

    listing = client.get(f"/brands/{alpha.brand.id}/report-schedules").get_data(as_text=True)
    assert "Held for your review" in listing and "Approve and send" in listing
    assert client.post(f"/reports/{report_id}/approve").status_code == 303
    run_jobs()
    assert mails_to("leader@alpha.test") == 1
    with tenant_scope(alpha.agency.id):
        db.session.expire_all()
        assert db.session.scalar(select(Report.held)) is False
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "report.approved")
        )
    # Approving twice sends nothing more.
    client.post(f"/reports/{report_id}/approve")
    run_jobs()
    assert mails_to("leader@alpha.test") == 1


def test_client_leader_cannot_approve_or_edit_a_held_report(alpha, client, login_as):
    login_as(alpha.leader)
    make_schedule(alpha, hold_for_review=True)
    service.run_due(date(2026, 12, 1))
    with tenant_scope(alpha.agency.id):
        report_id = db.session.scalar(select(Report.id))
    assert client.post(f"/reports/{report_id}/approve").status_code == 403
    assert client.post(f"/reports/{report_id}/summary", data={"summary": "x"}).status_code == 403
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Report.held)) is True


def test_editing_the_summary_renders_the_report_again(alpha, client, login_as, run_jobs):
    login_as(alpha.consultant)
    make_schedule(alpha, hold_for_review=True)
    service.run_due(date(2026, 12, 1))
    run_jobs()
    with tenant_scope(alpha.agency.id):
        report = db.session.scalar(select(Report))
        assert report.status == "ready", report.error
        report_id, first_hash = report.id, report.sha256
    page = client.get(f"/reports/{report_id}/summary")
    assert page.status_code == 200
    response = client.post(
        f"/reports/{report_id}/summary",
        data={"summary": "Spend less on TikTok; double the Ramadan budget."},
    )
    assert response.status_code == 303
    run_jobs()
    with tenant_scope(alpha.agency.id):
        db.session.expire_all()
        report = db.session.scalar(select(Report))
        assert report.summary_override == "Spend less on TikTok; double the Ramadan budget."
        assert report.status == "ready", report.error
        assert report.held is True
        assert report.sha256 != first_hash
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "report.summary_edited")
        )
    assert mails_to("leader@alpha.test") == 0


def test_the_daily_job_requests_what_is_due_today(alpha):
    from worker.jobs.report_schedules import run_schedules

    schedule_id = make_schedule(alpha, next_run_on=date(2020, 1, 1))
    assert run_schedules() == 1
    assert run_schedules() == 0
    assert len(reports_of(alpha, schedule_id)) == 1
    assert next_run(alpha, schedule_id) > date(2026, 1, 1)


def test_a_held_report_stays_hidden_from_client_users_until_approved(
    db_app, alpha, client, login_as, api, run_jobs
):
    """Held means the consultant reviews it first: not on the client's list, overview,
    page, PDF or API until approved, even though it is rendered."""
    brand_id, leader_token = alpha.brand.id, alpha.tokens["leader"]
    make_schedule(alpha, hold_for_review=True, sections=list(section_names()))
    assert service.run_due(date(2026, 12, 1)) == 1
    run_jobs()
    with tenant_scope(alpha.agency.id):
        report = db.session.scalar(select(Report))
        assert (report.status, report.held) == ("ready", True), report.error
        report_id = report.id

    def client_sees() -> dict[str, object]:
        leader = db_app.test_client()
        leader.post("/login", data={"email": "leader@alpha.test", "password": factories.PASSWORD})
        listed = api(leader_token).get(f"/api/v1/brands/{brand_id}/reports").get_json()
        return {
            "page": leader.get(f"/reports/{report_id}").status_code,
            "pdf": leader.get(f"/reports/{report_id}/pdf").status_code,
            "list": f"/reports/{report_id}"
            in leader.get(f"/brands/{brand_id}/reports").get_data(True),
            "overview": f"/reports/{report_id}" in leader.get(f"/brands/{brand_id}").get_data(True),
            "api": api(leader_token).get(f"/api/v1/reports/{report_id}").status_code,
            "api_list": [r["id"] for r in listed["data"]],
        }

    assert client_sees() == {
        "page": 404,
        "pdf": 404,
        "list": False,
        "overview": False,
        "api": 404,
        "api_list": [],
    }
    consultant = db_app.test_client()
    consultant.post(
        "/login", data={"email": "consultant@alpha.test", "password": factories.PASSWORD}
    )
    assert consultant.post(f"/reports/{report_id}/approve").status_code == 303
    run_jobs()
    seen = client_sees()
    assert (seen["page"], seen["api"], seen["api_list"]) == (200, 200, [report_id])
    assert seen["list"] and seen["overview"]
