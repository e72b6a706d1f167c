"""Session fixation: signing in (and finishing the second factor) gives a new session;
a cookie from before cannot be used after; signing out ends the server-side session.

Issue 14 item 3.
"""

from __future__ import annotations

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import UserSession
from tenants.context import system_scope
from tests.accounts.helpers import code, enable_two_factor
from tests.factories import PASSWORD


def _cookie(browser) -> str | None:
    cookie = browser.get_cookie("session")
    return cookie.value if cookie is not None else None


def _as(app, cookie_value: str | None):
    other = app.test_client()
    if cookie_value is not None:
        other.set_cookie("session", cookie_value)
    return other


def _signed_in(browser) -> bool:
    return browser.get("/settings/profile").status_code == 200


def _sessions_of(user_id: int) -> int:
    with system_scope():
        return db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
        )


def test_sign_in_gives_a_new_session_and_the_old_cookie_stays_anonymous(db_app, alpha):
    browser = db_app.test_client()
    browser.get("/login")  # an attacker could have planted this cookie
    with browser.session_transaction() as sess:
        sess["planted"] = "by-the-attacker"
    before = _cookie(browser)
    assert before is not None
    resp = browser.post("/login", data={"email": alpha.owner.user.email, "password": PASSWORD})
    assert resp.status_code == 302
    after = _cookie(browser)
    assert after != before
    with browser.session_transaction() as sess:
        assert "planted" not in sess  # nothing of the old session is carried over
        first_id = sess["_user_id"]
    assert _signed_in(browser)
    assert not _signed_in(_as(db_app, before))

    # Signing in again (same browser) makes another server-side session, never the same id.
    browser.post("/logout")
    browser.post("/login", data={"email": alpha.owner.user.email, "password": PASSWORD})
    with browser.session_transaction() as sess:
        assert sess["_user_id"] != first_id


def test_finishing_the_second_factor_gives_a_new_session(db_app, alpha):
    browser = db_app.test_client()
    secret, _codes = enable_two_factor(browser, alpha.owner.user.email)
    resp = browser.post("/login", data={"email": alpha.owner.user.email, "password": PASSWORD})
    assert "/login/two-factor" in resp.headers["Location"]
    half_way = _cookie(browser)
    assert not _signed_in(_as(db_app, half_way))
    assert browser.post("/login/two-factor", data={"code": code(secret)}).status_code == 302
    assert _signed_in(browser)
    assert _cookie(browser) != half_way
    # The half-way cookie still cannot reach anything; it would need another fresh code.
    assert not _signed_in(_as(db_app, half_way))
    with browser.session_transaction() as sess:
        assert "two_factor_pending" not in sess


def _ended(user_id: int) -> int:
    db.session.expire_all()
    with system_scope():
        return db.session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_not(None))
        )


def test_sign_out_ends_the_server_side_session(db_app, alpha):
    browser = db_app.test_client()
    user_id = alpha.owner.user_id
    browser.post("/login", data={"email": alpha.owner.user.email, "password": PASSWORD})
    signed_in = _cookie(browser)
    assert _sessions_of(user_id) == 1
    assert _ended(user_id) == 0
    assert browser.post("/logout").status_code in (302, 303)
    assert _ended(user_id) == 1
    assert not _signed_in(_as(db_app, signed_in))  # the copied cookie is dead
