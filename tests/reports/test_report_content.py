"""The report's content: what leadership reads in the PDF (HTML before WeasyPrint)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from saas.extensions import db
from saas.models import Report
from saas.models.goals import Goal, GoalCheckin
from saas.models.plans import Campaign, Plan
from saas.models.reviews import Finding, ReviewComment
from saas.services import report_content
from saas.services.reviews import open_review
from tenants.context import tenant_scope
from tests.factories import planning_data

HOSTILE = "<script>alert(1)</script> Launch"
ALL = ["summary", "goals", "matrix", "findings", "audiences", "calendar", "next_steps"]


def build_world(world, *, goals=3, campaigns=5, calendar=20, hostile=True):
    """A brand with goals, check-ins, a reviewed plan, a shared and an internal comment."""
    plan = planning_data(
        world.agency, world.brand, goals=goals, campaigns=campaigns, calendar=calendar
    )
    with tenant_scope(world.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan.id))
        if hostile:
            first = db.session.scalar(
                select(Campaign).where(
                    Campaign.name == "Campaign 0", Campaign.brand_id == world.brand.id
                )
            )
            first.name = HOSTILE
        for g in db.session.scalars(select(Goal).where(Goal.brand_id == world.brand.id)):
            for month, value in ((2, 110.0), (4, 125.0), (6, 140.0)):
                db.session.add(
                    GoalCheckin(
                        agency_id=world.agency.id,
                        brand_id=world.brand.id,
                        goal_id=g.id,
                        date=date(2027, month, 1),
                        value=value,
                    )
                )
        db.session.commit()
        review = open_review(plan, world.consultant)
        campaign_id = review.findings[0].campaign_id if review.findings else None
        db.session.add_all(
            [
                ReviewComment(
                    agency_id=world.agency.id,
                    brand_id=world.brand.id,
                    review_id=review.id,
                    campaign_id=campaign_id,
                    body="Shared: lovely reels, tighten the KPI",
                    shared=True,
                ),
                ReviewComment(
                    agency_id=world.agency.id,
                    brand_id=world.brand.id,
                    review_id=review.id,
                    campaign_id=campaign_id,
                    body="INTERNAL: client is slow to pay",
                    shared=False,
                ),
            ]
        )
        review.recommendations = "Move budget from X to TikTok.\n\nAdd a care channel."
        review.status = "completed"
        review.verdict = "needs_changes"
        review.completed_at = datetime(2027, 6, 30, 12, 0)
        db.session.commit()
        return review.id


def make_report(world, *, locale="en", sections=ALL, **kw):
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            locale=locale,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 6, 30),
            sections=list(sections),
            **kw,
        )
        db.session.add(report)
        db.session.commit()
        return report


def html_for(world, report, **kw):
    with tenant_scope(world.agency.id):
        return report_content.build_html(report, today=date(2027, 7, 1), **kw)


@pytest.fixture
def reviewed(alpha):
    review_id = build_world(alpha)
    return alpha, review_id


def test_report_shows_brand_score_and_every_section_title(reviewed):
    world, review_id = reviewed
    report = make_report(world)
    with tenant_scope(world.agency.id):
        score = db.session.scalar(
            select(report_content.Review.score).where(report_content.Review.id == review_id)
        )
    html = html_for(world, report)
    assert "Alpha Brand One" in html
    assert "Alpha Agency" in html
    assert f'<span class="score-value">{score}</span>' in html
    for title in (
        "Summary",
        "Goals",
        "Alignment matrix",
        "Findings and comments",
        "Audiences and networks",
        "Content calendar",
        "Next steps",
        "Contents",
    ):
        assert title in html
    assert "Decisions for leadership" in html
    assert "The plan “\u2068Big plan\u2069” has 5 campaigns serving the brand" in html
    assert html.count("<li>", html.index('class="decisions"')) >= 1
    assert "Needs changes" in html
    assert "Move budget from X to TikTok." in html
    assert 'href="asset:report.css"' in html


def test_hostile_campaign_name_is_escaped_and_internal_comments_never_appear(reviewed):
    world, _ = reviewed
    html = html_for(world, make_report(world))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Launch" in html
    assert "Shared: lovely reels" in html
    assert "INTERNAL" not in html


def test_dismissed_findings_are_left_out(reviewed):
    world, review_id = reviewed
    with tenant_scope(world.agency.id):
        findings = list(db.session.scalars(select(Finding).where(Finding.review_id == review_id)))
        assert findings, "the sample plan should raise findings"
        for f in findings:
            f.state = "dismissed"
        db.session.commit()
    html = html_for(world, make_report(world, sections=["findings"]))
    assert 'class="finding"' not in html
    assert "Shared: lovely reels" in html  # the shared comment still shows


def test_arabic_report_is_right_to_left_with_arabic_titles(reviewed):
    world, _ = reviewed
    html = html_for(world, make_report(world, locale="ar"))
    assert '<html lang="ar" dir="rtl">' in html
    for title in ("الأهداف", "مصفوفة المواءمة", "روزنامة المحتوى"):
        assert title in html
    assert 'id="section-goals"' in html
    english = html_for(world, make_report(world, locale="en"))
    assert "الأهداف" not in english
    assert '<html lang="en" dir="ltr">' in english


def test_arabic_charts_draw_shaped_arabic_labels_not_english(reviewed):
    """WeasyPrint does not shape SVG text: the labels must arrive joined and in visual order."""
    import re

    world, _ = reviewed
    html = html_for(world, make_report(world, locale="ar", sections=["goals", "audiences"]))
    svg_texts = re.findall(r"<(?:text|tspan)\b[^>]*>([^<]*)<", html)
    assert svg_texts, "the goals and audiences sections draw charts"
    assert any(re.search("[\ufe70-\ufeff]", t) for t in svg_texts)  # presentation forms
    assert not any("Target" in t or "Baseline" in t for t in svg_texts)


def test_shape_svg_text_changes_only_arabic_text_nodes():
    from saas.services.report_content import shape_svg_text

    svg = '<svg><title>هدف</title><text x="1">Target: 5</text><text>الهدف: 5</text></svg>'
    out = str(shape_svg_text(svg))
    assert "<title>هدف</title>" in out
    assert '<text x="1">Target: 5</text>' in out
    assert "الهدف" not in out.split("</title>", 1)[1]


def test_goal_names_in_leadership_questions_are_escaped(alpha):
    build_world(alpha)
    with tenant_scope(alpha.agency.id):
        for g in db.session.scalars(select(Goal).where(Goal.brand_id == alpha.brand.id)):
            g.title = "<img src=x onerror=alert(1)> Sales"
        db.session.commit()
    html = html_for(alpha, make_report(alpha, sections=["summary"]))
    decisions = html[
        html.index('class="decisions"') : html.index("</ol>", html.index('class="decisions"'))
    ]
    assert 1 <= decisions.count("<li>") <= 3  # real decisions only, never padded
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; Sales" in decisions


def test_only_requested_sections_are_rendered(reviewed):
    world, _ = reviewed
    html = html_for(world, make_report(world, sections=["goals", "calendar"]))
    assert 'id="section-goals"' in html
    assert 'id="section-calendar"' in html
    assert 'id="section-summary"' not in html
    assert 'id="section-matrix"' not in html
    assert "Contents" in html  # cover and table of contents are always there
    assert 'class="cover"' in html


def test_summary_override_replaces_the_generated_paragraph(reviewed):
    world, _ = reviewed
    html = html_for(
        world, make_report(world, sections=["summary"], summary_override="Board: <b>hi</b>")
    )
    assert "Board: &lt;b&gt;hi&lt;/b&gt;" in html
    assert "campaigns serving the brand" not in html


def test_brand_without_review_says_no_review_yet(alpha):
    html = html_for(alpha, make_report(alpha))
    assert "No review yet" in html


def test_accent_colour_is_validated_before_it_reaches_the_style_block(reviewed):
    world, _ = reviewed
    with tenant_scope(world.agency.id):
        world.agency.accent_color = "#1}<x>;"  # seven characters, like the column
        db.session.commit()
    html = html_for(world, make_report(world, sections=["summary"]))
    assert "--accent: #2f5bea;" in html
    assert "#1}<x>;" not in html


def test_progress_runs_from_zero_to_sixty(reviewed):
    world, _ = reviewed
    seen: list[int] = []
    html_for(world, make_report(world), progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 60
    assert seen == sorted(seen)


def test_calendar_counts_posts_per_month_and_network(reviewed):
    world, _ = reviewed
    html = html_for(world, make_report(world, sections=["calendar"]))
    # 20 items, one a day from 1 January 2027: all in January.
    assert "20 posts are planned in this period." in html
    assert "January 2027" in html


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


def test_query_count_does_not_grow_with_the_plan(alpha, bravo):
    build_world(alpha, goals=2, campaigns=3, calendar=5)
    build_world(bravo, goals=12, campaigns=60, calendar=400)
    small, big = make_report(alpha), make_report(bravo)
    db.session.expire_all()
    with counting() as small_queries:
        html_for(alpha, small)
    db.session.expire_all()
    with counting() as big_queries:
        big_html = html_for(bravo, big)
    assert len(big_queries) == len(small_queries), (small_queries, big_queries)
    assert "more campaigns than fit here" in big_html


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "#2f5bea").save(buf, format="PNG")
    return buf.getvalue()


def test_cover_shows_the_agency_logo_only_when_the_agency_has_one(
    alpha, tmp_path, db_app, monkeypatch
):
    import io

    from saas.services import storage

    monkeypatch.setitem(db_app.config, "UPLOAD_DIR", str(tmp_path))
    report = make_report(alpha, sections=["summary"])
    html = html_for(alpha, report)
    assert 'src="asset:agency-logo"' not in html
    with tenant_scope(alpha.agency.id):
        assert "agency-logo" not in report_content.assets_for(report)
        alpha.agency.logo_path = storage.save_agency_logo(alpha.agency.id, io.BytesIO(_png()))
        db.session.commit()
        assets = report_content.assets_for(report)
    assert assets["agency-logo"].read_bytes().startswith(b"\x89PNG")
    assert assets["report.css"].name == "report.css"
    assert 'src="asset:agency-logo"' in html_for(alpha, report)
