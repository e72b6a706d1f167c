"""Ids beyond PostgreSQL's INTEGER range: 404 in paths, 422 naming the field in bodies
(issue 7, item 4).  On PostgreSQL each of these was "integer out of range", a 500."""

from __future__ import annotations

import pytest

from saas.web.common import MAX_ID

BIG = MAX_ID + 1  # 2147483648


def _api_paths(seeded) -> list[tuple[str, str]]:
    return [
        ("GET", f"/api/v1/brands/{BIG}"),
        ("PATCH", f"/api/v1/brands/{BIG}"),
        ("GET", f"/api/v1/brands/{BIG}/goals"),
        ("GET", f"/api/v1/goals/{BIG}"),
        ("GET", f"/api/v1/audiences/{BIG}"),
        ("GET", f"/api/v1/plans/{BIG}"),
        ("GET", f"/api/v1/reviews/{BIG}"),
        ("POST", f"/api/v1/reviews/{seeded.review_id}/findings/{BIG}"),
        ("GET", f"/api/v1/reports/{BIG}"),
        ("GET", f"/api/v1/reports/{BIG}/pdf"),
        ("DELETE", f"/api/v1/tokens/{BIG}"),
        ("DELETE", f"/api/v1/members/{BIG}"),
        ("GET", f"/api/v1/brands/{10**30}"),
        ("GET", "/api/v1/brands/\N{ARABIC-INDIC DIGIT ONE}"),
    ]


def test_api_ids_beyond_the_integer_range_are_404(alpha, api, seeded):
    client = api(alpha.tokens["owner"])
    for method, path in _api_paths(seeded):
        resp = client._call(method, path, json={})
        assert resp.status_code == 404, (method, path, resp.status_code)
        assert resp.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        f"/brands/{BIG}",
        f"/brands/{BIG}/goals",
        f"/goals/{BIG}",
        f"/audiences/{BIG}/edit",
        f"/plans/{BIG}",
        f"/reviews/{BIG}",
        f"/reports/{BIG}",
        f"/members/{BIG}/edit",
        f"/settings/tokens/{BIG}/revoke",
        f"/settings/outbox/{BIG}",
    ],
)
def test_web_ids_beyond_the_integer_range_are_404(alpha, login_as, client, path):
    login_as(alpha.owner)
    assert client.get(path).status_code == 404


def test_the_largest_id_still_routes(alpha, api):
    resp = api(alpha.tokens["owner"]).get(f"/api/v1/brands/{MAX_ID}")
    assert resp.status_code == 404  # routed, looked up, not found


# --- bodies -----------------------------------------------------------------------------


def _bodies(alpha, seeded) -> list[tuple[str, str, dict, str]]:
    campaign = {
        "name": "Spring",
        "networks": ["instagram"],
        "format": "post",
        "objective": "awareness",
        "start_date": "2027-01-01",
        "end_date": "2027-01-31",
    }
    plan = {"title": "Plan", "period_start": "2027-01-01", "period_end": "2027-03-31"}
    return [
        (
            "owner",
            "/api/v1/invitations",
            {"email": "new@example.test", "role": "client_team", "brand_ids": [BIG]},
            "brand_ids.0",
        ),
        (
            "consultant",
            f"/api/v1/brands/{seeded.brand_id}/reports",
            {
                "locale": "en",
                "period_start": "2027-01-01",
                "period_end": "2027-01-31",
                "recipient_ids": [BIG],
            },
            "recipient_ids.0",
        ),
        (
            "consultant",
            f"/api/v1/reviews/{seeded.review_id}/comments",
            {"body": "hi", "campaign_id": BIG},
            "campaign_id",
        ),
        (
            "consultant",
            f"/api/v1/reviews/{seeded.review_id}/comments",
            {"body": "hi", "goal_id": BIG},
            "goal_id",
        ),
        (
            "consultant",
            f"/api/v1/brands/{seeded.brand_id}/plans",
            {**plan, "campaigns": [{**campaign, "audience_id": BIG}]},
            "campaigns.0.audience_id",
        ),
        (
            "consultant",
            f"/api/v1/brands/{seeded.brand_id}/plans",
            {**plan, "campaigns": [{**campaign, "goal_ids": [BIG]}]},
            "campaigns.0.goal_ids",  # the service's own key and message
        ),
        (
            None,
            "/api/v1/tokens",
            {"email": alpha.owner.user.email, "password": "x" * 12, "agency_id": BIG},
            "agency_id",
        ),
    ]


def test_body_ids_beyond_the_integer_range_are_422_naming_the_field(alpha, api, seeded):
    for role, path, body, field in _bodies(alpha, seeded):
        resp = api(alpha.tokens[role] if role else None).post(path, json=body)
        assert resp.status_code == 422, (path, resp.status_code, resp.get_data(as_text=True))
        assert field in resp.get_json()["error"]["fields"], (path, resp.get_json())


def test_the_schema_documents_the_id_bounds(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    comment = schemas["CommentCreate"]["properties"]["campaign_id"]
    bounded = [s for s in comment["anyOf"] if s.get("type") == "integer"][0]
    assert bounded == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


# --- web forms ----------------------------------------------------------------------------


def test_web_invitation_with_an_out_of_range_brand_is_a_form_error(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.post(
        "/members/invite",
        data={"email": "new@example.test", "role": "client_team", "brand_ids": [str(BIG)]},
    )
    assert resp.status_code == 422


def test_web_consultants_with_an_out_of_range_id_is_a_form_error(alpha, login_as, client):
    login_as(alpha.owner)
    resp = client.post(f"/brands/{alpha.brand.id}/consultants", data={"consultants": [str(BIG)]})
    assert resp.status_code == 422


def test_web_report_with_an_out_of_range_recipient_is_not_a_500(alpha, login_as, client):
    login_as(alpha.consultant)
    resp = client.post(
        f"/brands/{alpha.brand.id}/reports",
        data={
            "locale": "en",
            "period_start": "2027-01-01",
            "period_end": "2027-01-31",
            "recipient_ids": [str(BIG)],
        },
    )
    assert resp.status_code in (200, 422)


def test_web_schedule_with_an_out_of_range_recipient_is_not_a_500(alpha, login_as, client):
    login_as(alpha.consultant)
    resp = client.post(
        f"/brands/{alpha.brand.id}/report-schedules",
        data={"frequency": "monthly", "recipient_ids": [str(BIG)]},
    )
    assert resp.status_code in (200, 422)


def test_web_comment_on_an_out_of_range_campaign_is_not_a_500(alpha, login_as, client, seeded):
    login_as(alpha.consultant)
    resp = client.post(
        f"/reviews/{seeded.review_id}/comments", data={"body": "hi", "campaign_id": str(BIG)}
    )
    assert resp.status_code in (400, 422)
