"""Does the API speak one wire format (issue 9): strict numbers, datetimes in UTC with ``Z``?

Two bugs this pins down: ``api/plans`` took the string ``"1.5"`` as a number (goals never
did), and brands, goals, plans and reviews wrote ``+00:00`` where invitations and reports
wrote ``Z``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from saas.extensions import db
from saas.models import Report
from tenants.context import tenant_scope
from tests.plans.conftest import campaign_body, make_goal, plan_body

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _datetimes(value: Any, path: str = "") -> dict[str, str]:
    """Every string in a JSON body that reads as a datetime, by its dotted path."""
    found: dict[str, str] = {}
    if isinstance(value, str) and DATETIME.match(value):
        found[path] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            found |= _datetimes(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found |= _datetimes(item, f"{path}.{i}")
    return found


def _ok(resp, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


# --- strict numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kpi_target", "1.5"),
        ("kpi_baseline", "1000"),
        ("budget", "1500"),
        ("kpi_target", True),
    ],
)
def test_a_campaign_number_sent_as_a_string_is_422_naming_the_field(alpha, api, field, value):
    body = plan_body([campaign_body(**{field: value})])
    resp = api(alpha.tokens["team"]).post(f"/api/v1/brands/{alpha.brand.id}/plans", json=body)

    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert f"campaigns.0.{field}" in error["fields"], error["fields"]


def test_a_goal_contribution_sent_as_a_string_is_422(alpha, api):
    goal_id = make_goal(alpha)
    body = plan_body([campaign_body(goal_id, goal_contributions={str(goal_id): "40"})])
    resp = api(alpha.tokens["team"]).post(f"/api/v1/brands/{alpha.brand.id}/plans", json=body)

    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert any(key.startswith("campaigns.0.goal_contributions") for key in fields), fields


def test_campaign_numbers_sent_as_numbers_are_still_taken(alpha, api):
    body = plan_body([campaign_body(kpi_target=1.5, budget=1500.25)])
    data = _ok(
        api(alpha.tokens["team"]).post(f"/api/v1/brands/{alpha.brand.id}/plans", json=body), 201
    )

    [campaign] = data["campaigns"]
    assert campaign["kpi_target"] == 1.5 and campaign["budget"] == 1500.25


def test_the_document_offers_no_string_for_a_campaign_number(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["CampaignIn"]
    for field in ("kpi_baseline", "kpi_target", "budget"):
        types = {o.get("type") for o in schema["properties"][field]["anyOf"]}
        assert types == {"number", "null"}, (field, types)


# --- one datetime format -----------------------------------------------------------------


@pytest.fixture
def responses(alpha, api) -> dict[str, dict[str, Any]]:
    """One real response of every kind that carries datetimes, each field set where it can be."""
    owner, team, consultant = (api(alpha.tokens[r]) for r in ("owner", "team", "consultant"))
    out: dict[str, dict[str, Any]] = {}

    brand = _ok(owner.post("/api/v1/brands", json={"name": "Wire format"}), 201)
    out["brand"] = _ok(owner.delete(f"/api/v1/brands/{brand['id']}"))  # archived_at set
    out["brands"] = _ok(owner.get("/api/v1/brands?archived=true"))

    goal_body = {"title": "Grow", "metric": "followers", "baseline": 1, "target": 2,
                 "due_date": "2027-12-31"}  # fmt: skip
    goal = _ok(owner.post(f"/api/v1/brands/{alpha.brand.id}/goals", json=goal_body), 201)
    out["goal"] = goal
    out["goals"] = _ok(owner.get(f"/api/v1/brands/{alpha.brand.id}/goals"))
    checkin = {"date": date.today().isoformat(), "value": 1.5}
    out["checkin"] = _ok(owner.post(f"/api/v1/goals/{goal['id']}/checkins", json=checkin), 201)
    out["checkins"] = _ok(owner.get(f"/api/v1/goals/{goal['id']}/checkins"))
    audience = {"name": "Everyone", "networks": [{"network": "instagram", "share": 50}]}
    audiences = f"/api/v1/brands/{alpha.brand.id}/audiences"
    out["audience"] = _ok(owner.post(audiences, json=audience), 201)
    out["audiences"] = _ok(owner.get(audiences))

    body = plan_body([campaign_body(goal["id"])])
    plan = _ok(team.post(f"/api/v1/brands/{alpha.brand.id}/plans", json=body), 201)
    moved = team.post(f"/api/v1/plans/{plan['id']}/transitions", json={"to": "submitted"})
    out["plan_summary"] = _ok(moved)  # submitted_at set
    out["plan"] = _ok(team.get(f"/api/v1/plans/{plan['id']}"))
    out["plans"] = _ok(team.get(f"/api/v1/brands/{alpha.brand.id}/plans"))
    out["revisions"] = _ok(team.get(f"/api/v1/plans/{plan['id']}/revisions"))

    review = _ok(consultant.post(f"/api/v1/plans/{plan['id']}/reviews"), 201)
    at = f"/api/v1/reviews/{review['id']}"
    comment = {"body": "Looks good", "shared": True}
    out["comment"] = _ok(consultant.post(f"{at}/comments", json=comment), 201)
    for finding in review["findings"]:
        _ok(consultant.post(f"{at}/findings/{finding['id']}", json={"state": "accepted"}))
    out["review"] = _ok(consultant.post(f"{at}/complete", json={"verdict": "needs_changes"}))
    out["reviews"] = _ok(consultant.get(f"/api/v1/plans/{plan['id']}/reviews"))

    with tenant_scope(alpha.agency.id):
        report = Report(
            brand_id=alpha.brand.id,
            requested_by_id=alpha.owner.user_id,
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=["summary"],
            status="ready",
            progress=100,
            created_at=datetime(2027, 4, 1, 9, 30, 15, 123456),
            finished_at=datetime(2027, 4, 1, 9, 32),
        )
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    out["report"] = _ok(owner.get(f"/api/v1/reports/{report_id}"))
    out["reports"] = _ok(owner.get(f"/api/v1/brands/{alpha.brand.id}/reports"))

    invite = {"email": "wire@alpha.test", "role": "consultant", "all_brands": True}
    out["invitation"] = _ok(owner.post("/api/v1/invitations", json=invite), 201)
    out["members"] = _ok(owner.get("/api/v1/members"))
    out["tokens"] = _ok(owner.get("/api/v1/tokens"))
    return out


EXPECTED = {
    "brand": {"created_at", "archived_at"},
    "brands": {"data.0.created_at", "data.0.archived_at"},
    "goal": {"created_at", "updated_at"},
    "goals": {"data.0.created_at", "data.0.updated_at"},
    "checkin": {"created_at"},
    "checkins": {"data.0.created_at"},
    "audience": {"created_at", "updated_at"},
    "audiences": {"data.0.created_at", "data.0.updated_at"},
    "plan_summary": {"created_at", "updated_at", "submitted_at"},
    "plan": {"created_at", "updated_at", "submitted_at", "revision.created_at"},
    "plans": {"data.0.created_at", "data.0.updated_at", "data.0.submitted_at"},
    "revisions": {"data.0.created_at"},
    "comment": {"created_at"},
    "review": {"created_at", "completed_at", "comments.0.created_at"},
    "reviews": {"data.0.created_at", "data.0.completed_at"},
    "report": {"created_at", "finished_at"},
    "reports": {"data.0.created_at", "data.0.finished_at"},
    "invitation": {"expires_at"},
    "members": {"data.0.joined_at"},
    "tokens": {"data.0.created_at", "data.0.last_used_at"},
}


def test_every_datetime_on_the_wire_is_utc_with_z(responses):
    for kind, body in responses.items():
        found = _datetimes(body)
        assert EXPECTED[kind] <= set(found), (kind, sorted(found))
        for path, value in found.items():
            assert value.endswith("Z"), (kind, path, value)
            assert "+00:00" not in value, (kind, path, value)
            # And it parses back to an aware UTC datetime.
            assert datetime.fromisoformat(value).utcoffset().total_seconds() == 0


def test_a_stored_datetime_keeps_its_microseconds_and_says_z(responses):
    assert responses["report"]["created_at"] == "2027-04-01T09:30:15.123456Z"
    assert responses["report"]["finished_at"] == "2027-04-01T09:32:00Z"
