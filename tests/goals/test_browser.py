"""In a real browser, with CSRF on: add a goal, record a check-in, see the chart; Arabic too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def set_brand_language(world, language: str) -> None:
    from saas.extensions import db
    from saas.models import Brand
    from tenants.context import tenant_scope

    with tenant_scope(world.agency.id):
        db.session.get(Brand, world.brand.id).language = language
        db.session.commit()


def test_team_adds_a_goal_and_a_check_in_and_sees_the_chart(
    alpha, live_server, browser, shot, make_audience
):
    brand_id = alpha.brand.id
    make_audience(alpha, networks=[{"network": "instagram", "share": 60.0},
                                   {"network": "tiktok", "share": 30.0}])  # fmt: skip
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, live_server, "team@alpha.test")
        page.goto(f"{live_server}/brands/{brand_id}/goals")
        assert page.get_by_text("Goals come first").is_visible()
        page.click("text=Add the first goal")
        page.fill("#title", "Grow the Instagram community")
        page.fill("#metric", "Instagram followers")
        page.fill("#baseline", "12000")
        page.fill("#target", "20000")
        page.fill("#start_date", (date.today() - timedelta(days=60)).isoformat())
        page.fill("#due_date", (date.today() + timedelta(days=60)).isoformat())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.get_by_text("Goal added.").is_visible()
        page.fill("#value", "13000")
        page.fill("#date", (date.today() - timedelta(days=30)).isoformat())
        page.click("text=Save check-in")
        page.wait_for_load_state()
        page.fill("#value", "14500")
        page.click("text=Save check-in")
        page.wait_for_load_state()
        assert page.locator("svg.chart-line circle").count() == 2
        assert page.get_by_text("At risk").first.is_visible()
        shot(page, "goals-detail-en")
        page.goto(f"{live_server}/brands/{brand_id}/goals")
        shot(page, "goals-list-en")
        page.goto(f"{live_server}/brands/{brand_id}/audiences")
        assert page.locator("svg.chart-bar").count() == 1
        shot(page, "audiences-en")
        set_brand_language(alpha, "ar")
        page.goto(f"{live_server}/brands/{brand_id}/goals")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.click("main table a")
        page.wait_for_load_state()
        assert page.locator("svg.chart-line[direction=rtl]").count() == 1
        shot(page, "goals-detail-ar")
        page.goto(f"{live_server}/brands/{brand_id}/audiences")
        shot(page, "audiences-ar")
    finally:
        page.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
