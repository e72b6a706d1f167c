"""POST /api/v1/signup: an agency, its owner and a working token — or a clear error, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Agency, ApiToken, AuditEvent, User
from tenants.context import system_scope

GOOD = {
    "agency_name": "Nile Social",
    "name": "Mona Aziz",
    "email": "Mona@Example.com",
    "password": "a long enough password",
}


def _signup(client, body, **kw):
    return client.post("/api/v1/signup", json=body, **kw)


def test_signup_creates_agency_owner_and_a_token_that_works(client, api):
    resp = _signup(client, GOOD)

    assert resp.status_code == 201
    body = resp.get_json()
    assert body["agency"]["name"] == "Nile Social"
    assert body["agency"]["slug"] == "nile-social"
    assert body["user"]["email"] == "mona@example.com"
    assert body["token"].startswith("tdm_")
    me = api(body["token"]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json()["role"] == "owner"
    assert me.get_json()["agency"]["id"] == body["agency"]["id"]
    with system_scope():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash != body["token"]  # only the hash is stored
        assert token.prefix == body["token"][:8]
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"agency.created", "token.created"} <= actions


def test_signup_with_a_taken_email_is_409_and_creates_nothing(client):
    assert _signup(client, GOOD).status_code == 201

    resp = _signup(client, {**GOOD, "agency_name": "Second", "email": "mona@EXAMPLE.com"})

    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "email_taken"
    assert "email" in resp.get_json()["error"]["fields"]
    with system_scope():
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 1


@pytest.mark.parametrize("field", ["agency_name", "name", "email", "password"])
def test_signup_without_a_field_is_422_naming_it(client, field):
    body = {k: v for k, v in GOOD.items() if k != field}

    resp = _signup(client, body)

    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("agency_name", "   "),
        ("name", ""),
        ("email", "not-an-email"),
        ("password", "short"),
    ],
)
def test_signup_with_an_invalid_value_is_422_naming_the_field(client, field, value):
    resp = _signup(client, {**GOOD, field: value})

    assert resp.status_code == 422
    assert list(resp.get_json()["error"]["fields"]) == [field]
    with system_scope():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("field", "length"),
    [("agency_name", 121), ("name", 121), ("email", 255), ("password", 257)],
)
def test_signup_with_an_over_long_string_is_422(client, field, length):
    resp = _signup(client, {**GOOD, field: "x" * length})

    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("agency_name", 123),
        ("name", ["Mona"]),
        ("email", None),
        ("password", {"a": 1}),
        ("name", True),
    ],
)
def test_signup_with_a_wrong_type_is_422(client, field, value):
    resp = _signup(client, {**GOOD, field: value})

    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


def test_signup_with_an_unknown_field_is_422(client):
    resp = _signup(client, {**GOOD, "role": "owner"})

    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"role": "Unknown field."}


def test_signup_with_an_unknown_locale_is_422(client):
    resp = _signup(client, {**GOOD, "locale": "fr"})

    assert resp.status_code == 422
    assert "locale" in resp.get_json()["error"]["fields"]


def test_signup_in_arabic_remembers_the_language(client):
    resp = _signup(client, {**GOOD, "locale": "ar"})

    assert resp.status_code == 201
    with system_scope():
        user = db.session.scalar(select(User))
        agency = db.session.scalar(select(Agency))
    assert user.locale == "ar"
    assert agency.default_locale == "ar"


def test_signup_with_malformed_json_is_400(client):
    resp = client.post(
        "/api/v1/signup", data='{"agency_name": "x",', content_type="application/json"
    )

    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("payload", ["[]", '"text"', "42", "null"])
def test_signup_with_json_that_is_not_an_object_is_400(client, payload):
    resp = client.post("/api/v1/signup", data=payload, content_type="application/json")

    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_json"


def test_signup_with_a_form_body_is_415(client):
    resp = client.post("/api/v1/signup", data=GOOD)

    assert resp.status_code == 415
    assert resp.get_json()["error"]["code"] == "unsupported_media_type"


def test_signup_answers_json_errors_with_the_documented_shape(client):
    error = _signup(client, {}).get_json()["error"]

    assert set(error) == {"code", "message", "fields"}
    assert set(error["fields"]) == {"agency_name", "name", "email", "password"}


@pytest.mark.parametrize("field", ["agency_name", "name", "email"])
def test_signup_with_a_nul_or_control_character_is_422_not_a_500(client, field):
    for bad in ("Mona\x00Aziz", "Mona\nAziz"):
        resp = _signup(client, {**GOOD, field: bad})

        assert resp.status_code == 422, bad
        assert field in resp.get_json()["error"]["fields"]


def test_token_request_with_a_nul_in_the_name_is_422(client, alpha):
    resp = client.post(
        "/api/v1/tokens",
        json={"email": "owner@alpha.test", "password": "x" * 12, "name": "a\x00b"},
    )

    assert resp.status_code == 422
    assert "name" in resp.get_json()["error"]["fields"]
