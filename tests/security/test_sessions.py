"""Sessions end on the server: sign-out, sign out everywhere, password reset.

Regression tests for issue 7, item 2 (a cookie copied before sign-out still worked).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken
from tenants.context import system_scope
from tests import factories
from tests.auth.helpers import RESET_LINK, delivered_link
from tests.mailbox import last_to

NEW_PASSWORD = "a brand new passphrase"


def _sign_in(app, email: str, remember: bool = False):
    browser = app.test_client()
    data = {"email": email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    resp = browser.post("/login", data=data)
    assert resp.status_code == 302
    return browser, resp


def _copy_cookies(source, target, names=("session", "remember_token")) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def _signed_in(browser) -> bool:
    return browser.get("/settings/profile").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(db_app, alpha):
    browser, _ = _sign_in(db_app, "owner@alpha.test")
    thief = db_app.test_client()
    _copy_cookies(browser, thief, names=("session",))
    assert _signed_in(thief)

    assert browser.post("/logout").status_code == 302
    assert not _signed_in(browser)
    assert not _signed_in(thief)


def test_a_replayed_remember_me_cookie_is_dead_after_sign_out(db_app, alpha):
    browser, _ = _sign_in(db_app, "owner@alpha.test", remember=True)
    remembered = browser.get_cookie("remember_token")
    assert remembered is not None
    browser.post("/logout")

    replay = db_app.test_client()
    replay.set_cookie("remember_token", remembered.value)
    assert not _signed_in(replay)


def test_the_remember_me_cookie_lasts_fourteen_days_by_default(db_app, alpha):
    assert db_app.config["REMEMBER_COOKIE_DURATION"] == 14 * 24 * 3600
    _browser, resp = _sign_in(db_app, "owner@alpha.test", remember=True)
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = cookie.split("Expires=", 1)[1].split(";", 1)[0]
    when = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    days = (when - datetime.now(UTC)).total_seconds() / 86400
    assert 13.9 < days <= 14.0


def test_sign_out_everywhere_ends_every_session_of_the_person(db_app, alpha):
    laptop, _ = _sign_in(db_app, "consultant@alpha.test", remember=True)
    phone, _ = _sign_in(db_app, "consultant@alpha.test")
    someone_else, _ = _sign_in(db_app, "owner@alpha.test")

    confirm = phone.get("/settings/profile/sessions/end")
    assert confirm.status_code == 200
    assert "Sign out on every device?" in confirm.get_data(as_text=True)
    assert _signed_in(laptop)  # asking is not doing

    done = phone.post("/settings/profile/sessions/end")
    assert done.status_code == 302
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    laptop_remembered = db_app.test_client()
    _copy_cookies(laptop, laptop_remembered, names=("remember_token",))
    assert not _signed_in(laptop_remembered)
    assert _signed_in(someone_else)


def test_a_password_change_ends_other_sessions_but_keeps_this_one(db_app, alpha):
    here, _ = _sign_in(db_app, "owner@alpha.test")
    elsewhere, _ = _sign_in(db_app, "owner@alpha.test")
    resp = here.post(
        "/settings/profile/password",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_a_password_reset_revokes_api_tokens_and_says_so(db_app, client, alpha, api, run_jobs):
    token = alpha.tokens["owner"]
    assert api(token).get("/api/v1/me").status_code == 200

    client.post("/password/forgot", data={"email": "owner@alpha.test"})
    run_jobs()
    reset_email = last_to("owner@alpha.test", "Reset")
    assert "revokes your API tokens" in reset_email.text
    path = delivered_link("owner@alpha.test", RESET_LINK)
    resp = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    run_jobs()

    assert api(token).get("/api/v1/me").status_code == 401
    notice = last_to("owner@alpha.test", "was reset")
    assert "We revoked your 1 API token" in notice.text
    assert "/password/reset/" not in notice.text and "/login/link/" not in notice.text
    with system_scope():
        active = db.session.scalars(
            select(ApiToken).where(
                ApiToken.user_id == alpha.owner.user_id, ApiToken.revoked_at.is_(None)
            )
        ).all()
    assert active == []


def test_an_ordinary_password_change_keeps_api_tokens(db_app, alpha, api):
    here, _ = _sign_in(db_app, "owner@alpha.test")
    here.post(
        "/settings/profile/password",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert api(alpha.tokens["owner"]).get("/api/v1/me").status_code == 200


def test_removal_from_the_agency_ends_the_members_sessions(db_app, alpha, login_as):
    team, _ = _sign_in(db_app, "team@alpha.test")
    owner = login_as(alpha.owner)
    assert owner.post(f"/members/{alpha.team.id}/remove").status_code in (302, 303)
    assert not _signed_in(team)
