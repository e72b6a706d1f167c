"""Journey 1 in a real browser: sign up, create brands, invite a client leader, who arrives
through the link (in a second, separate browser context) and sees only their brand."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _fill_signup(page, base: str) -> None:
    page.goto(f"{base}/signup")
    form = page.locator("form[action$='/signup']")
    form.locator("#agency_name").fill("Crescent Social")
    form.locator("#name").fill("Huda Owner")
    form.locator("#email").fill("huda@crescent.example")
    form.locator("#password").fill("a long enough password")
    form.locator("button[type=submit]").click()


def _create_brand(page, base: str, name: str) -> None:
    page.goto(f"{base}/brands/new")
    form = page.locator("form[action$='/brands/new']")
    form.locator("#name").fill(name)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert name in page.content()


def test_owner_invites_a_client_leader_who_sees_only_their_brand(browser, live_server, shot):
    base = live_server
    owner_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    owner = owner_ctx.new_page()

    _fill_signup(owner, base)
    owner.wait_for_url(re.compile(r"/$"))
    assert "Crescent Social" in owner.content()
    shot(owner, "journey-01-dashboard")

    _create_brand(owner, base, "Sahara Dates")
    _create_brand(owner, base, "Oasis Water")
    shot(owner, "journey-02-brand")

    owner.goto(f"{base}/members/")
    invite = owner.locator("form[action$='/members/invite']")
    invite.locator("#email").fill("leader@sahara.example")
    invite.locator("#role").select_option("client_leader")
    invite.locator("label.check", has_text="Sahara Dates").locator("input").check()
    invite.locator("button[type=submit]").click()
    owner.wait_for_load_state()
    link = owner.locator("input[readonly]").first.input_value()
    assert "/invitations/" in link
    shot(owner, "journey-03-invited")

    # The leader opens the link in a separate browser context (no shared cookies).
    leader_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    leader = leader_ctx.new_page()
    path = link[link.index("/invitations/") :]
    leader.goto(f"{base}{path}")
    leader.locator("#name").fill("Faisal Leader")
    leader.locator("#password").fill("another long password")
    leader.locator("form.form button[type=submit]").click()
    leader.wait_for_load_state()
    assert "Sahara Dates" in leader.content()
    shot(leader, "journey-04-leader-brand")

    leader.goto(f"{base}/brands/")
    content = leader.content()
    assert "Sahara Dates" in content
    assert "Oasis Water" not in content

    # Signing out and back in with the new password works, and still shows one brand.
    leader_ctx.clear_cookies()
    leader.goto(f"{base}/login")
    form = leader.locator("form[action$='/login']")
    form.locator("#email").fill("leader@sahara.example")
    form.locator("#password").fill("another long password")
    form.locator("button[type=submit]").click()
    leader.wait_for_load_state()
    assert "Sahara Dates" in leader.content()
    assert "Oasis Water" not in leader.content()
    leader.goto(f"{base}/members/")
    assert "Oasis Water" not in leader.content()

    owner_ctx.close()
    leader_ctx.close()


def test_arabic_login_page_is_right_to_left(browser, live_server, shot):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    page = ctx.new_page()
    page.goto(f"{live_server}/language/ar?next=/login")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    shot(page, "login-ar-phone")
    ctx.close()
