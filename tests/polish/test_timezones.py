"""The time-zone picker: the region's zones first, each city once (no "US/Eastern" or
"Etc/GMT+3"), with its UTC offset in the reader's language, and a new workspace starts from
the agency's usual zone (the browser's, through timezone.js) rather than UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from saas.extensions import db
from saas.presentation import timezones
from tenants.context import tenant_scope


def test_canonical_zones_have_no_aliases():
    zones = set(timezones.canonical_zones())
    assert {"Asia/Riyadh", "Europe/London", "America/New_York", "UTC"} <= zones
    for alias in ("US/Eastern", "Etc/GMT+3", "Egypt", "GB", "Asia/Calcutta", "Europe/Kiev"):
        assert alias not in zones
    assert not [z for z in zones if z.startswith(("Etc/", "US/", "SystemV/"))]
    assert 300 < len(zones) < 500


def test_offsets_read_like_a_clock():
    winter = datetime(2027, 1, 15, 12, tzinfo=UTC)
    assert timezones.offset_text("Asia/Riyadh", winter) == "UTC+03:00"
    assert timezones.offset_text("America/New_York", winter) == "UTC\u221205:00"
    assert timezones.offset_text("Asia/Kolkata", winter) == "UTC+05:30"
    assert timezones.offset_text("Europe/London", winter) == "UTC"


@pytest.mark.usefixtures("db_app")
def test_common_zones_come_first_in_both_languages():
    for locale, city in (("en", "Riyadh"), ("ar", "الرياض")):
        groups = timezones.grouped_choices(locale)
        common, rest = list(groups.values())
        assert [z for z, _ in common][:3] == ["Asia/Riyadh", "Asia/Dubai", "Asia/Qatar"]
        assert common[0][1].startswith(city) and "UTC+03:00" in common[0][1]
        assert not {z for z, _ in common} & {z for z, _ in rest}


def _selected(html: str) -> str:
    select = html.split('id="timezone"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select)[
        0
    ].split('"')[1]


def test_new_brand_form_starts_from_the_agency_zone(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        for brand in (alpha.brand, alpha.other_brand):
            db.session.merge(brand).timezone = "Asia/Dubai"
        db.session.commit()
    login_as(alpha.owner)
    html = client.get("/brands/new").get_data(as_text=True)
    select = re.search(r"<select[^>]*id=\"timezone\"[^>]*>", html).group(0)
    assert "data-browser-zone" in select
    assert re.search(
        r'<option selected value="Asia/Dubai">|<option value="Asia/Dubai" selected', html
    )
    assert "timezone.js" in html
    assert "<optgroup" in html and 'value="US/Eastern"' not in html


def test_a_saved_old_alias_stays_selected_when_editing(alpha, login_as, client):
    with tenant_scope(alpha.agency.id):
        db.session.merge(alpha.brand).timezone = "US/Eastern"
        db.session.commit()
    login_as(alpha.owner)
    html = client.get(f"/brands/{alpha.brand.id}/edit").get_data(as_text=True)
    assert re.search(
        r'<option selected value="US/Eastern">|<option value="US/Eastern" selected', html
    )
    assert "data-browser-zone" not in html


@pytest.mark.browser
def test_the_browser_zone_is_preselected_on_a_new_brand(browser, live_server, alpha):
    from tests.factories import PASSWORD

    ctx = browser.new_context(viewport={"width": 390, "height": 900}, timezone_id="Asia/Kuwait")
    page = ctx.new_page()
    page.goto(f"{live_server}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill("owner@alpha.test")
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/brands/new")
    page.wait_for_load_state()
    assert page.locator("#timezone").input_value() == "Asia/Kuwait"
    page.goto(f"{live_server}/brands/{alpha.brand.id}/edit")  # a saved zone is never replaced
    assert page.locator("#timezone").input_value() == "UTC"
    ctx.close()
