"""Signing up creates an agency and its owner, signs them in, and greets them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, Membership, User
from tenants.context import system_scope
from tests import factories
from tests.auth.helpers import audit_actions, outbox

GOOD = {
    "agency_name": "Cedar & Co",
    "name": "Lina Haddad",
    "email": "Lina@Cedar.example",
    "password": "a long enough passphrase",
}


def test_signup_creates_agency_and_owner_signs_in_and_welcomes(client, run_jobs):
    resp = client.post("/signup", data=GOOD)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"

    with system_scope():
        user = db.session.scalar(select(User).where(User.email == "lina@cedar.example"))
        assert user is not None and user.name == "Lina Haddad"
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        agency = db.session.scalar(select(Agency).where(Agency.id == membership.agency_id))
    assert membership.role == "owner"
    assert agency.name == "Cedar & Co"
    with client.session_transaction() as sess:
        assert sess["agency_id"] == agency.id
        assert sess["_user_id"].startswith(f"{user.id}:")
        flashes = [m for _c, m in sess.get("_flashes", [])]
    assert any("Welcome to Tandem, Lina Haddad" in m for m in flashes)
    assert "agency.created" in audit_actions(agency.id)

    run_jobs()
    [welcome] = outbox(to="lina@cedar.example", kind="welcome")
    assert welcome.subject == "Welcome to Tandem, Lina Haddad"
    assert "Cedar & Co is ready" in welcome.body_text  # plain text is not HTML-escaped
    assert "http://tandem.test/" in welcome.body_text


def test_signup_page_shows_every_field(client):
    resp = client.get("/signup")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for name in ("agency_name", "name", "email", "password"):
        assert f'name="{name}"' in page
    assert 'href="/login"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agency_name", "", "Enter your agency&#39;s name."),
        ("agency_name", "x" * 121, "Use at most 120 characters."),
        ("name", "  ", "Enter your name."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("password", "short", "Use at least 10 characters."),
    ],
)
def test_signup_validation_error_shows_next_to_field_and_keeps_input(client, field, value, message):
    resp = client.post("/signup", data={**GOOD, field: value})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    # Everything typed is still there, except the password.
    for other in ("agency_name", "name"):
        if other != field:
            assert GOOD[other].replace("&", "&amp;") in page
    assert GOOD["password"] not in page
    with system_scope():
        assert db.session.scalar(select(User).where(User.name == "Lina Haddad")) is None


def test_signup_with_a_taken_email_says_so_and_creates_nothing(client, db_app):
    factories.user(email="lina@cedar.example")
    db.session.commit()
    resp = client.post("/signup", data=GOOD)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "An account with this email already exists. Sign in instead." in page
    with system_scope():
        assert db.session.scalar(select(Agency).where(Agency.name == "Cedar & Co")) is None
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
