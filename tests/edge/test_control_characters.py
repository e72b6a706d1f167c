"""NUL and other control characters are refused at the edge (issue 7, item 4, first bullet).

PostgreSQL refuses NUL in text, so each of these reached the database as a 500; run on
PostgreSQL (DATABASE_URL) to see the original failure.
"""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Agency, User
from tenants.context import system_scope
from tests.edge.conftest import assert_security_headers

FIELD_ERROR = "Remove the control characters from this field."


def _page(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


# --- web forms: an error next to the field ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/login", {"email": "a\x00@x.test", "password": "whatever-it-is"}, "email"),
        ("/password/forgot", {"email": "a\x00@x.test"}, "email"),
        ("/login/link", {"email": "a\x00@x.test"}, "email"),
        (
            "/signup",
            {
                "agency_name": "a\x00",
                "name": "Nul Person",
                "email": "nul@example.test",
                "password": "a long enough password",
                "password_confirm": "a long enough password",
            },
            "agency_name",
        ),
    ],
)
def test_nul_in_a_signed_out_form_is_a_field_error_not_a_500(client, path, data, field):
    """What do I see when a form value holds a NUL byte?  An error next to that field."""
    resp = client.post(path, data=data)

    assert resp.status_code in (200, 422), resp.status_code
    page = _page(resp)
    assert FIELD_ERROR in page
    assert_security_headers(resp)


def test_signup_with_nul_creates_nothing(client):
    client.post(
        "/signup",
        data={
            "agency_name": "a\x00b",
            "name": "Nul Person",
            "email": "nul@example.test",
            "password": "a long enough password",
            "password_confirm": "a long enough password",
        },
    )
    with system_scope():
        assert db.session.scalar(select(func.count(Agency.id))) == 0
        assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x7f"])
def test_other_control_characters_are_field_errors_too(client, char):
    resp = client.post("/password/forgot", data={"email": f"a{char}@x.test"})
    assert resp.status_code in (200, 422)
    assert FIELD_ERROR in _page(resp)


def test_signed_in_form_shows_the_error_next_to_the_field(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.post("/brands/new", data={"name": "Nul\x00Brand", "timezone": "UTC"})

    assert resp.status_code in (200, 422)
    assert FIELD_ERROR in _page(resp)


def test_tab_and_newlines_stay_allowed_in_text(alpha, login_as, client, seeded):
    login_as(alpha.consultant)
    resp = client.post(
        f"/reviews/{seeded.review_id}/comments",
        data={"body": "line one\r\n\tline two", "shared": "no"},
    )
    assert resp.status_code in (302, 303), resp.status_code


# --- values no form field checks: the guard's 400 -----------------------------------------


def test_nul_in_a_value_read_straight_from_request_form_is_a_400(alpha, login_as, client, seeded):
    login_as(alpha.consultant)
    resp = client.post(f"/plans/{seeded.plan_id}/transition", data={"to": "approved\x00"})

    assert resp.status_code == 400
    assert_security_headers(resp)


def test_nul_in_campaign_goal_contributions_is_a_400(alpha, login_as, client, seeded):
    login_as(alpha.consultant)
    resp = client.post(
        f"/plans/{seeded.plan_id}/campaigns/new",
        data={
            "name": "C",
            "goal_ids": [str(seeded.goal_id)],
            f"contribution_{seeded.goal_id}": "1\x00",
        },
    )
    assert resp.status_code == 400


def test_nul_in_a_form_key_is_a_400(client):
    resp = client.post("/login", data={"email\x00": "a@x.test"})
    assert resp.status_code == 400


# --- JSON bodies: 422 naming the field -----------------------------------------------------


def _bodies(seeded) -> list[tuple[str, str, dict, str]]:
    return [
        ("POST", "/api/v1/brands", {"name": "a\x00b"}, "name"),
        ("PATCH", f"/api/v1/brands/{seeded.brand_id}", {"name": "a\x00b"}, "name"),
        (
            "POST",
            f"/api/v1/brands/{seeded.brand_id}/goals",
            {
                "title": "a\x00b",
                "metric": "followers",
                "baseline": 1.0,
                "target": 2.0,
                "due_date": "2027-12-31",
            },
            "title",
        ),
        ("POST", f"/api/v1/brands/{seeded.brand_id}/audiences", {"name": "a\x00b"}, "name"),
        ("PATCH", f"/api/v1/audiences/{seeded.audience_id}", {"name": "a\x00b"}, "name"),
        (
            "POST",
            f"/api/v1/goals/{seeded.goal_id}/checkins",
            {"date": "2027-01-02", "value": 3.0, "comment": "a\x00b"},
            "comment",
        ),
        ("POST", f"/api/v1/reviews/{seeded.review_id}/comments", {"body": "a\x00b"}, "body"),
        (
            "POST",
            f"/api/v1/brands/{seeded.brand_id}/plans",
            {"title": "a\x00b", "period_start": "2027-01-01", "period_end": "2027-03-31"},
            "title",
        ),
        (
            "POST",
            f"/api/v1/plans/{seeded.plan_id}/revisions",
            {"campaigns": [{"name": "ok", "key": "k\x01"}]},
            "campaigns.0.key",
        ),
    ]


def test_control_characters_in_json_strings_are_422_naming_the_field(alpha, api, seeded):
    client = api(alpha.tokens["owner"])
    for method, path, body, field in _bodies(seeded):
        resp = client._call(method, path, json=body)
        assert resp.status_code == 422, (path, resp.status_code, resp.get_data(as_text=True))
        error = resp.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert field in error["fields"], (path, error)


def test_control_characters_in_json_keys_are_named_too(alpha, api):
    resp = api(alpha.tokens["owner"]).post("/api/v1/brands", json={"name": "ok", "x\x00": 1})
    assert resp.status_code == 422
    assert "x\\x00" in resp.get_json()["error"]["fields"]


def test_signed_out_json_with_nul_is_422(api):
    resp = api(None).post(
        "/api/v1/tokens", json={"email": "a\x00@x.test", "password": "whatever it is"}
    )
    assert resp.status_code == 422
    assert "email" in resp.get_json()["error"]["fields"]


# --- query strings: 400 ---------------------------------------------------------------------


def test_nul_in_the_api_brand_search_is_a_json_400(alpha, api):
    resp = api(alpha.tokens["owner"]).get("/api/v1/brands?q=%00")

    assert resp.status_code == 400
    assert set(resp.get_json()["error"]) == {"code", "message", "fields"}
    assert_security_headers(resp)


@pytest.mark.parametrize("path", ["/brands/?q=%00", "/settings/audit?action=%00", "/?x=a%1fb"])
def test_control_characters_in_a_web_query_are_a_400_page(alpha, login_as, client, path):
    login_as(alpha.owner)
    resp = client.get(path)

    assert resp.status_code == 400
    assert resp.mimetype == "text/html"
    assert_security_headers(resp)


def test_nul_in_a_path_token_is_a_404(client, api):
    """A path with a control character names nothing: 404, as the OpenAPI document says."""
    assert client.get("/password/reset/abc%00def").status_code == 404
    assert client.get("/r/abc%00").status_code == 404
    resp = api(None).post("/api/v1/invitations/abc%00/accept", json={"password": "x"})
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
