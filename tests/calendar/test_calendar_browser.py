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


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width


def test_add_edit_move_and_delete_an_item_with_csrf(browser, live_server, alpha, shot):
    make_plan(alpha)
    ctx, page = _sign_in(browser, live_server, alpha.team.user.email)
    page.goto(f"{live_server}/brands/{alpha.brand.id}/calendar?month=2027-03")
    _no_overflow(page)
    page.get_by_role("link", name="Add a calendar item on Saturday, March 20, 2027").click()
    page.wait_for_load_state()
    assert page.locator("#date").input_value() == "2027-03-20"
    page.locator("#campaign_key").select_option(label="Spring launch")
    page.locator("#network").select_option("tiktok")
    page.locator("#format").select_option("short_video")
    page.locator("#pillar").fill("Launch teaser")
    page.locator("#brief").fill("First look, 15 seconds")
    shot(page, "calendar-item-form-en")
    page.get_by_role("button", name="Add calendar item").click()
    page.wait_for_load_state()
    assert "Calendar item added on March 20, 2027." in page.content()
    assert "calendar?month=2027-03" in page.url
    cell = page.locator(".calendar-grid .calendar-item", has_text="Launch teaser")
    assert "Spring launch" in cell.inner_text()
    shot(page, "calendar-month-edit-links-en")

    cell.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    page.locator("#status").select_option("drafted")
    page.get_by_role("button", name="Save calendar item").click()
    page.wait_for_load_state()
    cell = page.locator(".calendar-grid .calendar-item", has_text="Launch teaser")
    assert "Drafted" in cell.inner_text()

    cell.get_by_role("link", name="Move").click()
    page.wait_for_load_state()
    page.locator("#date").fill("2027-03-25")
    page.get_by_role("button", name="Move").click()
    page.wait_for_load_state()
    assert "Calendar item moved to March 25, 2027." in page.content()

    cell = page.locator(".calendar-grid .calendar-item", has_text="Launch teaser")
    cell.get_by_role("link", name="Delete").click()
    page.wait_for_load_state()
    assert "Delete this calendar item?" in page.content()
    shot(page, "calendar-item-delete-en")
    page.get_by_role("button", name="Delete calendar item").click()
    page.wait_for_load_state()
    assert page.locator(".calendar-item", has_text="Launch teaser").count() == 0
    ctx.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_arabic_list_and_form_fit_the_screen(browser, live_server, alpha, shot, width):
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models import User
    from tenants.context import system_scope

    make_plan(alpha)
    with system_scope():
        user = db.session.scalar(select(User).where(User.id == alpha.team.user_id))
        user.locale = "ar"
        db.session.commit()
    ctx, page = _sign_in(browser, live_server, alpha.team.user.email, width=width)
    page.goto(f"{live_server}/brands/{alpha.brand.id}/calendar?month=2027-03")
    _no_overflow(page)
    agenda = page.locator(".calendar-agenda")
    assert agenda.is_visible() == (width == 390)  # phones get the list of days
    shot(page, f"calendar-month-ar-{width}")
    page.goto(f"{live_server}/brands/{alpha.brand.id}/calendar?month=2027-03&view=list")
    assert agenda.is_visible()
    _no_overflow(page)
    page.locator(".calendar-add-day").first.click()
    page.wait_for_load_state()
    _no_overflow(page)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("#network").select_option("instagram")
    page.locator("#pillar").fill("روحانيات")
    shot(page, f"calendar-item-form-ar-{width}")
    page.get_by_role("button", name="إضافة العنصر").click()
    page.wait_for_load_state()
    assert "view=list" in page.url
    assert "أُضيف عنصر إلى الروزنامة" in page.content()
    ctx.close()
