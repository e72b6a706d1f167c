"""The capability endpoints are in the OpenAPI document, with strict bodies and page lists."""

from __future__ import annotations

OPERATIONS = {
    "/skills": {"get", "post"},
    "/skills/{skill_id}": {"get", "patch"},
    "/brands/{brand_id}/team": {"get", "post"},
    "/brands/{brand_id}/team/{member_id}": {"get"},
    "/brands/{brand_id}/assessments": {"get", "post"},
    "/brands/{brand_id}/skills-matrix": {"get"},
    "/brands/{brand_id}/learning-budget": {"get", "put"},
    "/brands/{brand_id}/learning-items": {"get", "post"},
    "/learning-items/{learning_item_id}": {"get", "patch"},
}
LISTS = ("/skills", "/brands/{brand_id}/team", "/brands/{brand_id}/assessments",
         "/brands/{brand_id}/learning-items")  # fmt: skip


def test_every_capability_operation_is_documented(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    for path, methods in OPERATIONS.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            op = paths[path][method]
            assert op["tags"] == ["capability"] and op["summary"]
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                name = body["schema"]["$ref"].rsplit("/", 1)[1]
                assert schemas[name]["additionalProperties"] is False, name
                assert "422" in op["responses"]
    for path in LISTS:
        params = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"page", "per_page"} <= params, path
    rating = schemas["AssessmentCreate"]["properties"]["rating"]
    assert (rating["minimum"], rating["maximum"]) == (0, 4)
    assert "over_budget" in paths["/brands/{brand_id}/learning-items"]["post"]["summary"]
