"""The plan journey in a real browser (CSRF on): draft, add a campaign, submit, revise,
compare; the plan page as cards on a phone and right to left in Arabic."""

from __future__ import annotations

import re

import pytest

from saas.extensions import db
from tenants.context import system_scope
from tests.factories import PASSWORD
from tests.plans.conftest import make_audience, make_goal

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def add_campaign(page, name, budget):
    page.get_by_role("link", name="Add a campaign").first.click()
    page.locator("#name").fill(name)
    page.locator("input[name=networks][value=instagram]").check()
    page.locator("#format").select_option("story")
    page.locator("#objective").select_option("awareness")
    page.locator("#kpi").select_option("views")
    page.locator("#kpi_baseline").fill("1000")
    page.locator("#kpi_target").fill("5000")
    page.locator("#audience_id").select_option(label="Students")
    page.locator("#duration_rationale").fill("Exam season")
    page.locator("#budget").fill(budget)
    page.locator("label.check", has_text="Double the followers").locator("input").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_team_drafts_submits_and_revises_a_plan(browser, live_server, shot, alpha):
    make_goal(alpha, title="Double the followers")
    make_audience(alpha, name="Students")
    base = live_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in(page, base, alpha.team.user.email)

    page.goto(f"{base}/brands/{alpha.brand.id}/plans")
    assert "No social plan yet" in page.content()
    page.get_by_role("link", name="Draft the first plan").click()
    page.locator("#title").fill("Back to school")
    page.locator("#period_start").fill("2027-08-01")
    page.locator("#period_end").fill("2027-10-31")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/\d+$"))
    plan_url = page.url

    add_campaign(page, "Campus stories", "1500")
    assert "Campus stories" in page.content()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "Submitted" in page.content()

    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    page.locator("#budget").fill("2500")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(plan_url)
    assert "Revision 2" in page.content()
    shot(page, "plans-01-plan-page")

    page.get_by_role("button", name="Compare revisions").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Campaign changed:" in text and "1,500" in text and "2,500" in text
    shot(page, "plans-02-compare")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    sign_in(mobile, base, alpha.team.user.email)
    mobile.goto(plan_url)
    assert "Campus stories" in mobile.content()
    shot(mobile, "plans-03-phone")

    with system_scope():
        alpha.team.user.locale = "ar"
        db.session.merge(alpha.team.user)
        db.session.commit()
    arabic = browser.new_context(viewport={"width": 1280, "height": 900})
    ar_page = arabic.new_page()
    sign_in(ar_page, base, alpha.team.user.email)
    ar_page.goto(plan_url)
    assert ar_page.locator("html").get_attribute("dir") == "rtl"
    shot(ar_page, "plans-04-arabic")
    for c in (ctx, phone, arabic):
        c.close()
