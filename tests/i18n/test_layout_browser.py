"""Does the layout work on a 360 px phone, in English and in Arabic, without JavaScript?

Real Chromium: no page scrolls sideways, the page really runs right to left in Arabic, and
the account menu (a <details> element) opens inside the screen.
"""

from __future__ import annotations

import pytest

from saas.extensions import db
from tenants.context import system_scope
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _context(browser, base: str, lang: str):
    ctx = browser.new_context(viewport=PHONE)
    ctx.add_cookies([{"name": "lang", "value": lang, "url": base}])
    return ctx


@pytest.mark.parametrize("lang,direction", [("en", "ltr"), ("ar", "rtl")])
def test_public_pages_fit_a_phone_and_follow_the_language(
    browser, live_server, shot, lang, direction
):
    ctx = _context(browser, live_server, lang)
    page = ctx.new_page()
    try:
        for path in ("/login", "/signup"):
            page.goto(live_server + path)
            assert page.evaluate("() => getComputedStyle(document.documentElement).direction") == (
                direction
            )
            assert page.evaluate(OVERFLOW_JS) == 0, f"{path} scrolls sideways at 360 px ({lang})"
            # Form controls take the full width of the card on a phone.
            card = page.locator(".auth-card").first.bounding_box()
            field = page.locator(".auth-card input[type=email]").first.bounding_box()
            assert field["width"] > card["width"] * 0.8
        shot(page, f"i18n-signup-{lang}-360")
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_signed_in_pages_fit_a_phone_and_the_account_menu_opens_on_screen(
    browser, live_server, shot, alpha, lang
):
    with system_scope():
        user = alpha.owner.user
        user.locale = lang  # a signed-in person's own setting decides the language
        email = user.email
        db.session.commit()
    ctx = _context(browser, live_server, lang)
    page = ctx.new_page()
    try:
        page.goto(live_server + "/login")
        form = page.locator("form[action$='/login']")
        form.locator("input[type=email]").fill(email)
        form.locator("input[type=password]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        for path in ("/", "/brands/", "/members/"):
            page.goto(live_server + path)
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            assert page.evaluate(OVERFLOW_JS) == 0, f"{path} scrolls sideways at 360 px ({lang})"
        # The main navigation stays reachable (its own row on a phone).
        nav = page.locator(".mainnav").first.bounding_box()
        assert nav["width"] >= PHONE["width"] - 2
        # No JavaScript: clicking the summary opens the menu, fully inside the screen.
        page.locator(".usermenu > summary").click()
        menu = page.locator(".usermenu .menu")
        assert menu.is_visible()
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        shot(page, f"i18n-members-menu-{lang}-360")
    finally:
        ctx.close()
