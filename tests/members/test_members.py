"""The members page: roles, brands, removal and its guard rails; and the members API."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken, AuditEvent, BrandAccess, Membership
from tenants.context import tenant_scope
from tests import factories


def _membership(agency_id: int, membership_id: int) -> Membership | None:
    with tenant_scope(agency_id):
        return db.session.scalar(
            select(Membership)
            .where(Membership.id == membership_id)
            .execution_options(populate_existing=True)
        )


def test_members_page_lists_people_roles_and_brands(alpha, bravo, sign_in, client):
    sign_in(alpha.owner)
    resp = client.get("/members/")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    for name in ("Alpha Owner", "Alpha Consultant", "Alpha Leader", "Alpha Team"):
        assert name in text
    assert "Client leader" in text
    assert "Alpha Brand One" in text
    assert "Bravo" not in text
    assert 'name="csrf_token"' in text or "Send invitation" in text


def test_members_page_paginates(alpha, sign_in, client):
    for _ in range(3):
        factories.member(alpha.agency, "client_team", brands=[alpha.brand])
    db.session.commit()
    sign_in(alpha.owner)
    first = client.get("/members/?per_page=5").get_data(as_text=True)
    second = client.get("/members/?per_page=5&page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_owner_changes_a_role_and_brands(alpha, sign_in, client):
    sign_in(alpha.owner)
    page = client.get(f"/members/{alpha.team.id}/edit")
    assert page.status_code == 200
    assert "Alpha Team" in page.get_data(as_text=True)
    resp = client.post(
        f"/members/{alpha.team.id}/edit",
        data={"role": "client_leader", "brand_ids": [alpha.brand.id, alpha.other_brand.id]},
    )
    assert resp.status_code == 302
    m = _membership(alpha.agency.id, alpha.team.id)
    assert m.role == "client_leader"
    assert m.brand_ids == frozenset({alpha.brand.id, alpha.other_brand.id})
    with tenant_scope(alpha.agency.id):
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "member.role_changed")
        )
    assert event.details["from_role"] == "client_team"
    assert event.details["to_role"] == "client_leader"
    assert event.actor_user_id == alpha.owner.user_id


def test_client_role_without_brand_is_refused(alpha, sign_in, client):
    sign_in(alpha.owner)
    resp = client.post(f"/members/{alpha.consultant.id}/edit", data={"role": "client_team"})
    assert resp.status_code == 422
    assert "Choose at least one brand for a client user." in resp.get_data(as_text=True)
    assert _membership(alpha.agency.id, alpha.consultant.id).role == "consultant"


def test_consultant_cannot_change_roles_or_remove(alpha, sign_in, client):
    sign_in(alpha.consultant)
    assert client.get(f"/members/{alpha.team.id}/edit").status_code == 403
    assert client.post(f"/members/{alpha.team.id}/edit", data={"role": "owner"}).status_code == 403
    assert client.post(f"/members/{alpha.team.id}/remove").status_code == 403
    assert _membership(alpha.agency.id, alpha.team.id).role == "client_team"


def test_last_owner_cannot_be_demoted(alpha, sign_in, client):
    sign_in(alpha.owner)
    resp = client.post(f"/members/{alpha.owner.id}/edit", data={"role": "consultant"})
    assert resp.status_code == 409
    assert "only owner" in resp.get_data(as_text=True)
    assert _membership(alpha.agency.id, alpha.owner.id).role == "owner"


def test_an_owner_can_step_down_when_another_owner_exists(alpha, sign_in, client):
    factories.member(alpha.agency, "owner")
    db.session.commit()
    sign_in(alpha.owner)
    resp = client.post(f"/members/{alpha.owner.id}/edit", data={"role": "consultant"})
    assert resp.status_code == 302
    assert _membership(alpha.agency.id, alpha.owner.id).role == "consultant"


def test_last_owner_cannot_be_removed_and_nobody_removes_themselves(alpha, sign_in, client):
    second = factories.member(alpha.agency, "owner")
    db.session.commit()
    sign_in(alpha.owner)
    resp = client.post(f"/members/{alpha.owner.id}/remove")
    assert resp.status_code == 403
    assert "cannot remove yourself" in resp.get_data(as_text=True)
    # The other owner goes; now alpha.owner is the last one and stays.
    assert client.post(f"/members/{second.id}/remove").status_code == 302
    assert _membership(alpha.agency.id, second.id) is None
    assert _membership(alpha.agency.id, alpha.owner.id) is not None


def test_api_last_owner_cannot_be_removed(alpha, api):
    other = factories.member(alpha.agency, "owner")
    other_token = factories.api_token(other)
    db.session.commit()
    resp = api(other_token).delete(f"/api/v1/members/{alpha.owner.id}")
    assert resp.status_code == 204
    resp = api(other_token).delete(f"/api/v1/members/{other.id}")
    assert resp.status_code == 409  # yourself, and the last owner: that is what blocks it
    assert resp.get_json()["error"]["code"] == "last_owner"
    assert _membership(alpha.agency.id, other.id) is not None


def test_removing_a_member_ends_their_session_and_tokens_at_once(alpha, sign_in, client, api):
    victim_browser = client.application.test_client()
    sign_in(alpha.consultant, on=victim_browser)
    assert victim_browser.get("/members/").status_code == 200
    assert api(alpha.tokens["consultant"]).get("/api/v1/members").status_code == 200

    sign_in(alpha.owner)
    confirm = client.get(f"/members/{alpha.consultant.id}/remove")
    assert confirm.status_code == 200
    assert "Remove Alpha Consultant from the agency?" in confirm.get_data(as_text=True)
    assert client.post(f"/members/{alpha.consultant.id}/remove").status_code == 302

    after = victim_browser.get("/members/")
    assert after.status_code == 302
    assert "/login" in after.headers["Location"]
    denied = api(alpha.tokens["consultant"]).get("/api/v1/members")
    assert denied.status_code == 401

    assert _membership(alpha.agency.id, alpha.consultant.id) is None
    with tenant_scope(alpha.agency.id):
        links = db.session.scalars(
            select(BrandAccess).where(BrandAccess.membership_id == alpha.consultant.id)
        ).all()
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == alpha.consultant.user_id)
        ).all()
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert links == []
    assert tokens and all(t.revoked_at is not None for t in tokens)
    assert "member.removed" in actions
    # The owner's own session is untouched.
    assert client.get("/members/").status_code == 200


def test_members_of_another_agency_are_not_found(alpha, bravo, sign_in, client, api):
    sign_in(alpha.owner)
    assert client.get(f"/members/{bravo.team.id}/edit").status_code == 404
    assert client.post(f"/members/{bravo.team.id}/remove").status_code == 404
    assert api(alpha.tokens["owner"]).delete(f"/api/v1/members/{bravo.team.id}").status_code == 404
    assert _membership(bravo.agency.id, bravo.team.id) is not None


def test_api_lists_members_with_paging(alpha, bravo, api):
    resp = api(alpha.tokens["owner"]).get("/api/v1/members?per_page=3")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["meta"]["total"] == 4
    assert body["meta"]["next_page"] == 2
    assert len(body["data"]) == 3
    everyone = api(alpha.tokens["consultant"]).get("/api/v1/members").get_json()["data"]
    emails = {m["user"]["email"] for m in everyone}
    assert emails == {
        "owner@alpha.test",
        "consultant@alpha.test",
        "leader@alpha.test",
        "team@alpha.test",
    }
    team = next(m for m in everyone if m["user"]["email"] == "team@alpha.test")
    assert team["role"] == "client_team"
    assert team["brand_ids"] == [alpha.brand.id]
    assert api(alpha.tokens["leader"]).get("/api/v1/members").status_code == 403
    assert api(alpha.tokens["owner"]).get("/api/v1/members?page=x").status_code == 400


def test_api_delete_member_needs_owner(alpha, api):
    assert (
        api(alpha.tokens["consultant"]).delete(f"/api/v1/members/{alpha.team.id}").status_code
        == 403
    )
    assert api(alpha.tokens["owner"]).delete(f"/api/v1/members/{alpha.team.id}").status_code == 204
    assert api(alpha.tokens["team"]).get("/api/v1/brands").status_code == 401


def test_removal_signs_the_person_out_of_their_other_agencies_too(alpha, bravo, sign_in, client):
    """Removal rotates the user's session version: every cookie of theirs stops working."""
    both = factories.member(bravo.agency, "consultant", alpha.consultant.user)
    db.session.commit()
    victim_browser = client.application.test_client()
    sign_in(both, on=victim_browser)
    assert victim_browser.get("/members/").status_code == 200

    sign_in(alpha.owner)
    assert client.post(f"/members/{alpha.consultant.id}/remove").status_code == 302

    after = victim_browser.get("/members/")
    assert after.status_code == 302
    assert "/login" in after.headers["Location"]
    assert _membership(bravo.agency.id, both.id) is not None  # still a member there
