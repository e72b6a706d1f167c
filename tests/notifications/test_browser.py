"""In a real browser, signed out: open the email's link, press the button, the kind is off.

Also keeps page images (``artifacts/notifications-*.png``) of the email and the pages in
both languages at phone width, for a person to look at.
"""

from __future__ import annotations

import pytest

from saas.services import mail
from tests.factories import PASSWORD
from tests.notifications.conftest import (
    delivered,
    draft_plan,
    html_of,
    set_locale,
    submit,
    unsubscribe_path,
    wants,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_unsubscribing_from_the_email_in_a_browser(alpha, live_server, browser, shot, locale):
    set_locale(alpha.consultant, locale)
    submit(alpha, draft_plan(alpha))
    message = delivered("consultant@alpha.test")[0]
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.set_content(html_of(message))
        shot(page, f"notifications-email-{locale}")

        page.goto(live_server + unsubscribe_path(message))
        assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
        shot(page, f"notifications-unsubscribe-{locale}")
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        shot(page, f"notifications-unsubscribed-{locale}")
        assert page.locator("[role=status]").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        context.close()
    assert not wants(alpha.consultant.user_id, "plan_submitted")


def test_choosing_notifications_in_settings_in_a_browser(alpha, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server + "/login")
        page.fill("input[name=email]", "consultant@alpha.test")
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        page.goto(live_server + "/settings/notifications")
        page.locator("input[value=report_ready]").uncheck()
        shot(page, "notifications-settings-en")
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("input[value=report_ready]").is_checked() is False
        assert page.locator("input[value=plan_submitted]").is_checked() is True
    finally:
        context.close()
    uid = alpha.consultant.user_id
    assert not wants(uid, "report_ready")
    assert all(wants(uid, k) for k in mail.PRODUCT_MAIL if k != "report_ready")
