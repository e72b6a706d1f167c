"""Forgot password: a single-use, expiring emailed link that ends every other session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from saas.extensions import db
from saas.models import OneTimeToken, User
from saas.services.passwords import verify_password
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests import factories
from tests.auth.helpers import RESET_LINK, audit_actions, delivered_link, outbox, tokens_of
from tests.mailbox import last_to

NEW_PASSWORD = "a brand new passphrase"


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


SAME_ANSWER = "If an account exists for"


def _ask_for_reset(client, run_jobs, email: str) -> str:
    resp = client.post("/password/forgot", data={"email": email})
    assert resp.status_code == 200
    assert SAME_ANSWER in resp.get_data(as_text=True)
    run_jobs()
    return delivered_link(email.strip().lower(), RESET_LINK)


def test_forgot_page_renders(client):
    resp = client.get("/password/forgot")
    assert resp.status_code == 200
    assert "Reset your password" in resp.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_email(client, alpha, run_jobs):
    resp = client.post("/password/forgot", data={"email": "nobody@alpha.test"})
    assert resp.status_code == 200
    assert SAME_ANSWER in resp.get_data(as_text=True)
    run_jobs()
    assert outbox(kind="password_reset") == []


def test_blank_address_is_an_error_on_the_field(client):
    resp = client.post("/password/forgot", data={"email": "  "})
    assert resp.status_code == 422
    assert "Enter a valid email address." in resp.get_data(as_text=True)


def test_reset_end_to_end_signs_in_and_ends_the_old_session(db_app, client, alpha, run_jobs):
    # The owner is signed in on another device (with remember-me).
    other_device = db_app.test_client()
    other_device.post(
        "/login",
        data={"email": "owner@alpha.test", "password": factories.PASSWORD, "remember": "y"},
    )
    assert other_device.get("/login").status_code == 302  # signed in: sent to the dashboard

    path = _ask_for_reset(client, run_jobs, "Owner@alpha.test")
    [email] = outbox(kind="password_reset")
    assert email.to_email == "owner@alpha.test"
    assert email.subject == "Reset your Tandem password"
    assert email.agency_id == alpha.agency.id
    assert email.body_text == ""  # the link is the owner's alone: no copy is kept
    assert "expires in 120 minutes" in last_to("owner@alpha.test", "Reset").text

    page = client.get(path)
    assert page.status_code == 200
    assert "owner@alpha.test" in page.get_data(as_text=True)

    resp = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert sess["agency_id"] == alpha.agency.id
        user_id = sess["_user_id"]
    user = _user("owner@alpha.test")
    assert user_id.startswith(f"{user.id}:{user.session_version}:")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, factories.PASSWORD)
    assert "auth.password_reset" in audit_actions(alpha.agency.id)

    # The other device's session and its remember-me cookie are both dead.
    assert other_device.get("/login").status_code == 200
    with other_device.session_transaction() as sess:
        sess.pop("_user_id", None)  # even relying on the remember-me cookie alone
    assert other_device.get("/login").status_code == 200

    # The old password no longer works; the new one does.
    fresh = db_app.test_client()
    data = {"email": "owner@alpha.test", "password": factories.PASSWORD}
    assert fresh.post("/login", data=data).status_code == 401
    assert fresh.post("/login", data={**data, "password": NEW_PASSWORD}).status_code == 302


def test_reset_link_works_only_once(client, alpha, run_jobs):
    path = _ask_for_reset(client, run_jobs, "consultant@alpha.test")
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 302
    again = client.post(
        path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"}
    )
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "This link has expired or was already used." in page
    assert 'href="/password/forgot"' in page
    assert client.get(path).status_code == 410


def test_using_one_reset_link_cancels_the_others(client, alpha, run_jobs):
    owner_id = alpha.owner.user_id
    first = _ask_for_reset(client, run_jobs, "owner@alpha.test")
    second = _ask_for_reset(client, run_jobs, "owner@alpha.test")
    assert first != second
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(second, data=data).status_code == 302
    assert client.get(first).status_code == 410
    assert all(t.used_at is not None for t in tokens_of(owner_id, "password_reset"))


def test_expired_reset_link_is_gone(client, alpha, run_jobs):
    path = _ask_for_reset(client, run_jobs, "owner@alpha.test")
    db.session.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    resp = client.get(path)
    assert resp.status_code == 410
    assert "Ask for a new link" in resp.get_data(as_text=True)
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 410
    )


def test_made_up_reset_link_is_gone(client):
    assert client.get("/password/reset/not-a-real-token").status_code == 410


def test_mismatched_or_weak_password_keeps_the_link_usable(client, alpha, run_jobs):
    owner_id = alpha.owner.user_id
    path = _ask_for_reset(client, run_jobs, "owner@alpha.test")
    resp = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert resp.status_code == 422
    assert "The two passwords do not match." in resp.get_data(as_text=True)
    resp = client.post(path, data={"password": "short", "confirm": "short"})
    assert resp.status_code == 422
    assert "Use at least 10 characters." in resp.get_data(as_text=True)
    assert [t.used_at for t in tokens_of(owner_id, "password_reset")] == [None]
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )


def test_reset_email_is_in_the_users_language_else_the_agencys(client, alpha, run_jobs):
    leader, team = alpha.leader.user, alpha.team.user
    leader.locale = "ar"
    with tenant_scope(alpha.agency.id):
        alpha.agency.default_locale = "ar"
        db.session.commit()
    _ask_for_reset(client, run_jobs, "leader@alpha.test")
    _ask_for_reset(client, run_jobs, "team@alpha.test")  # no own locale: the agency's
    assert outbox(to="leader@alpha.test")[-1].locale == "ar"
    assert outbox(to="team@alpha.test")[-1].locale == "ar"
    team.locale = "en"
    db.session.commit()
    _ask_for_reset(client, run_jobs, "team@alpha.test")
    assert outbox(to="team@alpha.test")[-1].locale == "en"
