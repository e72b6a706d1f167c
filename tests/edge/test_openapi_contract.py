"""The OpenAPI document and the code say the same thing (issue 7, item 4, last bullet)."""

from __future__ import annotations

import pytest

MAX_PAGE = 100_000


def _doc(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("BrandCreate", "name"),
        ("BrandUpdate", "name"),
        ("GoalCreate", "title"),
        ("GoalCreate", "metric"),
        ("AudienceCreate", "name"),
        ("AudienceUpdate", "name"),
        ("PlanCreate", "title"),
        ("CampaignIn", "name"),
        ("CommentCreate", "body"),
        ("SignupBody", "agency_name"),
        ("SignupBody", "name"),
    ],
)
def test_names_the_code_refuses_empty_have_a_minimum_length(client, schema, field):
    prop = _doc(client)["components"]["schemas"][schema]["properties"][field]
    options = prop.get("anyOf", [prop])
    strings = [o for o in options if o.get("type") == "string"]
    assert strings and all(o.get("minLength", 0) >= 1 for o in strings), prop


def test_an_empty_brand_name_is_refused_by_the_schema_check(alpha, api):
    resp = api(alpha.tokens["owner"]).post("/api/v1/brands", json={"name": ""})
    assert resp.status_code == 422
    assert "name" in resp.get_json()["error"]["fields"]


def test_page_documents_its_maximum_everywhere(client):
    for path, ops in _doc(client)["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["name"] == "page":
                    assert param["schema"]["maximum"] == MAX_PAGE, path


def test_brand_search_q_is_bounded_as_documented(alpha, api, client):
    params = _doc(client)["paths"]["/brands"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "q")["schema"]["maxLength"]
    brands = api(alpha.tokens["owner"])

    assert brands.get("/api/v1/brands?q=" + "a" * limit).status_code == 200
    resp = brands.get("/api/v1/brands?q=" + "a" * (limit + 1))
    assert resp.status_code == 400
    assert "q" in resp.get_json()["error"]["fields"]


def test_api_405_carries_an_allow_header(alpha, api):
    resp = api(alpha.tokens["owner"]).delete("/api/v1/me")

    assert resp.status_code == 405
    assert resp.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in resp.headers["Allow"]


def test_web_405_carries_an_allow_header(client):
    resp = client.delete("/login")

    assert resp.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in resp.headers["Allow"].split(",")}


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("BrandUpdate", "name"),
        ("BrandUpdate", "timezone"),
        ("BrandUpdate", "language"),
        ("GoalUpdate", "title"),
        ("GoalUpdate", "baseline"),
        ("GoalUpdate", "due_date"),
        ("AudienceUpdate", "name"),
    ],
)
def test_update_fields_that_cannot_be_cleared_are_not_nullable(client, schema, field):
    prop = _doc(client)["components"]["schemas"][schema]["properties"][field]
    assert "anyOf" not in prop and prop.get("type") != "null" and "default" not in prop, prop


def test_sending_null_for_a_field_that_cannot_be_cleared_is_422(alpha, api, seeded):
    client = api(alpha.tokens["owner"])
    assert client.patch(f"/api/v1/brands/{seeded.brand_id}", json={"name": None}).status_code == 422
    resp = client.patch(f"/api/v1/goals/{seeded.goal_id}", json={"baseline": None})
    assert resp.status_code == 422
    assert "baseline" in resp.get_json()["error"]["fields"]
    # ... while null still clears the fields that can be cleared.
    resp = client.patch(f"/api/v1/brands/{seeded.brand_id}", json={"industry": None})
    assert resp.status_code == 200
    assert resp.get_json()["industry"] is None


def test_every_operation_documents_the_edge_400(client):
    for path, ops in _doc(client)["paths"].items():
        for method, op in ops.items():
            assert "400" in op["responses"], (method, path)


def test_saving_a_draft_in_place_documents_its_200(client):
    responses = _doc(client)["paths"]["/plans/{plan_id}/revisions"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    assert responses["200"]["content"] == responses["201"]["content"]
