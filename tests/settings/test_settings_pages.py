"""Agency settings, profile and password: who may open them, and what saving changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, AuditEvent, User
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD


def _agency(world) -> Agency:
    """The agency as stored now (re-read: requests committed in their own sessions)."""
    with system_scope():
        db.session.expire_all()
        return db.session.scalar(select(Agency).where(Agency.id == world.agency.id))


def _user(membership) -> User:
    with system_scope():
        db.session.expire_all()
        return db.session.scalar(select(User).where(User.id == membership.user_id))


def test_owner_sees_the_agency_settings_with_the_sub_navigation(login_as, alpha):
    client = login_as(alpha.owner)

    resp = client.get("/settings/")

    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'value="Alpha Agency"' in page
    assert 'value="#2f5bea"' in page
    assert "/settings/audit" in page and "/settings/outbox" in page


@pytest.mark.parametrize("role", ["consultant", "leader", "team"])
def test_only_the_owner_may_open_agency_settings(login_as, alpha, role):
    client = login_as(getattr(alpha, role))

    assert client.get("/settings/").status_code == 403
    resp = client.post(
        "/settings/", data={"name": "Hijacked", "accent_color": "#000000", "default_locale": "en"}
    )
    assert resp.status_code == 403
    assert _agency(alpha).name == "Alpha Agency"


def test_settings_need_a_sign_in(client, alpha):
    for path in (
        "/settings/",
        "/settings/profile",
        "/settings/tokens",
        "/settings/audit",
        "/settings/outbox",
    ):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert "/login" in resp.headers["Location"]


def test_owner_saves_name_colour_and_language_and_it_is_audited(login_as, alpha):
    client = login_as(alpha.owner)

    resp = client.post(
        "/settings/",
        data={"name": "Alpha Collective", "accent_color": "#AA3366", "default_locale": "ar"},
    )

    assert resp.status_code == 302
    agency = _agency(alpha)
    assert (agency.name, agency.accent_color, agency.default_locale) == (
        "Alpha Collective",
        "#aa3366",
        "ar",
    )
    with tenant_scope(alpha.agency.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.updated"))
    assert event.details["changed"] == ["accent_color", "default_locale", "name"]
    assert event.actor_email == "owner@alpha.test"
    page = client.get("/settings/").get_data(as_text=True)
    assert "Agency settings saved." in page
    assert "/settings/accent.css?v=aa3366" in page


@pytest.mark.parametrize(
    "colour", ["red", "#12345", "#1234567", "#gggggg", "#aa3366;}body{display:none", ""]
)
def test_invalid_accent_colour_is_refused_next_to_the_field(login_as, alpha, colour):
    client = login_as(alpha.owner)

    resp = client.post(
        "/settings/", data={"name": "Alpha", "accent_color": colour, "default_locale": "en"}
    )

    assert resp.status_code == 200
    assert 'id="accent_color-error"' in resp.get_data(as_text=True)
    assert _agency(alpha).accent_color == "#2f5bea"


def test_unknown_default_language_is_refused(login_as, alpha):
    client = login_as(alpha.owner)

    resp = client.post(
        "/settings/", data={"name": "Alpha", "accent_color": "#112233", "default_locale": "fr"}
    )

    assert 'id="default_locale-error"' in resp.get_data(as_text=True)
    assert _agency(alpha).default_locale == "en"


@pytest.mark.parametrize("role", ["owner", "consultant", "leader", "team"])
def test_every_member_can_open_their_profile(login_as, alpha, role):
    client = login_as(getattr(alpha, role))

    resp = client.get("/settings/profile")

    assert resp.status_code == 200
    assert getattr(alpha, role).user.email in resp.get_data(as_text=True)


def test_client_sub_navigation_hides_owner_pages(login_as, alpha):
    page = login_as(alpha.team).get("/settings/profile").get_data(as_text=True)

    assert "/settings/tokens" in page
    assert "/settings/audit" not in page
    assert "/settings/outbox" not in page


def test_choosing_arabic_saves_the_locale_and_the_next_page_is_arabic(login_as, alpha):
    client = login_as(alpha.leader)

    resp = client.post("/settings/profile", data={"name": "قائد ألفا", "locale": "ar"})

    assert resp.status_code == 302
    user = _user(alpha.leader)
    assert (user.name, user.locale) == ("قائد ألفا", "ar")
    page = client.get("/settings/profile").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert 'lang="ar"' in page


def test_profile_refuses_an_empty_name(login_as, alpha):
    client = login_as(alpha.team)

    resp = client.post("/settings/profile", data={"name": "  ", "locale": "en"})

    assert 'id="name-error"' in resp.get_data(as_text=True)
    assert _user(alpha.team).name == "Alpha Team"


def test_password_change_needs_the_current_password(login_as, alpha):
    client = login_as(alpha.consultant)
    before = _user(alpha.consultant).password_hash

    resp = client.post(
        "/settings/profile/password",
        data={"current_password": "not my password", "new_password": "a brand new password"},
    )

    assert 'id="current_password-error"' in resp.get_data(as_text=True)
    assert _user(alpha.consultant).password_hash == before


def test_password_change_works_keeps_this_session_and_ends_others(db_app, login_as, alpha):
    other_device = db_app.test_client()
    other_device.post("/login", data={"email": "consultant@alpha.test", "password": PASSWORD})
    assert other_device.get("/settings/profile").status_code == 200
    client = login_as(alpha.consultant)

    resp = client.post(
        "/settings/profile/password",
        data={"current_password": PASSWORD, "new_password": "a brand new password"},
    )

    assert resp.status_code == 302
    assert client.get("/settings/profile").status_code == 200  # still signed in here
    assert other_device.get("/settings/profile").status_code == 302  # signed out there
    fresh = db_app.test_client()
    assert (
        fresh.post(
            "/login", data={"email": "consultant@alpha.test", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert (
        fresh.post(
            "/login", data={"email": "consultant@alpha.test", "password": "a brand new password"}
        ).status_code
        == 302
    )
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "user.password_changed")
            )
            is not None
        )


def test_a_weak_new_password_is_refused(login_as, alpha):
    client = login_as(alpha.owner)

    resp = client.post(
        "/settings/profile/password", data={"current_password": PASSWORD, "new_password": "short"}
    )

    assert 'id="new_password-error"' in resp.get_data(as_text=True)


def test_names_with_control_characters_are_refused_not_a_500(login_as, alpha):
    client = login_as(alpha.owner)

    agency = client.post(
        "/settings/", data={"name": "Alpha\x00", "accent_color": "#112233", "default_locale": "en"}
    )
    profile = client.post("/settings/profile", data={"name": "Me\x00", "locale": "en"})
    token = client.post("/settings/tokens", data={"name": "CI\x00"})

    for resp in (agency, profile, token):
        assert resp.status_code == 200
        assert 'id="name-error"' in resp.get_data(as_text=True)
    assert _agency(alpha).name == "Alpha Agency"
