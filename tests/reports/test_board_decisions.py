"""Three differently broken brands: the board report's decisions differ, and each cites the
numbers behind it, in English and in Arabic; never padded with standing questions."""

from __future__ import annotations

import pytest

from saas.services import report_content
from tenants.context import tenant_scope
from tests.reports.board import TODAY, decisions_text, report_for, sample_brand

KINDS = ("uncovered", "network", "behind")


@pytest.fixture
def brands(alpha):
    return alpha, {kind: sample_brand(alpha, broken=kind) for kind in KINDS}


def test_each_broken_brand_gets_its_own_decisions_with_their_figures(brands):
    world, ids = brands
    texts = {kind: decisions_text(world, ids[kind]) for kind in KINDS}

    assert texts["uncovered"] == [
        "Fund a campaign for “Faster complaint replies”: no campaign serves it (priority high; "
        "14% of the way, 9 → 8 → 2 hours, due Dec 31, 2027)."
    ]
    assert texts["network"] == [
        "Move the LinkedIn budget of “Thought leadership” (5,000) to TikTok, where 70% of "
        "“Gen Z students” are; only 0% are on LinkedIn."
    ]
    assert texts["behind"] == [
        "Add effort to “Grow online sales” or reset its target: it is 5% of the way with 50% "
        "of the time gone (100 → 105 → 200, due Dec 31, 2027)."
    ]
    # Fewer than three when the data has fewer: no generic question pads the list.
    assert all("continue" not in t[0] and "meet" not in t[0] for t in texts.values())


def test_the_decisions_read_in_arabic_with_the_same_figures(brands):
    world, ids = brands
    texts = {kind: decisions_text(world, ids[kind], locale="ar") for kind in KINDS}

    uncovered = texts["uncovered"][0]
    assert uncovered.startswith("موّلوا حملة للهدف «Faster complaint replies»")
    assert "الأولوية عالية" in uncovered and "14%" in uncovered
    assert "9 ← 8 ← 2 hours" in uncovered  # the arrows point the reading way
    network = texts["network"][0]
    assert "ميزانية لينكدإن" in network and "إلى تيك توك" in network
    assert "70% من الجمهور المستهدف «Gen Z students»" in network and "سوى 0%" in network
    behind = texts["behind"][0]
    assert "«Grow online sales»" in behind and "5%" in behind and "50%" in behind
    assert "100 ← 105 ← 200" in behind


def test_figures_are_isolated_so_arabic_keeps_their_order(brands):
    """Numbers and ranges sit in left-to-right isolates; names in first-strong isolates."""

    world, ids = brands
    report = report_for(world, ids["behind"], locale="ar")
    with tenant_scope(world.agency.id):
        html = report_content.build_html(report, today=TODAY)
    assert "\u2066100\u2069 ← \u2066105\u2069 ← \u2066200\u2069" in html
    assert "«\u2068Grow online sales\u2069»" in html


def test_a_healthy_brand_has_nothing_to_decide(alpha):
    brand_id = sample_brand(alpha, broken="none")

    report = report_for(alpha, brand_id)
    with tenant_scope(alpha.agency.id):
        html = report_content.build_html(report, today=TODAY)
    assert 'class="decisions"' not in html
    assert "Nothing needs a decision from leadership" in html


def test_user_text_ranges_stay_in_order_and_lists_keep_their_shape(alpha):
    """ "18–30" is a left-to-right isolate inside Arabic; a numbered recommendation stays a
    list (escaped, never raw HTML)."""
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models.goals import Audience
    from tests.reports.board import latest_review

    brand_id = sample_brand(alpha, broken="network")
    review = latest_review(alpha, brand_id)
    with tenant_scope(alpha.agency.id):
        audience = db.session.scalar(select(Audience).where(Audience.brand_id == brand_id))
        audience.name = "طلاب 18–30"
        review = db.session.merge(review)
        review.recommendations = "1. Move <b>LinkedIn</b> money\n2. Keep the care desk"
        db.session.commit()
    report = report_for(
        alpha, brand_id, locale="ar", sections=("summary", "audiences", "next_steps")
    )
    with tenant_scope(alpha.agency.id):
        html = report_content.build_html(report, today=TODAY)
    assert "طلاب \u206618–30\u2069" in html  # the audience heading
    assert (
        "<ol><li>Move &lt;b&gt;LinkedIn&lt;/b&gt; money</li><li>Keep the care desk</li></ol>"
        in html
    )
