"""The PDF report's "Team capability" section, in English and Arabic."""

from __future__ import annotations

from datetime import date, timedelta

from saas.extensions import db
from saas.models import Report
from saas.services import report_content
from saas.services.report_content import section_names
from saas.services.report_content.sections.capability import build_capability
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.capability.leadership.seed import HIGH_GOAL, seed_capability


def make_report(world, *, locale="en", sections=("capability",)) -> Report:
    today = utcnow().date()
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            locale=locale,
            period_start=today - timedelta(days=60),
            period_end=today + timedelta(days=30),
            sections=list(sections),
        )
        db.session.add(report)
        db.session.commit()
        return report


def data_for(world, report) -> dict:
    with tenant_scope(world.agency.id):
        return build_capability(
            report_content.ReportData(report, locale=report.locale, today=utcnow().date())
        )


def html_for(world, report) -> str:
    with tenant_scope(world.agency.id):
        return report_content.build_html(report, today=utcnow().date())


def test_section_is_registered_after_findings_and_before_sessions():
    names = section_names()
    assert names.index("findings") < names.index("capability") < names.index("sessions")


def test_section_content_lists_gaps_goals_strengths_hours_and_the_lesson(alpha):
    seed_capability(alpha)
    data = data_for(alpha, make_report(alpha))
    assert [g["skill"] for g in data["gaps"]] == [
        "Social commerce",
        "Short video",
        "TikTok",
    ]  # the report goes to leaders: the submitted plan's Snapchat campaign is not counted
    first = data["gaps"][0]
    assert first["level"] == "None" and first["needed"] == "Practising with help"
    assert [(g["title"], g["priority"], g["high"]) for g in first["goals"]][0] == (
        HIGH_GOAL,
        "High",
        True,
    )
    assert first["campaigns"] == ["App orders"] and first["campaigns_more"] is None
    assert [s["skill"] for s in data["strengths"]] == [
        "Instagram",
        "Content creation",
        "Customer care",
    ]
    assert data["hours"]["done"] == "2" and data["hours"]["committed"] == "12"
    assert data["hours"]["percent"] == 17
    assert data["learning"] == "TikTok"
    assert data["lesson"]["question"] == "Can the team actually deliver what this plan asks for?"


def test_english_html_shows_the_section(alpha):
    seed_capability(alpha)
    html = html_for(alpha, make_report(alpha))
    assert "Team capability" in html and "Gaps that put goals at risk" in html
    assert "Best on the team: None. Needed: Practising with help." in html and HIGH_GOAL in html
    assert "2 of 12 hours done" in html and "width: 17%" in html
    assert "Lesson:" in html and "Can the team actually deliver" in html
    assert "YouTube" not in html  # a draft plan's needs never count


def test_arabic_html_is_right_to_left_with_arabic_words(alpha):
    seed_capability(alpha)
    html = html_for(alpha, make_report(alpha, locale="ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert "قدرات الفريق" in html and "فجوات تعرّض الأهداف للخطر" in html
    assert "التجارة الاجتماعية" in html and "نقاط القوة" in html
    assert "الدرس:" in html and "وقت التعلّم المخصّص" in html
    assert f'<bdi dir="ltr">{HIGH_GOAL}</bdi>' in html  # the goal keeps its direction
    assert "Team capability" not in html and "Strengths" not in html


def test_brand_without_a_team_says_so_in_both_languages(alpha):
    html = html_for(alpha, make_report(alpha))
    assert "The client's social team has not been recorded yet." in html
    arabic = html_for(alpha, make_report(alpha, locale="ar"))
    assert "لم يُسجَّل فريق العميل بعد." in arabic


def test_other_agency_stays_out(alpha, bravo):
    seed_capability(bravo, prefix="BRAVO ")
    html = html_for(alpha, make_report(alpha))
    assert "BRAVO" not in html and "has not been recorded yet" in html


def test_default_report_includes_the_section(alpha, monkeypatch):
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
        assert report.sections[-3:] == ["capability", "sessions", "next_steps"]


def test_the_section_renders_to_pdf_in_both_languages(alpha):
    """WeasyPrint lays out the gaps table, the hours bar and the lesson in either direction."""
    import io

    from pypdf import PdfReader

    from worker.pdf import render_pdf

    seed_capability(alpha)
    for locale, words in (("en", "Team capability"), ("ar", "الدرس")):
        report = make_report(alpha, locale=locale, sections=("summary", "capability"))
        html = html_for(alpha, report)
        with tenant_scope(alpha.agency.id):
            assets = report_content.assets_for(report)
        rendered = render_pdf(html, assets=assets, timeout=120, memory_mb=1024)
        assert rendered.pdf.startswith(b"%PDF") and rendered.pages >= 2, locale
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(rendered.pdf)).pages)
        if locale == "en":
            assert words in text and "Social commerce" in text, locale
