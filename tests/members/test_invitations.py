"""Inviting people and accepting invitations, on the web and through the API."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken, AuditEvent, Invitation, Membership, OutboxMessage, User
from saas.services import invitations as invitation_service
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from tests import factories
from tests.factories import PASSWORD

LINK = re.compile(r"http://tandem\.test(/invitations/[A-Za-z0-9_\-]+)")


def _outbox(agency_id: int, to: str) -> list[OutboxMessage]:
    with tenant_scope(agency_id):
        return list(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.to_email == to).order_by(OutboxMessage.id)
            )
        )


def _member_elsewhere(world, role: str = "owner"):
    """A member of ``world`` whose email passes validation (``.test`` domains do not)."""
    n = next(factories._seq)
    m = factories.member(world.agency, role, factories.user(f"person{n}@example.com"))
    factories.api_token(m)
    db.session.commit()
    return m


def _invite(world, email: str, role: str = "client_team", brand_ids=None, by: str = "owner"):
    """Invite through the service as ``by``; returns the raw token."""
    inviter = getattr(world, by)
    ids = [world.brand.id] if brand_ids is None else brand_ids
    with tenant_scope(world.agency.id, inviter.brand_ids):
        _inv, raw = invitation_service.invite(inviter, email, role, ids)
    return raw


def test_owner_invites_client_then_new_user_accepts_and_lands_on_their_brand(
    alpha, sign_in, client, run_jobs
):
    """Does an invited social manager arrive through the emailed link on the right brand?"""
    sign_in(alpha.owner)
    resp = client.post(
        "/members/invite",
        data={
            "email": "New.Person@Example.com",
            "role": "client_team",
            "brand_ids": [alpha.brand.id],
        },
    )
    assert resp.status_code == 201
    page = resp.get_data(as_text=True)
    assert "new.person@example.com" in page
    shown = LINK.search(page)
    assert shown, "the accept link is shown once right after inviting"

    run_jobs()
    [mail] = _outbox(alpha.agency.id, "new.person@example.com")
    assert mail.kind == "invitation"
    assert mail.subject == "Alpha Owner invited you to Alpha Agency on Tandem"
    assert "Alpha Brand One" in mail.body_text
    assert "Client team" in mail.body_text
    path = LINK.search(mail.body_text).group(1)
    assert path == shown.group(1)

    anon = client.application.test_client()
    form = anon.get(path)
    assert form.status_code == 200
    assert "Create your account" in form.get_data(as_text=True)
    resp = anon.post(path, data={"name": "Nadia", "password": "a long enough password"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/brands/{alpha.brand.id}")
    landed = anon.get(f"/brands/{alpha.brand.id}")
    assert landed.status_code == 200
    assert "Alpha Brand One" in landed.get_data(as_text=True)
    assert anon.get(f"/brands/{alpha.other_brand.id}").status_code == 404

    with tenant_scope(alpha.agency.id):
        user = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
        member = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert member.role == "client_team"
        assert member.brand_ids == frozenset({alpha.brand.id})  # sees only their brand
        inv = db.session.scalar(select(Invitation).where(Invitation.email == user.email))
        assert inv.accepted_at is not None
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"invitation.created", "invitation.accepted"} <= actions

    # The new member is signed in: their session resolves to the new membership.
    with anon.session_transaction() as sess:
        assert sess["agency_id"] == alpha.agency.id
        assert sess.get("_user_id", "").startswith(f"{user.id}:")


def test_invitation_link_works_only_once(alpha, client):
    raw = _invite(alpha, "once@example.com")
    first = client.post(
        f"/invitations/{raw}", data={"name": "Once", "password": "a long enough password"}
    )
    assert first.status_code == 302
    client.cookie_jar.clear() if hasattr(client, "cookie_jar") else None
    again = client.application.test_client().get(f"/invitations/{raw}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_expired_invitation_answers_gone(alpha, client):
    raw = _invite(alpha, "late@example.com")
    with system_scope():
        inv = db.session.scalar(select(Invitation).where(Invitation.email == "late@example.com"))
        inv.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    resp = client.get(f"/invitations/{raw}")
    assert resp.status_code == 410
    assert "expired" in resp.get_data(as_text=True)
    post = client.post(
        f"/invitations/{raw}", data={"name": "Late", "password": "a long enough password"}
    )
    assert post.status_code == 410
    with system_scope():
        assert db.session.scalar(select(User).where(User.email == "late@example.com")) is None


def test_revoked_invitation_answers_gone(alpha, sign_in, client):
    raw = _invite(alpha, "gone@example.com")
    with tenant_scope(alpha.agency.id):
        inv_id = db.session.scalar(
            select(Invitation.id).where(Invitation.email == "gone@example.com")
        )
    sign_in(alpha.owner)
    confirm = client.get(f"/members/invitations/{inv_id}/revoke")
    assert confirm.status_code == 200
    assert "Revoke the invitation to gone@example.com?" in confirm.get_data(as_text=True)
    assert client.post(f"/members/invitations/{inv_id}/revoke").status_code == 302
    resp = client.application.test_client().get(f"/invitations/{raw}")
    assert resp.status_code == 410
    assert "withdrawn" in resp.get_data(as_text=True)


def test_unknown_invitation_token_is_404(db_app, client):
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_reinviting_revokes_the_earlier_link(alpha):
    first = _invite(alpha, "twice@example.com")
    second = _invite(alpha, "twice@example.com")
    anon = alpha.agency and __import__("flask").current_app.test_client()
    assert anon.get(f"/invitations/{first}").status_code == 410
    assert anon.get(f"/invitations/{second}").status_code == 200


def test_resend_issues_a_fresh_link_and_email(alpha, sign_in, client, run_jobs):
    old = _invite(alpha, "resend@example.com")
    with tenant_scope(alpha.agency.id):
        inv_id = db.session.scalar(
            select(Invitation.id).where(Invitation.email == "resend@example.com")
        )
    sign_in(alpha.owner)
    resp = client.post(f"/members/invitations/{inv_id}/resend")
    assert resp.status_code == 200
    new_path = LINK.search(resp.get_data(as_text=True)).group(1)
    run_jobs()
    mails = _outbox(alpha.agency.id, "resend@example.com")
    assert len(mails) == 2
    assert new_path in mails[-1].body_text
    anon = client.application.test_client()
    assert anon.get(f"/invitations/{old}").status_code == 404  # the old link no longer exists
    assert anon.get(new_path).status_code == 200


def test_existing_user_signed_in_joins_with_one_click(alpha, bravo, sign_in, client):
    """Someone who already uses Tandem at another agency links the same account."""
    elsewhere = _member_elsewhere(bravo)
    raw = _invite(alpha, elsewhere.user.email, role="consultant", brand_ids=[alpha.other_brand.id])
    sign_in(elsewhere)
    page = client.get(f"/invitations/{raw}")
    assert page.status_code == 200
    assert "Join Alpha Agency" in page.get_data(as_text=True)
    resp = client.post(f"/invitations/{raw}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/")
    with tenant_scope(alpha.agency.id):
        m = db.session.scalar(select(Membership).where(Membership.user_id == elsewhere.user_id))
        assert m.role == "consultant"
        assert m.brand_ids == frozenset({alpha.other_brand.id})
    with system_scope():
        users = list(db.session.scalars(select(User).where(User.email == elsewhere.user.email)))
        assert [u.id for u in users] == [elsewhere.user_id]
    with client.session_transaction() as sess:
        assert sess["agency_id"] == alpha.agency.id


def test_existing_user_not_signed_in_is_asked_to_sign_in(alpha, bravo, client):
    elsewhere = _member_elsewhere(bravo, "client_leader")
    raw = _invite(alpha, elsewhere.user.email)
    page = client.get(f"/invitations/{raw}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sign in with it to accept" in text
    assert "Create your account" not in text
    # Posting a new-account form for an existing email must not create or join anything.
    client.post(f"/invitations/{raw}", data={"name": "X", "password": "a long enough password"})
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Membership).where(Membership.user_id == elsewhere.user_id))
            is None
        )


def test_signed_in_as_someone_else_cannot_accept(alpha, bravo, sign_in, client):
    invitee = _member_elsewhere(bravo, "client_leader")
    raw = _invite(alpha, invitee.user.email)
    sign_in(bravo.owner)
    page = client.get(f"/invitations/{raw}")
    assert "but this invitation is for" in page.get_data(as_text=True)
    client.post(f"/invitations/{raw}")
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(Membership).where(Membership.user_id == bravo.owner.user_id))
            is None
        )


def test_new_account_form_shows_field_errors(alpha, client):
    raw = _invite(alpha, "short@example.com")
    resp = client.post(f"/invitations/{raw}", data={"name": "", "password": "short"})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Use at least 10 characters." in text or "This field is required." in text
    assert client.get(f"/invitations/{raw}").status_code == 200  # still usable


def test_consultant_cannot_invite_a_consultant_on_the_web(alpha, sign_in, client):
    sign_in(alpha.consultant)
    page = client.get("/members/")
    assert page.status_code == 200
    assert 'value="consultant"' not in page.get_data(as_text=True)
    resp = client.post("/members/invite", data={"email": "c2@example.com", "role": "consultant"})
    assert resp.status_code == 403
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Invitation)) is None


def test_consultant_invites_a_client_to_an_assigned_brand(alpha, sign_in, client):
    sign_in(alpha.consultant)
    resp = client.post(
        "/members/invite",
        data={"email": "cl@example.com", "role": "client_leader", "brand_ids": [alpha.brand.id]},
    )
    assert resp.status_code == 201


def test_client_users_cannot_see_members_page(alpha, sign_in, client):
    sign_in(alpha.leader)
    assert client.get("/members/").status_code == 403
    assert (
        client.post(
            "/members/invite", data={"email": "x@example.com", "role": "client_team"}
        ).status_code
        == 403
    )


def test_invite_form_errors_are_shown_next_to_fields(alpha, sign_in, client):
    sign_in(alpha.owner)
    resp = client.post("/members/invite", data={"email": "not-an-email", "role": "client_team"})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "Enter a valid email address." in text or "Invalid email" in text
    resp = client.post("/members/invite", data={"email": "ok@example.com", "role": "client_team"})
    assert resp.status_code == 422
    assert "Choose at least one brand for a client user." in resp.get_data(as_text=True)
    resp = client.post(
        "/members/invite",
        data={"email": "ok@example.com", "role": "client_team", "brand_ids": [999999]},
    )
    assert resp.status_code == 422
    assert "Unknown brand: 999999" in resp.get_data(as_text=True)


def test_inviting_an_existing_member_is_a_conflict(alpha, sign_in, client):
    existing = _member_elsewhere(alpha, "client_team")
    sign_in(alpha.owner)
    resp = client.post(
        "/members/invite",
        data={
            "email": existing.user.email.upper(),
            "role": "client_team",
            "brand_ids": [alpha.brand.id],
        },
    )
    assert resp.status_code == 409
    assert "already a member" in resp.get_data(as_text=True)


def test_invitation_to_another_agency_cannot_be_revoked_across_tenants(
    alpha, bravo, sign_in, client
):
    _invite(bravo, "bravo-guest@example.com")
    with tenant_scope(bravo.agency.id):
        inv_id = db.session.scalar(select(Invitation.id))
    sign_in(alpha.owner)
    assert client.get(f"/members/invitations/{inv_id}/revoke").status_code == 404
    assert client.post(f"/members/invitations/{inv_id}/revoke").status_code == 404
    assert client.post(f"/members/invitations/{inv_id}/resend").status_code == 404


def test_email_for_arabic_brand_is_in_arabic_locale(alpha, run_jobs):
    arabic = factories.brand(alpha.agency, name="علامة", language="ar")
    db.session.commit()
    _invite(alpha, "ar@example.com", role="client_leader", brand_ids=[arabic.id])
    run_jobs()
    [mail] = _outbox(alpha.agency.id, "ar@example.com")
    assert mail.locale == "ar"


# --- API ------------------------------------------------------------------------------


def test_api_invite_and_accept_as_new_user(alpha, api, run_jobs):
    resp = api(alpha.tokens["owner"]).post(
        "/api/v1/invitations",
        json={
            "email": "api.user@example.com",
            "role": "client_leader",
            "brand_ids": [alpha.brand.id],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["email"] == "api.user@example.com"
    assert body["role"] == "client_leader"
    assert body["brand_ids"] == [alpha.brand.id]
    assert body["accept_url"].startswith("http://tandem.test/invitations/")
    token = body["accept_url"].rsplit("/", 1)[1]

    run_jobs()
    [mail] = _outbox(alpha.agency.id, "api.user@example.com")
    assert body["accept_url"] in mail.body_text

    accepted = api(None).post(
        f"/api/v1/invitations/{token}/accept",
        json={"name": "Api User", "password": "a long enough password"},
    )
    assert accepted.status_code == 201, accepted.get_json()
    new_token = accepted.get_json()["token"]
    me = api(new_token).get("/api/v1/members")
    assert me.status_code == 403  # a client leader may not list members: but the token works
    assert (
        api(None)
        .post(
            f"/api/v1/invitations/{token}/accept",
            json={"name": "Again", "password": "a long enough password"},
        )
        .status_code
        == 410
    )


def test_api_accept_existing_account_needs_matching_password(alpha, bravo, api):
    elsewhere = _member_elsewhere(bravo, "client_team")
    raw = _invite(alpha, elsewhere.user.email)
    wrong = api(None).post(
        f"/api/v1/invitations/{raw}/accept", json={"password": "wrong password!!"}
    )
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    ok = api(None).post(f"/api/v1/invitations/{raw}/accept", json={"password": PASSWORD})
    assert ok.status_code == 201
    with tenant_scope(alpha.agency.id):
        assert (
            db.session.scalar(select(ApiToken).where(ApiToken.user_id == elsewhere.user_id))
            is not None
        )


def test_api_accept_unknown_and_expired(alpha, api):
    assert (
        api(None)
        .post(
            "/api/v1/invitations/nope/accept",
            json={"name": "N", "password": "a long enough password"},
        )
        .status_code
        == 404
    )
    raw = _invite(alpha, "exp@example.com")
    with system_scope():
        inv = db.session.scalar(select(Invitation).where(Invitation.email == "exp@example.com"))
        inv.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    resp = api(None).post(
        f"/api/v1/invitations/{raw}/accept",
        json={"name": "N", "password": "a long enough password"},
    )
    assert resp.status_code == 410
    assert resp.get_json()["error"]["code"] in {"gone", "expired"}


def test_api_consultant_cannot_invite_consultant(alpha, api):
    resp = api(alpha.tokens["consultant"]).post(
        "/api/v1/invitations",
        json={"email": "c@example.com", "role": "consultant", "brand_ids": []},
    )
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    resp = api(alpha.tokens["team"]).post(
        "/api/v1/invitations",
        json={"email": "c@example.com", "role": "client_team", "brand_ids": [alpha.brand.id]},
    )
    assert resp.status_code == 403


def test_api_invite_validation_errors(alpha, bravo, api):
    owner = api(alpha.tokens["owner"])
    cases = [
        ({"role": "client_team", "brand_ids": [alpha.brand.id]}, "email"),
        ({"email": "a@example.com", "brand_ids": [alpha.brand.id]}, "role"),
        ({"email": "not an email", "role": "client_team", "brand_ids": [alpha.brand.id]}, "email"),
        ({"email": "a@example.com", "role": "boss", "brand_ids": [alpha.brand.id]}, "role"),
        ({"email": "a@example.com", "role": "client_team", "brand_ids": [987654]}, "brand_ids"),
        (
            {"email": "a@example.com", "role": "client_team", "brand_ids": [bravo.brand.id]},
            "brand_ids",
        ),
        ({"email": "a@example.com", "role": "client_team", "brand_ids": []}, "brand_ids"),
        ({"email": "a@example.com", "role": "client_team", "brand_ids": ["x"]}, "brand_ids.0"),
        (
            {
                "email": "a@example.com",
                "role": "client_team",
                "brand_ids": [alpha.brand.id],
                "x": 1,
            },
            "x",
        ),
    ]
    for payload, field in cases:
        resp = owner.post("/api/v1/invitations", json=payload)
        assert resp.status_code == 422, (payload, resp.get_json())
        error = resp.get_json()["error"]
        assert field in error["fields"], (payload, error)
    foreign = owner.post(
        "/api/v1/invitations",
        json={"email": "a@example.com", "role": "client_team", "brand_ids": [bravo.brand.id]},
    )
    assert str(bravo.brand.id) in foreign.get_json()["error"]["fields"]["brand_ids"]
    malformed = owner.post("/api/v1/invitations", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    not_json = owner.post("/api/v1/invitations", data="email=a", content_type="text/plain")
    assert not_json.status_code == 415
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Invitation)) is None


def test_api_accept_validation(alpha, api):
    raw = _invite(alpha, "val@example.com")
    resp = api(None).post(
        f"/api/v1/invitations/{raw}/accept", json={"password": "a long enough password"}
    )
    assert resp.status_code == 422
    assert "name" in resp.get_json()["error"]["fields"]
    resp = api(None).post(
        f"/api/v1/invitations/{raw}/accept", json={"name": "V", "password": "short"}
    )
    assert resp.status_code == 422
    assert "password" in resp.get_json()["error"]["fields"]
    resp = api(None).post(f"/api/v1/invitations/{raw}/accept", json=[1, 2])
    assert resp.status_code == 400
