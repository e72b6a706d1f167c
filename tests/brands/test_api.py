"""The brands API: what a script with a personal access token can do, and what it cannot."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand, BrandAccess
from tenants.context import tenant_scope


def brand_count(agency_id: int) -> int:
    with tenant_scope(agency_id):
        return db.session.scalar(select(func.count(Brand.id)))


def test_owner_creates_a_brand_and_gets_201_with_its_json(alpha, api, audit_actions):
    resp = api(alpha.tokens["owner"]).post(
        "/api/v1/brands",
        json={
            "name": "  Cedar   Coffee ",
            "industry": "Hospitality",
            "website": "https://cedar.example",
            "timezone": "Asia/Dubai",
            "language": "ar",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "Cedar Coffee"
    assert body["timezone"] == "Asia/Dubai"
    assert body["language"] == "ar"
    assert body["archived"] is False and body["archived_at"] is None
    assert body["logo_url"] is None
    assert body["consultant_ids"] == []
    assert set(body) == {
        "id", "name", "industry", "website", "timezone", "language",
        "logo_url", "archived", "archived_at", "created_at", "consultant_ids",
    }  # fmt: skip
    assert "brand.created" in audit_actions(alpha.agency.id)


def test_create_with_only_a_name_uses_utc_and_english(alpha, api):
    body = api(alpha.tokens["owner"]).post("/api/v1/brands", json={"name": "Plain"}).get_json()
    assert (body["timezone"], body["language"], body["website"]) == ("UTC", "en", None)


def test_website_without_scheme_is_saved_with_https(alpha, api):
    resp = api(alpha.tokens["owner"]).post(
        "/api/v1/brands", json={"name": "Bare", "website": "bare.example"}
    )
    assert resp.get_json()["website"] == "https://bare.example"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": 42}, "name"),
        ({"name": "Ok", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Ok", "website": "not a url"}, "website"),
        ({"name": "Ok", "website": "ftp://files.example"}, "website"),
        ({"name": "Ok", "website": "https://" + "a" * 250 + ".example"}, "website"),
        ({"name": "Ok", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "Ok", "timezone": 3}, "timezone"),
        ({"name": "Ok", "language": "fr"}, "language"),
        ({"name": "Ok", "industry": ["a"]}, "industry"),
        ({"name": "Ok", "colour": "red"}, "colour"),
        ({}, "name"),
    ],
)
def test_invalid_brand_is_refused_with_422_naming_the_field(alpha, api, payload, field):
    before = brand_count(alpha.agency.id)
    resp = api(alpha.tokens["owner"]).post("/api/v1/brands", json=payload)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert brand_count(alpha.agency.id) == before


def test_malformed_json_is_a_400_and_nothing_is_created(alpha, api, client):
    before = brand_count(alpha.agency.id)
    resp = client.post(
        "/api/v1/brands",
        data='{"name": "Broken",',
        headers={
            "Authorization": f"Bearer {alpha.tokens['owner']}",
            "Content-Type": "application/json",
        },
    )
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_json"
    assert brand_count(alpha.agency.id) == before


def test_form_encoded_body_is_a_415(alpha, client):
    resp = client.post(
        "/api/v1/brands",
        data={"name": "Form"},
        headers={"Authorization": f"Bearer {alpha.tokens['owner']}"},
    )
    assert resp.status_code == 415


def test_list_is_paged_and_searchable(alpha, api):
    owner = api(alpha.tokens["owner"])
    for i in range(25):
        assert owner.post("/api/v1/brands", json={"name": f"Paged {i:02d}"}).status_code == 201
    first = owner.get("/api/v1/brands?q=paged&per_page=20").get_json()
    assert first["meta"]["total"] == 25
    assert first["meta"]["next_page"] == 2
    second = owner.get("/api/v1/brands?q=PAGED&page=2&per_page=20").get_json()
    assert [b["name"] for b in second["data"]] == [f"Paged {i:02d}" for i in range(20, 25)]
    assert second["meta"]["next_page"] is None
    names = {b["name"] for b in owner.get("/api/v1/brands").get_json()["data"]}
    assert "Alpha Brand One" in names


def test_search_treats_percent_as_a_letter(alpha, api):
    owner = api(alpha.tokens["owner"])
    owner.post("/api/v1/brands", json={"name": "100% Juice"})
    names = [b["name"] for b in owner.get("/api/v1/brands?q=%25").get_json()["data"]]
    assert names == ["100% Juice"]


def test_bad_archived_filter_is_a_400(alpha, api):
    assert api(alpha.tokens["owner"]).get("/api/v1/brands?archived=maybe").status_code == 400


def test_patch_changes_only_the_fields_sent(alpha, api, audit_actions):
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/brands/{alpha.brand.id}", json={"industry": "Retail", "timezone": "Africa/Cairo"}
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "Alpha Brand One"
    assert body["industry"] == "Retail"
    assert body["timezone"] == "Africa/Cairo"
    assert body["website"] == "https://alpha-one.example"
    assert "brand.updated" in audit_actions(alpha.agency.id)


@pytest.mark.parametrize(
    "payload",
    [{"name": None}, {"name": "x" * 121}, {"website": "nope nope"}, {"archived": True}],
)
def test_invalid_patch_changes_nothing(alpha, api, payload):
    resp = api(alpha.tokens["owner"]).patch(f"/api/v1/brands/{alpha.brand.id}", json=payload)
    assert resp.status_code == 422
    body = api(alpha.tokens["owner"]).get(f"/api/v1/brands/{alpha.brand.id}").get_json()
    assert body["name"] == "Alpha Brand One"
    assert body["website"] == "https://alpha-one.example"


def test_delete_archives_and_restore_brings_back(alpha, api, audit_actions):
    owner = api(alpha.tokens["owner"])
    resp = owner.delete(f"/api/v1/brands/{alpha.other_brand.id}")
    assert resp.status_code == 200
    assert resp.get_json()["archived"] is True
    assert resp.get_json()["archived_at"]
    active = [b["id"] for b in owner.get("/api/v1/brands").get_json()["data"]]
    archived = [b["id"] for b in owner.get("/api/v1/brands?archived=true").get_json()["data"]]
    assert alpha.other_brand.id not in active
    assert archived == [alpha.other_brand.id]

    resp = owner.post(f"/api/v1/brands/{alpha.other_brand.id}/restore")
    assert resp.status_code == 200
    assert resp.get_json()["archived"] is False
    assert alpha.other_brand.id in [b["id"] for b in owner.get("/api/v1/brands").get_json()["data"]]
    actions = audit_actions(alpha.agency.id)
    assert "brand.archived" in actions and "brand.restored" in actions


def test_client_leader_sees_only_their_brand(alpha, api):
    leader = api(alpha.tokens["leader"])
    body = leader.get("/api/v1/brands").get_json()
    assert [b["name"] for b in body["data"]] == ["Alpha Brand One"]
    assert body["data"][0]["consultant_ids"] == [alpha.consultant.id]
    assert leader.get(f"/api/v1/brands/{alpha.brand.id}").status_code == 200
    assert leader.get(f"/api/v1/brands/{alpha.other_brand.id}").status_code == 404


def test_client_users_may_not_create_edit_or_archive(alpha, api):
    for role in ("leader", "team"):
        client_api = api(alpha.tokens[role])
        assert client_api.post("/api/v1/brands", json={"name": "Mine"}).status_code == 403
        url = f"/api/v1/brands/{alpha.brand.id}"
        assert client_api.patch(url, json={"name": "Renamed"}).status_code == 403
        assert client_api.delete(url).status_code == 403
    assert brand_count(alpha.agency.id) == 2


def test_consultant_sees_assigned_brands_only(alpha, api):
    from tests import factories

    unassigned = factories.brand(alpha.agency, name="Unassigned Brand")
    db.session.commit()
    consultant = api(alpha.tokens["consultant"])
    names = {b["name"] for b in consultant.get("/api/v1/brands").get_json()["data"]}
    assert names == {"Alpha Brand One", "Alpha Brand Two"}
    assert consultant.get(f"/api/v1/brands/{unassigned.id}").status_code == 404
    assert (
        consultant.patch(f"/api/v1/brands/{unassigned.id}", json={"name": "x"}).status_code == 404
    )
    owner_names = {
        b["name"] for b in api(alpha.tokens["owner"]).get("/api/v1/brands").get_json()["data"]
    }
    assert "Unassigned Brand" in owner_names


def test_consultant_who_creates_a_brand_is_assigned_to_it(alpha, api):
    consultant = api(alpha.tokens["consultant"])
    resp = consultant.post("/api/v1/brands", json={"name": "Consultant Made"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["consultant_ids"] == [alpha.consultant.id]
    assert consultant.get(f"/api/v1/brands/{body['id']}").status_code == 200
    with tenant_scope(alpha.agency.id):
        links = db.session.scalars(
            select(BrandAccess.membership_id).where(BrandAccess.brand_id == body["id"])
        ).all()
    assert links == [alpha.consultant.id]


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("GET", "", None),
        ("PATCH", "", {"name": "Hacked by Bravo"}),
        ("DELETE", "", None),
        ("POST", "/restore", None),
    ],
)
def test_bravo_gets_404_on_alphas_brand(alpha, bravo, api, method, suffix, payload):
    resp = api(bravo.tokens["owner"])._call(
        method, f"/api/v1/brands/{alpha.brand.id}{suffix}", json=payload
    )
    assert resp.status_code == 404
    assert "Alpha" not in resp.get_data(as_text=True)
    with tenant_scope(alpha.agency.id):
        brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        assert brand.name == "Alpha Brand One" and brand.archived_at is None


def test_unknown_brand_id_is_a_404(alpha, api):
    assert api(alpha.tokens["owner"]).get("/api/v1/brands/999999").status_code == 404


def test_no_token_is_a_401(client):
    assert client.get("/api/v1/brands").status_code == 401
