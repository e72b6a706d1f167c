"""The screens of "every path lands" and "invitations that cannot go wrong", looked at in
Chromium as owner, consultant and client leader, at 390 px and 1280 px, in English and
Arabic.  Screenshots go to artifacts/landing-*.png; each page must fit a phone's width
(nothing scrolls sideways but the brand menu itself), and copy buttons copy."""

from __future__ import annotations

import re

import pytest

from saas.extensions import db
from saas.services import invitations as invitation_service
from saas.services import reviews as reviews_service
from tenants.context import tenant_scope
from tests import factories
from tests.factories import PASSWORD
from tests.landing.helpers import add_report

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]
LANGS = ["en", "ar"]


@pytest.fixture
def data(alpha):
    """Reports on the brand, a plan with an open review, an Arabic brand with a client
    invitation; ids only (the browser does the rest)."""
    plan = factories.planning_data(alpha.agency, alpha.brand, goals=2, campaigns=2, calendar=2)
    with tenant_scope(alpha.agency.id):
        plan = db.session.merge(plan)
        consultant = db.session.merge(alpha.consultant)
        review = reviews_service.open_review(plan, consultant)
        db.session.commit()
        review_id = review.id
    add_report(alpha, days_ago=9)
    ready = add_report(alpha, days_ago=2, locale="ar")
    add_report(alpha, status="rendering", days_ago=0)
    arabic = factories.brand(alpha.agency, name="Qamar Coffee", language="ar")
    db.session.commit()
    with tenant_scope(alpha.agency.id):
        owner = db.session.merge(alpha.owner)
        _inv, raw = invitation_service.invite(
            owner, "leila@example.com", "client_leader", [arabic.id]
        )
        brand_id = alpha.brand.id
    return {"brand": brand_id, "review": review_id, "report": ready, "invite": raw}


def _sign_in(page, base: str, email: str, lang: str) -> None:
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/language/{lang}?next=/")  # the person's own choice, kept on the profile
    page.wait_for_load_state()


def _look(page, shot, name: str, width: int) -> None:
    page.wait_for_load_state()
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, name)
    assert fits, f"{name}: the page scrolls sideways at {width} px"


def _context(browser, width: int):
    return browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_owner_screens(browser, live_server, shot, alpha, data, width, lang):
    ctx = _context(browser, width)
    page = ctx.new_page()
    _sign_in(page, live_server, "owner@alpha.test", lang)
    tag = f"landing-owner-{lang}-{width}"
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")

    page.goto(f"{live_server}/brands/{data['brand']}")
    _look(page, shot, f"{tag}-01-overview", width)
    page.locator(
        "section#people-title, section[aria-labelledby=people-title] a[href*='brand_id=']"
    ).first.click()
    page.wait_for_url(re.compile(r"/members/\?brand_id=\d+"))
    assert page.locator("#role").input_value() == "client_team"
    _look(page, shot, f"{tag}-02-invite-from-brand", width)

    page.goto(f"{live_server}/members/")
    assert page.locator("#role").input_value() == "consultant"
    page.locator("#email").fill("partner@example.com")
    page.locator("#role").select_option("owner")
    page.locator("form[action*='/members/invite'].form button[type=submit]").click()
    page.locator("#confirm-owner").wait_for()
    _look(page, shot, f"{tag}-03-owner-confirmation", width)

    page.goto(f"{live_server}/members/?brand_id={data['brand']}")
    page.locator("#email").fill(f"client.{lang}.{width}@example.com")
    page.locator("form[action*='/members/invite'].form button[type=submit]").click()
    page.locator("#invite-link").wait_for()
    copy = page.locator("button[data-copy-target=invite-link]")
    assert copy.is_visible()
    _look(page, shot, f"{tag}-04-invite-link", width)

    page.goto(f"{live_server}/reviews/{data['review']}")
    _look(page, shot, f"{tag}-05-review", width)
    page.goto(f"{live_server}/brands/{data['brand']}/reports")
    _look(page, shot, f"{tag}-06-reports", width)
    ctx.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_consultant_screens(browser, live_server, shot, alpha, data, width, lang):
    ctx = _context(browser, width)
    page = ctx.new_page()
    _sign_in(page, live_server, "consultant@alpha.test", lang)
    tag = f"landing-consultant-{lang}-{width}"
    page.goto(f"{live_server}/brands/{data['brand']}")
    _look(page, shot, f"{tag}-01-overview", width)
    page.goto(f"{live_server}/members/")
    assert page.locator("#role").input_value() == "client_team"
    _look(page, shot, f"{tag}-02-members", width)
    page.goto(f"{live_server}/reviews/{data['review']}")
    create = page.locator("a[href$='/reports#request-title']").first
    assert create.is_visible()
    _look(page, shot, f"{tag}-03-review", width)
    create.click()
    page.wait_for_url(re.compile(r"/reports#request-title$"))
    _look(page, shot, f"{tag}-04-request-report", width)
    ctx.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_client_leader_screens(browser, live_server, shot, alpha, data, width, lang):
    ctx = _context(browser, width)
    page = ctx.new_page()
    _sign_in(page, live_server, "leader@alpha.test", lang)
    tag = f"landing-leader-{lang}-{width}"
    page.goto(f"{live_server}/")
    page.wait_for_url(re.compile(rf"/brands/{data['brand']}$"))
    card = page.locator("section#reports")
    assert card.locator(f"a[href='/reports/{data['report']}']").first.is_visible()
    _look(page, shot, f"{tag}-01-landing", width)
    page.locator("nav.brandnav a[data-section=reports]").click()
    page.wait_for_url(re.compile(r"/reports$"))
    _look(page, shot, f"{tag}-02-reports", width)
    page.goto(f"{live_server}/reports/{data['report']}")
    _look(page, shot, f"{tag}-03-report", width)
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_arabic_invitation_accept_page(browser, live_server, shot, data, width):
    ctx = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 500, locale="en-GB"
    )
    page = ctx.new_page()
    page.goto(f"{live_server}/invitations/{data['invite']}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _look(page, shot, f"landing-accept-ar-{width}", width)
    page.locator("#name").fill("ليلى")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/brands/\d+$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    _look(page, shot, f"landing-accept-ar-{width}-joined", width)
    ctx.close()


def test_copy_buttons_copy_the_links(browser, live_server, alpha, data):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = ctx.new_page()
    _sign_in(page, live_server, "owner@alpha.test", "en")
    page.goto(f"{live_server}/members/?brand_id={data['brand']}")
    page.locator("#email").fill("copied@example.com")
    page.locator("form[action*='/members/invite'].form button[type=submit]").click()
    link = page.locator("#invite-link").input_value()
    button = page.locator("button[data-copy-target=invite-link]")
    button.click()
    page.get_by_role("button", name="Copied", exact=True).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    ctx.close()
