"""Leaving an agency, deleting one's account, handing over ownership, and the rule that an
agency always keeps an owner (web and API)."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken, Membership, User, UserSession
from tenants.context import system_scope, tenant_scope
from tests import factories
from tests.accounts.helpers import signed_in_user_id, text
from tests.auth.helpers import audit_actions
from tests.factories import PASSWORD

LAST_OWNER = "You are this agency's only owner."


def _memberships(user_id: int) -> list[Membership]:
    db.session.expire_all()
    with system_scope():
        return list(db.session.scalars(select(Membership).where(Membership.user_id == user_id)))


def _role(agency_id: int, user_id: int) -> str:
    db.session.expire_all()
    with tenant_scope(agency_id):
        return db.session.scalar(select(Membership.role).where(Membership.user_id == user_id))


# --- leaving ------------------------------------------------------------------------------


def test_consultant_leaves_the_agency_after_confirming(client, alpha, login_as, api):
    user_id, agency_id = alpha.consultant.user_id, alpha.agency.id
    token = alpha.tokens["consultant"]
    login_as(alpha.consultant)
    page = client.get("/settings/leave")
    assert page.status_code == 200
    assert "Leave <bdi>Alpha Agency</bdi>?" in text(page)
    assert _memberships(user_id)  # the page alone changes nothing
    unticked = client.post("/settings/leave")
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in text(unticked)
    assert _memberships(user_id)
    resp = client.post("/settings/leave", data={"understood": "y"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert _memberships(user_id) == []
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302
    assert api(token).get("/api/v1/me").status_code == 401
    assert "member.left" in audit_actions(agency_id)


def test_leaving_one_agency_keeps_the_other(client, alpha, bravo, login_as):
    user = alpha.consultant.user
    factories.member(bravo.agency, "consultant", user)
    db.session.commit()
    login_as(alpha.consultant)
    resp = client.post("/settings/leave", data={"understood": "y"})
    assert resp.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "You left \u2068Alpha Agency\u2069." in text(page)
    assert [m.agency_id for m in _memberships(user.id)] == [bravo.agency.id]


def test_last_owner_cannot_leave(client, alpha, login_as):
    login_as(alpha.owner)
    resp = client.post("/settings/leave", data={"understood": "y"})
    assert resp.status_code == 409
    assert LAST_OWNER in text(resp)
    assert _role(alpha.agency.id, alpha.owner.user_id) == "owner"


# --- transferring ownership -----------------------------------------------------------------


def test_owner_hands_the_agency_to_a_consultant_and_steps_down(client, alpha, login_as):
    agency_id = alpha.agency.id
    owner_id, consultant_id = alpha.owner.user_id, alpha.consultant.user_id
    consultant_membership = alpha.consultant.id
    login_as(alpha.owner)
    page = text(client.get("/settings/transfer-ownership"))
    assert "Alpha Consultant (consultant@alpha.test)" in page
    resp = client.post(
        "/settings/transfer-ownership",
        data={"member": consultant_membership, "step_down": "y"},
    )
    assert resp.status_code == 303
    assert _role(agency_id, consultant_id) == "owner"
    assert _role(agency_id, owner_id) == "consultant"
    assert "member.ownership_transferred" in audit_actions(agency_id)
    # No longer an owner: the page is closed to them now.
    assert client.get("/settings/transfer-ownership").status_code == 403
    # And now they may leave.
    assert client.post("/settings/leave", data={"understood": "y"}).status_code == 303


def test_transfer_without_stepping_down_keeps_two_owners(client, alpha, login_as):
    agency_id, leader, leader_id = alpha.agency.id, alpha.leader.id, alpha.leader.user_id
    owner_id = alpha.owner.user_id
    login_as(alpha.owner)
    assert client.post("/settings/transfer-ownership", data={"member": leader}).status_code == 303
    assert _role(agency_id, leader_id) == "owner"
    assert _role(agency_id, owner_id) == "owner"


def test_transfer_to_another_agencys_member_is_404(client, alpha, bravo, login_as):
    bravo_member, bravo_user = bravo.consultant.id, bravo.consultant.user_id
    login_as(alpha.owner)
    resp = client.post("/settings/transfer-ownership", data={"member": bravo_member})
    assert resp.status_code == 404
    assert _role(bravo.agency.id, bravo_user) == "consultant"


def test_consultant_cannot_transfer_ownership(client, alpha, login_as):
    login_as(alpha.consultant)
    assert client.get("/settings/transfer-ownership").status_code == 403
    assert (
        client.post(
            "/settings/transfer-ownership", data={"member": alpha.consultant.id}
        ).status_code
        == 403
    )


# --- the last owner, in the members pages and the API --------------------------------------


def test_last_owner_cannot_be_demoted_or_removed_in_the_web(client, alpha, login_as):
    owner_membership = alpha.owner.id
    login_as(alpha.owner)
    demote = client.post(
        f"/members/{owner_membership}/edit",
        data={"role": "consultant", "all_brands": "y"},
    )
    assert demote.status_code == 409
    assert "This is the agency's only owner." in text(demote)
    assert _role(alpha.agency.id, alpha.owner.user_id) == "owner"


def test_last_owner_cannot_remove_themself_in_the_web(client, alpha, login_as):
    owner_membership = alpha.owner.id
    login_as(alpha.owner)
    resp = client.post(f"/members/{owner_membership}/remove")
    assert resp.status_code == 409
    assert "This is the agency's only owner and cannot be removed." in text(resp)
    assert _role(alpha.agency.id, alpha.owner.user_id) == "owner"


def test_api_removes_an_owner_but_never_the_last_one(client, alpha, api):
    agency_id, first = alpha.agency.id, alpha.owner.id
    second = factories.member(alpha.agency, "owner", factories.user("second@alpha.test"))
    second_id = second.id
    token = factories.api_token(second)
    db.session.commit()
    assert api(token).delete(f"/api/v1/members/{first}").status_code == 204
    resp = api(token).delete(f"/api/v1/members/{second_id}")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "last_owner"
    assert error["message"] == "This is the agency's only owner and cannot be removed."
    db.session.expire_all()
    with tenant_scope(agency_id):
        owners = db.session.scalars(select(Membership.id).where(Membership.role == "owner"))
        assert list(owners) == [second_id]


# --- deleting one's account ---------------------------------------------------------------


def test_member_deletes_their_account_after_typing_their_email(client, alpha, login_as, api):
    user_id, agency_id = alpha.consultant.user_id, alpha.agency.id
    token = alpha.tokens["consultant"]
    login_as(alpha.consultant)
    wrong = client.post("/settings/delete-account", data={"confirm_email": "someone@else.test"})
    assert wrong.status_code == 422
    assert "Type your email address exactly as shown to confirm." in text(wrong)
    assert _memberships(user_id)

    resp = client.post("/settings/delete-account", data={"confirm_email": "Consultant@alpha.test"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert signed_in_user_id(client) is None
    assert _memberships(user_id) == []
    with system_scope():
        assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)).all() == []
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all() == []
    user = db.session.get(User, user_id)
    assert user.email != "consultant@alpha.test" and user.name == "Deleted account"
    assert user.password_hash is None and not user.is_active
    assert api(token).get("/api/v1/me").status_code == 401
    again = client.post("/login", data={"email": "consultant@alpha.test", "password": PASSWORD})
    assert again.status_code == 401
    assert "account.deleted" in audit_actions(agency_id)
    # The address is free for a new account.
    signup = client.post(
        "/signup",
        data={
            "agency_name": "New Co",
            "name": "New",
            "email": "consultant@alpha.test",
            "password": PASSWORD,
        },
    )
    assert signup.status_code == 302


def test_last_owner_cannot_delete_their_account(client, alpha, login_as):
    login_as(alpha.owner)
    page = text(client.get("/settings/delete-account"))
    assert "You are the only owner of" in page and "Alpha Agency" in page
    resp = client.post("/settings/delete-account", data={"confirm_email": "owner@alpha.test"})
    assert resp.status_code == 409
    assert "You are the only owner of" in text(resp)
    assert _role(alpha.agency.id, alpha.owner.user_id) == "owner"
    assert signed_in_user_id(client) is not None
