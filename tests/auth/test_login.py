"""Signing in and out with a password: fresh sessions, one generic error, safe redirects."""

from __future__ import annotations

from http.cookies import SimpleCookie

from saas.extensions import db
from tests import factories
from tests.auth.helpers import audit_actions

GENERIC = "Email or password is incorrect."


def _session_cookie(resp) -> str | None:
    for header in resp.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie(header)
        if "session" in cookie:
            return cookie["session"].value
    return None


def _cookie_header(resp, name: str) -> str:
    [header] = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return header


def test_login_page_offers_password_magic_link_signup_and_forgot(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Sign in to Tandem" in page
    assert 'action="/login/link"' in page
    assert 'href="/signup"' in page
    assert 'href="/password/forgot"' in page
    assert resp.headers["Cache-Control"] == "no-store"


def test_login_starts_a_new_session_in_the_first_agency(client, alpha):
    with client.session_transaction() as sess:
        sess["planted"] = "from before the login"
    before = client.get_cookie("session").value

    resp = client.post(
        "/login", data={"email": "OWNER@alpha.test ", "password": factories.PASSWORD}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    after = _session_cookie(resp)
    assert after and after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["agency_id"] == alpha.agency.id
        # "<id>:<version>:<session id>": this browser's own session, ended by signing out.
        user = alpha.owner.user
        prefix = f"{user.id}:{user.session_version}:"
        assert sess["_user_id"].startswith(prefix)
        assert len(sess["_user_id"]) > len(prefix) + 20
    assert audit_actions(alpha.agency.id)[-1] == "auth.login"


def test_signed_in_user_opening_login_goes_to_the_dashboard(client, alpha, login_as):
    login_as(alpha.consultant)
    resp = client.get("/login")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, alpha):
    wrong = client.post("/login", data={"email": "owner@alpha.test", "password": "nope nope nope"})
    unknown = client.post("/login", data={"email": "nobody@alpha.test", "password": "whatever!!"})
    for resp in (wrong, unknown):
        assert resp.status_code == 401
        page = resp.get_data(as_text=True)
        assert GENERIC in page
        assert 'value="' + ("owner" if resp is wrong else "nobody") + "@alpha.test" in page
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    # Audited in the agency of the account that was tried; the unknown address leaves no row.
    assert audit_actions(alpha.agency.id).count("auth.login_failed") == 1


def test_remember_me_sets_an_httponly_lax_cookie(client, alpha):
    resp = client.post(
        "/login",
        data={"email": "owner@alpha.test", "password": factories.PASSWORD, "remember": "y"},
    )
    assert resp.status_code == 302
    remember = _cookie_header(resp, "remember_token").lower()
    assert "httponly" in remember
    assert "samesite=lax" in remember
    session = _cookie_header(resp, "session").lower()
    assert "httponly" in session and "samesite=lax" in session


def test_without_remember_me_no_remember_cookie_is_set(client, alpha):
    resp = client.post("/login", data={"email": "owner@alpha.test", "password": factories.PASSWORD})
    assert not [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]


def test_login_follows_a_safe_next_and_ignores_an_offsite_one(client, alpha):
    data = {"email": "owner@alpha.test", "password": factories.PASSWORD}
    resp = client.post("/login?next=/brands/?page=2", data=data)
    assert resp.headers["Location"] == "/brands/?page=2"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        resp = client.post("/login", data={**data, "next": evil})
        assert resp.status_code == 302
        assert resp.headers["Location"] == "/", evil


def test_login_page_carries_next_into_the_form(client):
    page = client.get("/login?next=/brands/").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/brands/"' in page


def test_user_without_any_membership_is_refused_with_a_clear_message(client, db_app):
    factories.user(email="loner@example.test")
    db.session.commit()
    resp = client.post(
        "/login", data={"email": "loner@example.test", "password": factories.PASSWORD}
    )
    assert resp.status_code == 403
    assert "not part of any agency" in resp.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_inactive_user_cannot_sign_in(client, alpha):
    alpha.team.user.is_active_user = False
    db.session.commit()
    resp = client.post("/login", data={"email": "team@alpha.test", "password": factories.PASSWORD})
    assert resp.status_code == 401
    assert GENERIC in resp.get_data(as_text=True)


def test_logout_ends_the_session_and_the_remember_cookie(client, alpha):
    client.post(
        "/login",
        data={"email": "owner@alpha.test", "password": factories.PASSWORD, "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None
    resp = client.post("/logout")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login"
    assert client.get_cookie("remember_token") is None
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    page = client.get("/login")
    assert page.status_code == 200  # no longer signed in: the form, not a redirect
    assert "You are signed out." in page.get_data(as_text=True)
    assert "auth.logout" in audit_actions(alpha.agency.id)


def test_logout_only_accepts_post(client):
    assert client.get("/logout").status_code == 405


def test_login_without_csrf_token_is_rejected(client, alpha, db_app):
    db_app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = client.post(
            "/login", data={"email": "owner@alpha.test", "password": factories.PASSWORD}
        )
        assert resp.status_code == 400
        assert "Your form expired" in resp.get_data(as_text=True)
        with client.session_transaction() as sess:
            assert "_user_id" not in sess
        # The page itself carries a token, and posting it back works.
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        resp = client.post(
            "/login",
            data={"email": "owner@alpha.test", "password": factories.PASSWORD, "csrf_token": token},
        )
        assert resp.status_code == 302
    finally:
        db_app.config["WTF_CSRF_ENABLED"] = False
