"""What the widened schemathesis run (``scripts/fuzz-api``) found, each pinned by a test.

The document must say exactly what the server accepts: a value the schema allows is taken
(schemathesis' ``positive_data_acceptance``) and one it refuses is refused
(``negative_data_rejection``).
"""

from __future__ import annotations

import re

API = "/api/v1"


def _document(client) -> dict:
    return client.get(f"{API}/openapi.json").get_json()


def _body_schema(doc: dict, path: str, method: str) -> dict:
    ref = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


# --- GET /brands/{id}/action-items?owner=: documented as a string, refused unless me or an id


def test_the_owner_filter_is_documented_as_me_or_an_id(client):
    doc = _document(client)
    params = doc["paths"]["/brands/{brand_id}/action-items"]["get"]["parameters"]
    owner = next(p for p in params if p["name"] == "owner")

    assert owner["schema"] == {
        "anyOf": [
            {"type": "string", "enum": ["me"]},
            {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        ]
    }


def test_the_owner_filter_takes_what_the_schema_allows_and_refuses_the_rest(alpha, api):
    owner = api(alpha.tokens["owner"])
    path = f"{API}/brands/{alpha.brand.id}/action-items"

    for allowed in ("me", str(alpha.owner.user_id), str(2**31 - 1)):
        assert owner.get(f"{path}?owner={allowed}").status_code == 200, allowed
    for refused in ("nobody", "0", str(2**31), "\\x"):
        resp = owner.get(f"{path}?owner={refused}")
        assert resp.status_code == 400, refused
        assert "owner" in resp.get_json()["error"]["fields"]


# --- Names the service requires: the schema allowed "" (and "   "), which the service refuses


NAMES = [
    ("/skills", "post", "SkillCreate", ("name_en", "name_ar")),
    ("/skills/{skill_id}", "patch", "SkillUpdate", ("name_en", "name_ar")),
    ("/brands/{brand_id}/team", "post", "TeamMemberCreate", ("name",)),
]


def test_required_names_are_documented_as_not_blank(client):
    doc = _document(client)
    for path, method, model, fields in NAMES:
        schema = _body_schema(doc, path, method)
        assert schema["title"] == model
        for field in fields:
            pattern = re.compile(schema["properties"][field]["pattern"])
            assert pattern.match("Employer branding"), (model, field)
            assert pattern.match("  إدارة  "), (model, field)
            for blank in ("", "   ", "\u3000"):
                assert not pattern.match(blank), (model, field, blank)


def test_blank_names_are_refused_as_the_schema_says(alpha, api):
    owner = api(alpha.tokens["owner"])
    skill = owner.post(f"{API}/skills", json={"key": "blank_a", "name_en": " ", "name_ar": ""})
    assert skill.status_code == 422
    assert {"name_en", "name_ar"} <= set(skill.get_json()["error"]["fields"])

    member = owner.post(f"{API}/brands/{alpha.brand.id}/team", json={"name": "   "})
    assert member.status_code == 422
    assert "name" in member.get_json()["error"]["fields"]

    ok = owner.post(f"{API}/skills", json={"key": "named_b", "name_en": " B ", "name_ar": "ب"})
    assert ok.status_code == 201, ok.get_json()


# --- Session length: "15 to 480 minutes" was only prose; 0 passed the schema and got a 422


def test_session_duration_bounds_are_in_the_schema(client):
    doc = _document(client)
    for path, method in (
        ("/brands/{brand_id}/sessions", "post"),
        ("/sessions/{session_id}", "patch"),
    ):
        duration = _body_schema(doc, path, method)["properties"]["duration_minutes"]
        assert (duration["minimum"], duration["maximum"]) == (15, 480), (path, method)


def test_a_session_outside_the_documented_bounds_is_refused(alpha, api):
    owner = api(alpha.tokens["owner"])
    body = {"title": "QBR", "starts_at": "2027-03-11T10:00", "timezone": "Asia/Riyadh"}
    path = f"{API}/brands/{alpha.brand.id}/sessions"

    for minutes in (14, 481):
        resp = owner.post(path, json={**body, "duration_minutes": minutes})
        assert resp.status_code == 422
        assert "duration_minutes" in resp.get_json()["error"]["fields"]
    assert owner.post(path, json={**body, "duration_minutes": 15}).status_code == 201


# --- A skill's key: the rule was only prose ("lower-case letters, digits and underscores")


def test_the_skill_key_rule_is_in_the_schema_and_the_server_keeps_it(client, alpha, api):
    key = _body_schema(_document(client), "/skills", "post")["properties"]["key"]
    pattern = re.compile(key["pattern"])
    owner = api(alpha.tokens["owner"])

    for refused in ("0", "Tiktok", "_x", "a-b"):
        assert not pattern.match(refused), refused
        resp = owner.post(f"{API}/skills", json={"key": refused, "name_en": "N", "name_ar": "ن"})
        assert resp.status_code == 422, refused
        assert "key" in resp.get_json()["error"]["fields"]
    assert pattern.match("employer_branding2")
    resp = owner.post(
        f"{API}/skills", json={"key": "employer_branding2", "name_en": "N", "name_ar": "ن"}
    )
    assert resp.status_code == 201, resp.get_json()


# --- Control characters in a query string: a 400 from the edge that the schema did not state


def test_free_text_query_parameters_document_the_control_character_rule(client):
    doc = _document(client)
    params = doc["paths"]["/brands/{brand_id}/assessments"]["get"]["parameters"]
    skill = next(p for p in params if p["name"] == "skill")
    pattern = re.compile(skill["schema"]["pattern"])

    assert pattern.match("tiktok")
    for hostile in ("a\rb", "\x1e", "\t", "\x7f"):
        assert not pattern.match(hostile), repr(hostile)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                schema = p["schema"]
                if schema.get("type") == "string" and not {"enum", "format"} & set(schema):
                    assert "pattern" in schema, (method, path, p["name"])


def test_a_control_character_in_the_query_string_is_refused_with_400(alpha, api):
    owner = api(alpha.tokens["owner"])
    resp = owner.get(f"{API}/brands/{alpha.brand.id}/assessments?skill=%0D%1E")

    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "control_characters"


# --- Slot suggestions: ``from`` and ``to`` were any string; only a date or datetime is taken


def test_suggestion_bounds_are_documented_as_dates_or_datetimes(client, alpha, api):
    doc = _document(client)
    params = doc["paths"]["/brands/{brand_id}/sessions/suggestions"]["get"]["parameters"]
    formats = {
        p["name"]: {s.get("format") or f"maxLength {s['maxLength']}" for s in p["schema"]["anyOf"]}
        for p in params
        if p["name"] in ("from", "to")
    }
    # A date, a datetime, or empty (the default, as an unfilled form field sends it).
    documented = {"date", "date-time", "maxLength 0"}
    assert formats == {"from": documented, "to": documented}

    owner = api(alpha.tokens["owner"])
    path = f"{API}/brands/{alpha.brand.id}/sessions/suggestions"
    assert owner.get(f"{path}?from=soon").status_code == 422
    assert owner.get(f"{path}?from=2027-03-11").status_code == 200
    assert owner.get(f"{path}?from=2027-03-11T09:00:00Z").status_code == 200
    # Empty is the default, as documented (the fuzz found ``?to=`` answered 200 while the
    # document allowed only dates).
    assert owner.get(f"{path}?to=").status_code == 200
    assert owner.get(f"{path}?from=&to=").status_code == 200


# --- Dates in bodies: a number was read as a Unix time (``"date": 0`` saved 1970-01-01)


def test_a_number_where_a_date_belongs_is_refused_and_nothing_is_saved(alpha, api):
    from tests.plans.conftest import counts, plan_body

    team = api(alpha.tokens["team"])
    before = counts(alpha.agency.id)
    calendar = [{"date": 0, "network": "x", "format": "ad"}]
    resp = team.post(f"{API}/brands/{alpha.brand.id}/plans", json=plan_body(calendar=calendar))
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"calendar.0.date": "Input should be a valid date"}
    assert counts(alpha.agency.id) == before

    for number in (20270301, 1.5, True):
        body = plan_body(period_start=number)
        resp = team.post(f"{API}/brands/{alpha.brand.id}/plans", json=body)
        assert resp.status_code == 422, (number, resp.get_json())
        assert "period_start" in resp.get_json()["error"]["fields"]
    # ISO text still works.
    ok = team.post(f"{API}/brands/{alpha.brand.id}/plans", json=plan_body(calendar=[]))
    assert ok.status_code == 201, ok.get_json()
