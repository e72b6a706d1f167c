"""GET /api/v1/me for every role: who, which agency, which role, which brands."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("role", ["owner", "consultant", "leader", "team"])
def test_me_describes_the_tokens_user_agency_and_role(api, alpha, role):
    membership = getattr(alpha, role)

    resp = api(alpha.tokens[role]).get("/api/v1/me")

    assert resp.status_code == 200
    body = resp.get_json()
    assert body["user"] == {
        "id": membership.user.id,
        "name": membership.user.name,
        "email": membership.user.email,
        "locale": None,
    }
    assert body["agency"] == {
        "id": alpha.agency.id,
        "name": "Alpha Agency",
        "slug": alpha.agency.slug,
    }
    assert body["role"] == membership.role


def test_owner_sees_every_brand_of_the_agency(api, alpha, bravo):
    ids = api(alpha.tokens["owner"]).get("/api/v1/me").get_json()["brand_ids"]

    assert ids == sorted([alpha.brand.id, alpha.other_brand.id])


def test_consultant_sees_assigned_brands(api, alpha):
    ids = api(alpha.tokens["consultant"]).get("/api/v1/me").get_json()["brand_ids"]

    assert ids == sorted([alpha.brand.id, alpha.other_brand.id])


@pytest.mark.parametrize("role", ["leader", "team"])
def test_client_users_see_only_their_brand(api, alpha, role):
    ids = api(alpha.tokens[role]).get("/api/v1/me").get_json()["brand_ids"]

    assert ids == [alpha.brand.id]


def test_bravo_token_describes_bravo_only(api, alpha, bravo):
    body = api(bravo.tokens["owner"]).get("/api/v1/me").get_json()

    assert body["agency"]["id"] == bravo.agency.id
    assert set(body["brand_ids"]) == {bravo.brand.id, bravo.other_brand.id}
    assert not set(body["brand_ids"]) & {alpha.brand.id, alpha.other_brand.id}
