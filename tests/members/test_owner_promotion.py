"""Making an existing member an owner asks first, as inviting an owner does."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, Membership
from tenants.context import tenant_scope


def _role(world, membership_id: int) -> str:
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(Membership.role)
            .where(Membership.id == membership_id)
            .execution_options(populate_existing=True)
        )


def test_choosing_owner_asks_and_changes_nothing(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(f"/members/{alpha.consultant.id}/edit", data={"role": "owner"})

    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'id="confirm-owner"' in page
    assert "Make <bdi>Alpha Consultant</bdi> an owner?" in page
    assert 'name="confirm_owner" value="yes"' in page
    assert _role(alpha, alpha.consultant.id) == "consultant"
    with tenant_scope(alpha.agency.id):
        assert not db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "member.role_changed")
        )


def test_confirming_makes_the_owner(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(
        f"/members/{alpha.consultant.id}/edit", data={"role": "owner", "confirm_owner": "yes"}
    )
    assert resp.status_code == 302
    assert _role(alpha, alpha.consultant.id) == "owner"


def test_other_role_changes_need_no_confirmation(alpha, login_as):
    client = login_as(alpha.owner)
    resp = client.post(
        f"/members/{alpha.team.id}/edit",
        data={"role": "client_leader", "brand_ids": [alpha.brand.id]},
    )
    assert resp.status_code == 302
    assert _role(alpha, alpha.team.id) == "client_leader"
