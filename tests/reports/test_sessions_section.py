"""The report's "Leadership sessions" section, and report sections as the registry's names.

What a client leader reads in the PDF: what was decided last time (and what is still
pending), who still owes what and by when, and when the next session is, on the brand's
clock with the zone named.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from saas.extensions import db
from saas.i18n import lazy_gettext as _l
from saas.models import Report
from saas.models.reports import ReportSchedule
from saas.models.sessions import ActionItem, SessionDecision, StrategySession
from saas.services import report_content, report_schedules
from saas.services.errors import ValidationFailed
from saas.services.report_content import SECTION_TITLES, SECTIONS, register_section
from saas.services.report_content.sections.sessions import build_sessions
from tenants.context import tenant_scope

TODAY = date(2027, 7, 1)
NOW = datetime(2027, 7, 1, 9, 0)  # naive UTC, as stored


@dataclass
class Seeded:
    next_title: str
    next_starts_at: datetime  # naive UTC


def _session(world, brand, title, starts_at, status, **kw) -> StrategySession:
    s = StrategySession(
        agency_id=world.agency.id,
        brand_id=brand.id,
        title=title,
        kind=kw.pop("kind", "quarterly_business_review"),
        starts_at=starts_at,
        duration_minutes=kw.pop("duration_minutes", 60),
        timezone=kw.pop("timezone", "Asia/Riyadh"),
        status=status,
        uid=f"{uuid.uuid4()}@tandem.test",
        **kw,
    )
    db.session.add(s)
    db.session.flush()
    return s


def seed_sessions(world, *, now: datetime = NOW, brand=None, prefix: str = "") -> Seeded:
    """A brand in Riyadh with an old and a recent QBR (minutes recorded), a cancelled one,
    the next one at 10:00 Riyadh two weeks on, one later, and action items of every kind."""
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        db.session.get(type(brand), brand.id).timezone = "Asia/Riyadh"
        old = _session(world, brand, f"{prefix}Q4 review", now - timedelta(days=150), "done")
        recent = _session(world, brand, f"{prefix}Q2 review", now - timedelta(days=50), "done")
        _session(world, brand, f"{prefix}Cancelled workshop", now + timedelta(days=3), "cancelled")
        # 10:00 in Riyadh (UTC+3, no daylight saving) on a day two weeks from now.
        next_at = datetime.combine((now + timedelta(days=14)).date(), datetime.min.time()).replace(
            hour=7
        )
        _session(world, brand, f"{prefix}Q3 business review", next_at, "scheduled")
        _session(
            world, brand, f"{prefix}Q4 business review", next_at + timedelta(days=90), "scheduled"
        )
        db.session.add_all(
            [
                SessionDecision(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    session_id=old.id,
                    text=f"{prefix}OLD decision from last year",
                    status="decided",
                ),
                SessionDecision(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    session_id=recent.id,
                    text=f"{prefix}Move 20–30% of the budget to TikTok",
                    status="decided",
                    position=0,
                ),
                SessionDecision(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    session_id=recent.id,
                    text=f"{prefix}Hire a community manager",
                    status="pending",
                    position=1,
                ),
            ]
        )
        today = now.date()
        for title, owner, due, status in (
            (
                f"{prefix}Send the Ramadan brief",
                world.leader.user_id,
                today - timedelta(days=10),
                "open",
            ),
            (
                f"{prefix}Draft the TikTok plan",
                world.consultant.user_id,
                today + timedelta(days=19),
                "open",
            ),
            (f"{prefix}Pick a care channel", None, None, "open"),
            (f"{prefix}DONE already", world.team.user_id, today - timedelta(days=20), "done"),
        ):
            db.session.add(
                ActionItem(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    session_id=recent.id,
                    title=title,
                    owner_id=owner,
                    due_on=due,
                    status=status,
                )
            )
        db.session.commit()
    return Seeded(f"{prefix}Q3 business review", next_at)


def make_report(world, *, locale="en", sections=("sessions",)) -> Report:
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            locale=locale,
            period_start=date(2027, 4, 1),
            period_end=date(2027, 6, 30),
            sections=list(sections),
        )
        db.session.add(report)
        db.session.commit()
        return report


def html_for(world, report) -> str:
    with tenant_scope(world.agency.id):
        return report_content.build_html(report, today=TODAY)


def data_for(world, report) -> dict:
    with tenant_scope(world.agency.id):
        return build_sessions(report_content.ReportData(report, locale=report.locale, today=TODAY))


@pytest.fixture
def seeded(alpha, bravo):
    seed_sessions(bravo, prefix="BRAVO ")  # another agency's sessions: never in alpha's report
    return seed_sessions(alpha)


# -- the section's content ------------------------------------------------------------------


def test_section_lists_latest_decisions_open_items_and_next_session(alpha, seeded):
    data = data_for(alpha, make_report(alpha))
    assert [(d["text"], d["pending"]) for d in data["decisions"]] == [
        ("Move \u206620–30\u2069% of the budget to TikTok", False),
        ("Hire a community manager", True),
    ]
    assert data["latest"]["title"] == "Q2 review"
    items = [(i["title"], i["owner"], i["overdue"]) for i in data["open_items"]]
    assert items == [
        ("Send the Ramadan brief", "Alpha Leader", True),
        ("Draft the TikTok plan", "Alpha Consultant", False),
        ("Pick a care channel", None, False),
    ]
    assert data["overdue"] == 1
    assert data["next"]["title"] == "Q3 business review"
    # 07:00 UTC is 10:00 in Riyadh, and the zone is named.
    assert "10:00–11:00" in data["next"]["when"] and "Riyadh" in data["next"]["when"]
    assert "UTC+03:00" in data["next"]["when"]


def test_english_pdf_html_shows_decisions_pending_overdue_and_next_session(alpha, seeded):
    html = html_for(alpha, make_report(alpha))
    assert "Leadership sessions" in html
    assert "Move \u206620–30\u2069% of the budget to TikTok" in html
    assert '<span class="status status-warn">Pending</span> <bdi dir="ltr">Hire a community' in html
    assert "Send the Ramadan brief" in html and "Alpha Leader" in html
    assert "Jun 21, 2027" in html  # due ten days before the report's day, English format
    assert html.count("status-bad") == 1 and "Overdue" in html
    assert "1 open action item is overdue." in html
    assert "Q3 business review" in html and "Thursday, July 15, 2027" in html
    assert "10:00–11:00" in html and "Riyadh" in html
    for absent in ("OLD decision", "DONE already", "Cancelled workshop", "BRAVO", "Q4 business"):
        assert absent not in html, absent


def test_arabic_section_is_right_to_left_with_arabic_words_and_dates(alpha, seeded):
    html = html_for(alpha, make_report(alpha, locale="ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert "الجلسات الاستراتيجية" in html
    assert "الجلسة القادمة" in html and "بنود العمل المفتوحة" in html
    assert "معلّق" in html and "متأخر" in html
    assert "يونيو" in html  # the due date in Arabic
    assert "يوليو" in html and "الرياض" in html  # the next session's day and zone in Arabic
    # People's Latin text keeps its own direction inside the Arabic page.
    assert '<bdi dir="ltr">Hire a community manager</bdi>' in html
    assert "Leadership sessions" not in html and "Overdue" not in html


def test_brand_without_sessions_says_so(alpha):
    html = html_for(alpha, make_report(alpha))
    assert "No strategy session has been held or scheduled for this brand yet." in html
    arabic = html_for(alpha, make_report(alpha, locale="ar"))
    assert "لم تُعقد أي جلسة استراتيجية لهذه العلامة التجارية ولم تُجدول بعد." in arabic


def test_other_brand_of_the_same_agency_stays_out(alpha):
    seed_sessions(alpha, brand=alpha.other_brand, prefix="OTHER ")
    html = html_for(alpha, make_report(alpha))
    assert "OTHER" not in html
    assert "No strategy session has been held or scheduled for this brand yet." in html


@contextmanager
def counting():
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_query_count_does_not_grow_with_sessions_and_items(alpha, bravo):
    seed_sessions(alpha)
    for _ in range(5):
        seed_sessions(bravo)
    small, big = make_report(alpha), make_report(bravo)
    db.session.expire_all()
    with counting() as few:
        data_for(alpha, small)
    db.session.expire_all()
    with counting() as many:
        big_data = data_for(bravo, big)
    assert len(big_data["open_items"]) == 15
    assert len(few) == len(many), (few, many)


def test_sessions_is_in_the_default_report_before_next_steps(alpha, monkeypatch):
    from saas.services import reports

    monkeypatch.setattr(reports, "_enqueue", lambda report: None)
    with tenant_scope(alpha.agency.id):
        report, _created = reports.request_report(
            alpha.brand,
            alpha.consultant,
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=[],
        )
        assert report.sections[-2:] == ["sessions", "next_steps"]
        assert report.sections[:3] == ["summary", "goals", "matrix"]


# -- sections are the registry's names, everywhere -------------------------------------------

BODY = {"locale": "en", "period_start": "2027-01-01", "period_end": "2027-03-31"}


def _reports(world) -> int:
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(func.count()).select_from(Report))


def test_report_api_accepts_sessions(api, alpha, monkeypatch):
    from saas.services import reports

    monkeypatch.setattr(reports, "_enqueue", lambda report: None)
    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/brands/{alpha.brand.id}/reports",
        json={**BODY, "sections": ["next_steps", "sessions"]},
    )
    assert resp.status_code == 202, resp.get_json()
    got = api(alpha.tokens["consultant"]).get(f"/api/v1/reports/{resp.get_json()['id']}")
    assert got.get_json()["sections"] == ["sessions", "next_steps"]  # print order


def test_report_api_refuses_an_unknown_section_listing_the_valid_ones(api, alpha):
    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/brands/{alpha.brand.id}/reports", json={**BODY, "sections": ["sessions", "nope"]}
    )
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert "nope" in error["message"]
    assert "sessions" in error["fields"]["sections"] and "summary" in error["fields"]["sections"]
    assert _reports(alpha) == 0


def test_openapi_lists_the_registry_names_for_sections(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["components"]["schemas"]["ReportCreate"]["properties"]["sections"]
    assert schema["items"]["enum"] == list(report_content.section_names())
    assert "sessions" in schema["items"]["enum"]


@pytest.fixture
def extra_section():
    """A section a future feature registers: nothing else is edited."""
    register_section(
        "zz_extra",
        _l("Extra"),
        lambda d: {"fixes": ["Extra says hi"], "recommendations": ""},
        template="reports/sections/next_steps.html",
    )
    yield "zz_extra"
    SECTIONS.pop("zz_extra", None)
    SECTION_TITLES.pop("zz_extra", None)


def test_a_newly_registered_section_is_accepted_everywhere(
    api, alpha, client, login_as, monkeypatch, extra_section
):
    from saas.services import reports

    monkeypatch.setattr(reports, "_enqueue", lambda report: None)
    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/brands/{alpha.brand.id}/reports", json={**BODY, "sections": [extra_section]}
    )
    assert resp.status_code == 202, resp.get_json()
    with tenant_scope(alpha.agency.id):
        report = db.session.get(Report, resp.get_json()["id"])
        assert report.sections == [extra_section]
    assert "Extra says hi" in html_for(alpha, report)
    # Schedules take it, and both web forms offer it.
    with tenant_scope(alpha.agency.id):
        schedule = report_schedules.create(
            alpha.brand,
            alpha.consultant,
            {
                "frequency": "monthly",
                "sections": [extra_section, "summary"],
                "recipient_ids": [alpha.leader.id],
            },
        )
        assert schedule.sections == ["summary", extra_section]
    login_as(alpha.consultant)
    for path in (f"/brands/{alpha.brand.id}/reports", f"/brands/{alpha.brand.id}/report-schedules"):
        page = client.get(path).get_data(as_text=True)
        assert f'value="{extra_section}"' in page, path


def test_schedule_refuses_an_unknown_section_listing_the_valid_ones(alpha):
    with tenant_scope(alpha.agency.id):
        with pytest.raises(ValidationFailed) as err:
            report_schedules.create(
                alpha.brand,
                alpha.consultant,
                {"frequency": "monthly", "sections": ["nope"], "recipient_ids": [alpha.leader.id]},
            )
        assert "sessions" in err.value.fields["sections"]
        assert db.session.scalar(select(func.count()).select_from(ReportSchedule)) == 0


def test_report_form_refuses_an_unknown_section_next_to_the_field(alpha, client, login_as):
    login_as(alpha.consultant)
    resp = client.post(
        f"/brands/{alpha.brand.id}/reports",
        data={
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "locale": "en",
            "sections": ["summary", "nope"],
        },
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Choose sections from: summary, goals" in page
    # The choice made is kept: "summary" is still ticked, "sessions" is not.
    assert 'value="summary" checked>' in page
    assert 'value="sessions">' in page
    assert _reports(alpha) == 0
