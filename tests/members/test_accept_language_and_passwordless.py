"""Accepting an invitation: in the invitee's language, and without a password for client
users (they sign in later by emailed link; a password they type is still set)."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, User
from saas.services import invitations as invitation_service
from tenants.context import tenant_scope
from tests import factories
from tests.auth.helpers import delivered_link
from tests.factories import PASSWORD
from tests.landing.helpers import MAGIC_LINK


def _invite(world, email: str, role: str = "client_team", brand=None) -> str:
    brand = brand or world.brand
    ids = [] if role == "owner" else [brand.id]
    with tenant_scope(world.agency.id):
        _inv, raw = invitation_service.invite(world.owner, email, role, ids)
    return raw


def _arabic_brand(world):
    brand = factories.brand(world.agency, name="Qamar Coffee", language="ar")
    db.session.commit()
    return brand


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _mail(world, email: str) -> OutboxMessage:
    with tenant_scope(world.agency.id):
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_email == email)
        ).one()


# --- language ----------------------------------------------------------------------------


def test_client_invitation_to_an_arabic_brand_is_in_arabic_page_and_email(alpha, client, run_jobs):
    """The accept page is Arabic even in a browser that asks for English."""
    brand = _arabic_brand(alpha)
    raw = _invite(alpha, "leila@example.com", "client_leader", brand)
    run_jobs()
    assert _mail(alpha, "leila@example.com").locale == "ar"

    page = client.get(f"/invitations/{raw}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in text
    assert "أنشئ حسابك" in text  # "Create your account"
    assert "<bdi>Qamar Coffee</bdi>" in text
    assert '<bdi dir="ltr">leila@example.com</bdi>' in text


def test_the_invitee_may_switch_the_accept_page_to_english(alpha, client):
    brand = _arabic_brand(alpha)
    raw = _invite(alpha, "leila@example.com", "client_leader", brand)
    client.get(f"/language/en?next=/invitations/{raw}")
    text = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in text
    assert "Create your account" in text


def test_staff_invitation_follows_the_agencys_default_language(alpha, client, run_jobs):
    _arabic_brand(alpha)
    with tenant_scope(alpha.agency.id):
        alpha.agency.default_locale = "ar"
        db.session.commit()
    raw = _invite(alpha, "strategist@example.com", "consultant")
    run_jobs()
    assert _mail(alpha, "strategist@example.com").locale == "ar"
    text = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in text


def test_english_brand_client_invitation_stays_english(alpha, client, run_jobs):
    raw = _invite(alpha, "sam@example.com", "client_team")
    run_jobs()
    assert _mail(alpha, "sam@example.com").locale == "en"
    assert '<html lang="en" dir="ltr">' in client.get(f"/invitations/{raw}").get_data(as_text=True)


def test_the_language_accepted_in_becomes_the_persons(alpha, client):
    brand = _arabic_brand(alpha)
    raw = _invite(alpha, "leila@example.com", "client_leader", brand)
    assert client.post(f"/invitations/{raw}", data={"name": "ليلى"}).status_code == 302
    assert _user("leila@example.com").locale == "ar"


# --- passwordless client users -----------------------------------------------------------


def test_client_leader_accepts_without_a_password_then_signs_in_by_emailed_link(
    alpha, client, run_jobs
):
    raw = _invite(alpha, "leader.two@example.com", "client_leader")
    page = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert "Password (optional)" in page
    assert "No password needed" in page

    resp = client.post(f"/invitations/{raw}", data={"name": "Leader Two"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/brands/{alpha.brand.id}"
    person = _user("leader.two@example.com")
    assert person.password_hash is None

    # No password to guess: a password sign-in fails whatever is typed...
    client.post("/logout")
    fails = client.post("/login", data={"email": "leader.two@example.com", "password": ""})
    assert fails.status_code in (401, 422)
    # ...and the emailed link signs her in.
    client.post("/login/link", data={"email": "leader.two@example.com"})
    run_jobs()
    path = delivered_link("leader.two@example.com", MAGIC_LINK)
    signed_in = client.post(path)
    assert signed_in.status_code == 302
    assert client.get(f"/brands/{alpha.brand.id}").status_code == 200


def test_a_client_who_types_a_password_gets_it(alpha, client):
    raw = _invite(alpha, "team.two@example.com", "client_team")
    resp = client.post(
        f"/invitations/{raw}", data={"name": "Team Two", "password": "my own long passphrase"}
    )
    assert resp.status_code == 302
    client.post("/logout")
    again = client.post(
        "/login", data={"email": "team.two@example.com", "password": "my own long passphrase"}
    )
    assert again.status_code == 302


def test_a_client_password_that_is_too_short_is_refused(alpha, client):
    raw = _invite(alpha, "team.two@example.com", "client_team")
    resp = client.post(f"/invitations/{raw}", data={"name": "Team Two", "password": "short"})
    assert resp.status_code == 422
    assert "at least" in resp.get_data(as_text=True)
    assert _user("team.two@example.com") is None


def test_staff_still_choose_a_password(alpha, client):
    raw = _invite(alpha, "strategist@example.com", "consultant")
    page = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert "Password (optional)" not in page
    resp = client.post(f"/invitations/{raw}", data={"name": "Strategist"})
    assert resp.status_code == 422
    assert _user("strategist@example.com") is None

    ok = client.post(
        f"/invitations/{raw}", data={"name": "Strategist", "password": "a long enough password"}
    )
    assert ok.status_code == 302
    assert _user("strategist@example.com").password_hash


def test_an_existing_account_is_still_asked_for_its_password_or_a_link(alpha, bravo, client):
    n = next(factories._seq)
    known = factories.member(bravo.agency, "client_team", factories.user(f"known{n}@example.com"))
    db.session.commit()
    email = known.user.email
    raw = _invite(alpha, email)
    page = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert "Create your account" not in page
    assert "Sign in to accept" in page and "Email me a sign-in link" in page
    # Posting a new account's form for it makes nothing.
    assert client.post(f"/invitations/{raw}", data={"name": "Intruder"}).status_code == 400
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert client.post(f"/invitations/{raw}").status_code == 302
