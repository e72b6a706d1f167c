"""In a real browser, with CSRF on: create an API token, see it once, revoke it after confirming."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_owner_creates_then_revokes_a_token_and_reads_the_audit_log(
    live_server,
    browser,
    shot,
    alpha,
    api,
):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server}/settings/tokens")
    page.fill("input[name=name]", "Reporting script")
    page.click("form.form button[type=submit]")
    raw = page.input_value("#new-token")
    assert re.fullmatch(r"tdm_[A-Za-z0-9_-]{40,}", raw)
    shot(page, "settings-token-created")
    assert api(raw).get("/api/v1/me").status_code == 200

    page.goto(f"{live_server}/settings/tokens")
    assert page.locator("#new-token").count() == 0
    page.get_by_role("link", name=re.compile("Revoke.*Reporting script")).click()
    assert "Revoke the token" in page.inner_text("h1")
    page.click("button.danger")
    assert "revoked" in page.inner_text(".flashes")
    assert api(raw).get("/api/v1/me").status_code == 401

    page.goto(f"{live_server}/settings/audit")
    table = page.inner_text("table")
    assert "Revoked an API token" in table and "Created an API token" in table
    shot(page, "settings-audit-log")

    page.goto(f"{live_server}/settings/")
    page.fill("input[name=name]", "Alpha Collective")
    page.click("form.form button[type=submit]")
    assert "Agency settings saved." in page.inner_text(".flashes")
    assert page.input_value("input[name=name]") == "Alpha Collective"
    shot(page, "settings-agency")
    page.close()
