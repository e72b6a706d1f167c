"""In a real browser, with CSRF on: the owner uploads the agency logo on /settings/ and sees it."""

from __future__ import annotations

import pytest

from tests.brands.conftest import png_bytes
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_owner_uploads_the_agency_logo_from_the_settings_page(live_server, browser, shot, alpha):
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", alpha.owner.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server}/settings/")
    assert "No logo yet" in page.inner_text("main")
    page.set_input_files(
        "input[name=logo]",
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes(64, 64)}],
    )
    page.get_by_role("button", name="Upload logo").click()

    assert "Agency logo saved." in page.inner_text(".flashes")
    logo = page.locator("main img[src^='/settings/logo']")
    assert logo.count() == 1
    # The image loads after the page; wait for its decode rather than sample mid-load.
    width = logo.evaluate("img => img.decode().then(() => img.naturalWidth, () => -1)")
    assert width == 64
    shot(page, "polish-agency-logo")
    page.close()
