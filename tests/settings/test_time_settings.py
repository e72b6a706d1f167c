"""A person's time zone and working hours on the profile page: the defaults they start from
(the browser's zone, else their brand's; Sunday–Thursday in Arabic, Monday–Friday
otherwise), saving, refusals next to the fields, and what suggestions then use."""

from __future__ import annotations

import re

from saas.extensions import db
from saas.models import Brand, User
from tenants.context import system_scope, tenant_scope

PROFILE = "/settings/profile"
SAVE = "/settings/profile/time"


def user_of(membership) -> User:
    db.session.expire_all()
    with system_scope():
        return db.session.get(User, membership.user_id)


def checked_days(page: str) -> set[str]:
    return set(re.findall(r'<input[^>]*checked[^>]*name="days"[^>]*value="(\d)"', page)) | set(
        re.findall(r'<input[^>]*name="days"[^>]*value="(\d)"[^>]*checked', page)
    )


def selected_zone(page: str) -> str | None:
    select = re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S)
    assert select, "no time-zone picker"
    found = re.search(
        r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select[0]
    )
    return (found[1] or found[2]) if found else None


def set_locale(membership, locale: str) -> None:
    with system_scope():
        user = db.session.get(User, membership.user_id)
        user.locale = locale
        db.session.commit()


def test_an_english_user_starts_from_monday_to_friday_on_the_brands_clock(alpha, login_as):
    with tenant_scope(alpha.agency.id):
        db.session.get(Brand, alpha.brand.id).timezone = "Asia/Dubai"
        db.session.commit()
    set_locale(alpha.leader, "en")
    page = login_as(alpha.leader).get(PROFILE).get_data(as_text=True)
    assert "Time zone and working hours" in page
    assert checked_days(page) == {"0", "1", "2", "3", "4"}
    assert 'value="09:00"' in page and 'value="17:00"' in page
    assert selected_zone(page) == "Asia/Dubai"
    assert "data-browser-zone" in page and "timezone.js" in page


def test_an_arabic_user_starts_from_sunday_to_thursday(alpha, login_as):
    set_locale(alpha.leader, "ar")
    page = login_as(alpha.leader).get(PROFILE).get_data(as_text=True)
    assert checked_days(page) == {"6", "0", "1", "2", "3"}
    assert "المنطقة الزمنية" in page and "الأحد" in page


def test_the_browsers_zone_is_the_default_when_it_is_known(alpha, login_as):
    client = login_as(alpha.leader)
    client.set_cookie("tz", "Europe/London")
    page = client.get(PROFILE).get_data(as_text=True)
    assert selected_zone(page) == "Europe/London"


def test_saving_stores_the_zone_and_hours_and_shows_them_again(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(
        SAVE,
        data={
            "timezone": "America/New_York",
            "days": ["0", "1", "2"],
            "start": "08:30",
            "end": "16:00",
        },
    )
    assert resp.status_code == 303
    user = user_of(alpha.consultant)
    assert user.timezone == "America/New_York"
    assert user.working_hours == {"days": [0, 1, 2], "start": "08:30", "end": "16:00"}
    page = client.get(PROFILE).get_data(as_text=True)
    assert "Your time zone and working hours were saved." in page
    assert selected_zone(page) == "America/New_York" and checked_days(page) == {"0", "1", "2"}
    assert 'value="08:30"' in page and "data-browser-zone" not in page


def test_the_default_hours_are_kept_as_the_default(alpha, login_as):
    set_locale(alpha.leader, "ar")
    client = login_as(alpha.leader)
    resp = client.post(
        SAVE,
        data={
            "timezone": "Asia/Riyadh",
            "days": ["6", "0", "1", "2", "3"],
            "start": "09:00",
            "end": "17:00",
        },
    )
    assert resp.status_code == 303
    user = user_of(alpha.leader)
    assert user.timezone == "Asia/Riyadh" and user.working_hours is None


def test_bad_values_are_refused_next_to_the_fields_and_change_nothing(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(
        SAVE, data={"timezone": "Mars/Olympus", "days": [], "start": "17:00", "end": "09:00"}
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Choose a time zone from the list" in page
    assert "Choose at least one working day." in page
    assert "The working day must end after it starts." in page
    assert 'value="17:00"' in page  # what was typed stays
    resp = client.post(
        SAVE, data={"timezone": "UTC", "days": ["0", "9"], "start": "9am", "end": "17:00"}
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Choose working days from the list." in page
    assert "Enter a time of day such as 09:00." in page
    user = user_of(alpha.consultant)
    assert user.timezone is None and user.working_hours is None


def test_suggested_times_fall_inside_the_saved_hours(alpha, login_as, api):
    client = login_as(alpha.owner)
    resp = client.post(
        SAVE, data={"timezone": "UTC", "days": ["2"], "start": "13:00", "end": "15:00"}
    )
    assert resp.status_code == 303
    body = (
        api(alpha.tokens["owner"])
        .get(f"/api/v1/brands/{alpha.brand.id}/sessions/suggestions?duration_minutes=60")
        .get_json()
    )
    assert body["data"]
    for slot in body["data"]:
        assert (
            slot["local"]["starts_at"][11:] >= "13:00" and slot["local"]["ends_at"][11:] <= "15:00"
        )
