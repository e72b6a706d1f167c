"""The board report says what changed since the last review and why the score moved, and
its score history plots one point per review (two reviews on one day are two points)."""

from __future__ import annotations

import re

from saas.services import report_content
from saas.services.report_content.sections.changes import diff_by_key
from tenants.context import tenant_scope
from tests.reports.board import (
    TODAY,
    latest_review,
    report_for,
    review_again_fixed,
    sample_brand,
    summary_for,
)


def test_diff_by_key_counts_each_key():
    before = [("gap", "a1"), ("gap", "a2"), ("kpi", "b")]
    after = [("gap", "c1"), ("new", "d")]
    assert diff_by_key(before, after) == (["a2", "b"], ["d"])


def test_changes_list_findings_resolved_and_raised_and_the_score_move(alpha):
    brand_id = sample_brand(alpha, broken="uncovered")
    first = latest_review(alpha, brand_id).score
    review_again_fixed(alpha, brand_id)
    second = latest_review(alpha, brand_id).score
    assert second > first

    changes = summary_for(alpha, brand_id)["changes"]
    assert changes["score_from"] == str(first) and changes["score_to"] == str(second)
    assert (changes["revision_from"], changes["revision_to"]) == ("1", "2")
    assert changes["resolved_count"] == 1 and changes["raised_count"] == 0
    assert "Faster complaint replies" in changes["resolved"][0]

    report = report_for(alpha, brand_id)
    with tenant_scope(alpha.agency.id):
        html = report_content.build_html(report, today=TODAY)
    assert "What changed since the last review" in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        f"Score {first} → {second} from revision 1 (reviewed Jun 30, 2027) to revision 2. "
        "Findings resolved: 1; raised: 0." in text
    )


def test_first_review_has_no_changes_block(alpha):
    brand_id = sample_brand(alpha, broken="network")
    assert summary_for(alpha, brand_id)["changes"] is None


def test_two_reviews_on_one_day_are_two_points_labelled_by_revision(alpha):
    brand_id = sample_brand(alpha, broken="uncovered")
    review_again_fixed(alpha, brand_id)  # the same day as the first review
    trend = str(summary_for(alpha, brand_id)["trend"])
    assert trend.count("<circle") == 2
    xs = re.findall(r'<circle cx="([\d.]+)"', trend)
    assert len(set(xs)) == 2  # not a vertical line
    assert ">Revision 1<" in trend and ">Revision 2<" in trend
    assert trend.count(">30 Jun<") == 2


def test_the_board_report_with_changes_renders_to_pdf_in_both_languages(alpha):
    """WeasyPrint lays out every new block (decisions, changes, score chart)."""
    from worker.pdf import render_pdf

    brand_id = sample_brand(alpha, broken="uncovered")
    review_again_fixed(alpha, brand_id)
    for locale in ("en", "ar"):
        report = report_for(alpha, brand_id, locale=locale, sections=list(report_content.SECTIONS))
        with tenant_scope(alpha.agency.id):
            html = report_content.build_html(report, today=TODAY)
            assets = report_content.assets_for(report)
        rendered = render_pdf(html, assets=assets, timeout=120, memory_mb=1024)
        assert rendered.pdf.startswith(b"%PDF") and rendered.pages >= 2, locale
