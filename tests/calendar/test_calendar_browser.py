"""The month view and the CSV import in a real browser (with CSRF on), in both languages."""

from __future__ import annotations

import pytest

from tests.calendar.conftest import make_plan
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(browser, base: str, email: str, width: int = 1280):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return ctx, page


def test_month_view_and_import_with_row_errors(browser, live_server, alpha, shot, tmp_path):
    world = make_plan(alpha)
    ctx, page = _sign_in(browser, live_server, alpha.team.user.email)
    page.goto(f"{live_server}/brands/{alpha.brand.id}/calendar?month=2027-03")
    assert page.locator("th[scope=col]").count() == 7
    assert page.locator(".calendar-grid .calendar-item").count() == 3
    shot(page, "calendar-month-en")
    page.get_by_role("link", name="Next month").click()
    page.wait_for_load_state()
    assert "April 2027" in page.content()

    bad = tmp_path / "calendar.csv"
    bad.write_text("date,network,format\n2027-03-01,myspace,post\n2027-02-30,x,post\n")
    page.goto(f"{live_server}/plans/{world.plan_id}/import")
    page.locator("input[value=calendar]").check()
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    alert = page.locator("[role=alert]")
    assert "Row 2, network" in alert.inner_text()
    assert "Row 3, date" in alert.inner_text()
    shot(page, "calendar-import-errors")

    good = tmp_path / "good.csv"
    good.write_text("date,network,format,pillar\n2027-03-20,x,post,Launch\n", encoding="utf-8")
    page.locator("input[value=calendar]").check()
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert "Imported 1 calendar items" in page.content()
    ctx.close()


def test_month_view_in_arabic_on_a_phone(browser, live_server, alpha, shot):
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models import User
    from tenants.context import system_scope

    make_plan(alpha)
    with system_scope():
        user = db.session.scalar(select(User).where(User.id == alpha.team.user_id))
        user.locale = "ar"
        db.session.commit()
    ctx, page = _sign_in(browser, live_server, alpha.team.user.email, width=390)
    page.goto(f"{live_server}/brands/{alpha.brand.id}/calendar?month=2027-03")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("th[scope=col]").first.locator("abbr").get_attribute("title") == "السبت"
    shot(page, "calendar-month-ar-phone")
    ctx.close()
