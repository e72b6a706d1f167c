"""The OpenAPI document and the url_map describe exactly the same operations."""

from __future__ import annotations

import re

API_PREFIX = "/api/v1"
SKIP = {f"{API_PREFIX}/openapi.json"}


def _document(client):
    resp = client.get(f"{API_PREFIX}/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def _rules_from_url_map(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/") or rule.rule in SKIP:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(API_PREFIX) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def test_document_looks_like_openapi_3_1(client):
    doc = _document(client)

    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": API_PREFIX}]
    assert doc["paths"]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert set(doc["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {
        "code",
        "message",
        "fields",
    }


def test_every_api_rule_is_documented_and_every_documented_operation_exists(db_app, client):
    documented = {
        (path, method) for path, ops in _document(client)["paths"].items() for method in ops
    }
    routed = _rules_from_url_map(db_app)

    assert routed, "no API rules found in the url_map"
    assert routed - documented == set(), "routes missing from openapi.json"
    assert documented - routed == set(), "documented operations with no route"


def test_every_reference_resolves(client):
    doc = _document(client)
    schemas = doc["components"]["schemas"]
    text = str(doc)

    refs = set(re.findall(r"'\$ref': '([^']+)'", text))
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, ref
    assert "$defs" not in text


def test_operations_carry_security_bodies_errors_and_parameters(client):
    paths = _document(client)["paths"]

    signup = paths["/signup"]["post"]
    assert signup["security"] == []
    assert signup["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SignupBody"
    )
    assert {"201", "400", "409", "415", "422"} <= set(signup["responses"])
    assert signup["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }

    me = paths["/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]

    revoke = paths["/tokens/{token_id}"]["delete"]
    assert revoke["parameters"] == [
        {
            "name": "token_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        }
    ]
    assert "204" in revoke["responses"] and "404" in revoke["responses"]

    listing = paths["/tokens"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page"}


def test_every_operation_has_a_summary_tags_and_unique_id(client):
    doc = _document(client)
    ids = []
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["summary"] and op["tags"]
            assert op["responses"]
            ids.append(op["operationId"])
    assert len(ids) == len(set(ids))


def test_body_schema_forbids_unknown_fields_and_documents_limits(client):
    schema = _document(client)["components"]["schemas"]["SignupBody"]

    assert schema["additionalProperties"] is False
    assert schema["properties"]["agency_name"]["maxLength"] == 120
    assert set(schema["required"]) == {"agency_name", "name", "email", "password"}
