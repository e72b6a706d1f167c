"""The plans API: create, read, revisions, transitions, compare, and every refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, Campaign, Plan, PlanRevision
from saas.services import plans as plans_service
from tenants.context import tenant_scope
from tests.plans.conftest import (
    campaign_body,
    counts,
    make_audience,
    make_goal,
    plan_body,
)


def test_team_creates_a_plan_with_campaigns_and_calendar_inline(alpha, api):
    goal_id = make_goal(alpha)
    audience_id = make_audience(alpha)
    body = plan_body(
        [campaign_body(goal_id, audience_id, key="spring", goal_contributions={str(goal_id): 40})],
        [{"date": "2027-03-02", "network": "instagram", "format": "story", "campaign_key": "spring",
          "pillar": "Launch", "brief": "Teaser"}],
    )  # fmt: skip
    resp = api(alpha.tokens["team"]).post(f"/api/v1/brands/{alpha.brand.id}/plans", json=body)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["status"] == "draft"
    assert data["revision"]["number"] == 1 and data["revision"]["frozen"] is False
    [c] = data["campaigns"]
    assert c["goal_ids"] == [goal_id] and c["audience_id"] == audience_id
    assert c["goal_contributions"] == {str(goal_id): 40.0}
    assert c["key"] == "spring" and c["budget"] == 1500.0 and c["networks"] == ["instagram"]
    assert data["calendar"][0]["campaign_key"] == "spring"
    with tenant_scope(alpha.agency.id):
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "plan.created" in actions

    listed = api(alpha.tokens["consultant"]).get(f"/api/v1/brands/{alpha.brand.id}/plans")
    assert [p["id"] for p in listed.get_json()["data"]] == [data["id"]]


def test_new_campaigns_get_a_key(planned):
    key = planned["plan"]["campaigns"][0]["key"]
    assert len(key) == 32


def test_client_leader_cannot_create_plans(alpha, api):
    resp = api(alpha.tokens["leader"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body()
    )
    assert resp.status_code == 403
    assert counts(alpha.agency.id)["Plan"] == 0


INVALID = [
    ("end before start", {"period_start": "2027-05-01", "period_end": "2027-04-01"}, "period_end"),
    ("period too long", {"period_end": "2030-01-01"}, "period_end"),
    ("empty title", {"title": "  "}, "title"),
    ("campaign ends first", {"campaigns": [campaign_body(end_date="2027-02-01")]},
     "campaigns.0.end_date"),
    ("negative budget", {"campaigns": [campaign_body(budget=-5)]}, "campaigns.0.budget"),
    ("absurd budget", {"campaigns": [campaign_body(budget=10**12)]}, "campaigns.0.budget"),
    ("no network", {"campaigns": [campaign_body(networks=[])]}, "campaigns.0.networks"),
    ("duplicate network", {"campaigns": [campaign_body(networks=["x", "x"])]},
     "campaigns.0.networks"),
    ("unknown network", {"campaigns": [campaign_body(networks=["myspace"])]},
     "campaigns.0.networks.0"),
    ("unknown format", {"campaigns": [campaign_body(format="hologram")]}, "campaigns.0.format"),
    ("unknown objective", {"campaigns": [campaign_body(objective="fame")]},
     "campaigns.0.objective"),
    ("unknown kpi", {"campaigns": [campaign_body(kpi="vibes")]}, "campaigns.0.kpi"),
    ("huge kpi", {"campaigns": [campaign_body(kpi_target=1e13)]}, "campaigns.0.kpi_target"),
    ("long campaign", {"campaigns": [campaign_body(end_date="2030-01-01")]},
     "campaigns.0.end_date"),
    ("unknown goal", {"campaigns": [campaign_body(goal_ids=[999999])]}, "campaigns.0.goal_ids"),
    ("unknown audience", {"campaigns": [campaign_body(audience_id=999999)]},
     "campaigns.0.audience_id"),
    ("extra field", {"campaigns": [campaign_body(colour="red")]}, "campaigns.0.colour"),
    ("bad date", {"campaigns": [campaign_body(start_date="March")]}, "campaigns.0.start_date"),
    ("too many campaigns", {"campaigns": [campaign_body()] * 501}, "campaigns"),
    ("duplicate keys", {"campaigns": [campaign_body(key="a"), campaign_body(key="a")]},
     "campaigns.1.key"),
    ("calendar key unknown",
     {"calendar": [{"date": "2027-03-02", "network": "x", "format": "post",
                    "campaign_key": "nope"}]}, "calendar.0.campaign_key"),
    ("calendar status", {"calendar": [{"date": "2027-03-02", "network": "x", "format": "post",
                                       "status": "lost"}]}, "calendar.0.status"),
    ("stray contribution", {"campaigns": [campaign_body(goal_contributions={"5": 1})]},
     "campaigns.0.goal_contributions"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "change", "field"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_plans_are_refused_with_the_field_and_change_nothing(
    alpha, api, label, change, field
):
    before = counts(alpha.agency.id)
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body() | change
    )
    assert resp.status_code == 422, resp.get_json()
    fields = resp.get_json()["error"]["fields"]
    assert field in fields, fields
    assert counts(alpha.agency.id) == before


def test_another_tenants_goal_and_audience_are_unknown(alpha, bravo, api):
    foreign_goal = make_goal(bravo)
    foreign_audience = make_audience(bravo)
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans",
        json=plan_body([campaign_body(foreign_goal, foreign_audience)]),
    )
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert fields["campaigns.0.goal_ids"] == f"Unknown goal {foreign_goal}."
    assert fields["campaigns.0.audience_id"] == f"Unknown audience {foreign_audience}."
    assert counts(alpha.agency.id)["Plan"] == 0


def test_a_goal_of_another_brand_of_the_same_agency_is_unknown(alpha, api):
    other_goal = make_goal(alpha, brand=alpha.other_brand)
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body([campaign_body(other_goal)])
    )
    assert resp.status_code == 422
    assert "campaigns.0.goal_ids" in resp.get_json()["error"]["fields"]


def test_malformed_and_non_json_bodies(alpha, api, client):
    url = f"/api/v1/brands/{alpha.brand.id}/plans"
    headers = {"Authorization": f"Bearer {alpha.tokens['team']}"}
    bad = client.post(url, data="{", headers=headers, content_type="application/json")
    assert bad.status_code == 400
    form = client.post(url, data={"title": "x"}, headers=headers)
    assert form.status_code == 415
    nan = client.post(
        url,
        data='{"title": "t", "period_start": "2027-01-01", "period_end": "2027-02-01", '
        '"campaigns": [{"name": "n", "networks": ["x"], "format": "post", "objective": '
        '"awareness", "start_date": "2027-01-01", "end_date": "2027-01-02", "kpi_target": NaN}]}',
        headers=headers,
        content_type="application/json",
    )
    assert nan.status_code == 422


def test_draft_revision_is_replaced_in_place_before_submission(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/revisions",
        json={"campaigns": [campaign_body(name="Renamed")], "calendar": []},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["revision"]["number"] == 1
    assert [c["name"] for c in resp.get_json()["campaigns"]] == ["Renamed"]
    assert counts(alpha.agency.id)["PlanRevision"] == 1
    assert counts(alpha.agency.id)["Campaign"] == 1


def test_after_submission_a_save_creates_revision_2_and_revision_1_never_changes(
    alpha, api, planned
):
    plan_id = planned["plan"]["id"]
    team = api(alpha.tokens["team"])
    assert (
        team.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "submitted"}).status_code
        == 200
    )
    campaign = planned["plan"]["campaigns"][0]
    body = {
        "title": "Spring plan v2",
        "campaigns": [
            campaign_body(planned["goal_id"], planned["audience_id"], key=campaign["key"],
                          budget=2500),
            campaign_body(name="Summer reels", format="short_video"),
        ],
        "calendar": [],
    }  # fmt: skip
    resp = team.post(f"/api/v1/plans/{plan_id}/revisions", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["revision"]["number"] == 2
    assert resp.get_json()["revision"]["frozen"] is True

    first = team.get(f"/api/v1/plans/{plan_id}?revision=1").get_json()
    assert first["revision"]["frozen"] is True
    assert [c["name"] for c in first["campaigns"]] == ["Spring stories"]
    assert first["campaigns"][0]["budget"] == 1500.0
    assert first["campaigns"][0]["id"] == campaign["id"]

    revisions = team.get(f"/api/v1/plans/{plan_id}/revisions").get_json()["data"]
    assert [r["number"] for r in revisions] == [2, 1]

    diff = team.get(f"/api/v1/plans/{plan_id}/compare?a=1&b=2").get_json()
    assert [c["name"] for c in diff["added"]] == ["Summer reels"]
    [changed] = diff["changed"]
    assert {"field": "budget", "old": 1500.0, "new": 2500.0} in changed["changes"]
    assert {"field": "title", "old": "Spring plan", "new": "Spring plan v2"} in diff["plan_changes"]
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(PlanRevision.frozen).where(PlanRevision.number == 1))


def test_compare_needs_two_revision_numbers(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    resp = api(alpha.tokens["team"]).get(f"/api/v1/plans/{plan_id}/compare?a=1")
    assert resp.status_code == 400
    resp = api(alpha.tokens["team"]).get(f"/api/v1/plans/{plan_id}/compare?a=1&b=9")
    assert resp.status_code == 404


def test_invalid_revision_changes_nothing(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    before = counts(alpha.agency.id)
    resp = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/revisions",
        json={"campaigns": [campaign_body(), campaign_body(budget=-1)], "calendar": []},
    )
    assert resp.status_code == 422
    assert "campaigns.1.budget" in resp.get_json()["error"]["fields"]
    assert counts(alpha.agency.id) == before
    again = api(alpha.tokens["team"]).get(f"/api/v1/plans/{plan_id}").get_json()
    assert [c["name"] for c in again["campaigns"]] == ["Spring stories"]


# --- workflow ---------------------------------------------------------------------------------


def move(api, token, plan_id, to):
    return api(token).post(f"/api/v1/plans/{plan_id}/transitions", json={"to": to})


def test_team_submits_and_consultant_cannot_approve_directly(alpha, api, planned, db_app):
    plan_id = planned["plan"]["id"]
    resp = move(api, alpha.tokens["team"], plan_id, "submitted")
    assert resp.status_code == 200 and resp.get_json()["status"] == "submitted"
    assert resp.get_json()["submitted_at"] is not None
    assert move(api, alpha.tokens["team"], plan_id, "in_review").status_code == 403
    refused = move(api, alpha.tokens["consultant"], plan_id, "approved")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "transition_not_allowed"
    # Only opening a review puts a plan in review, and only a completed one approves it.
    refused = move(api, alpha.tokens["consultant"], plan_id, "in_review")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "review_required"
    with tenant_scope(alpha.agency.id), db_app.test_request_context():
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plans_service.transition(plan, "in_review", alpha.consultant, via_review=True)
    refused = move(api, alpha.tokens["consultant"], plan_id, "approved")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "review_required"
    with tenant_scope(alpha.agency.id):
        actions = list(
            db.session.scalars(
                select(AuditEvent.details).where(AuditEvent.action == "plan.transition")
            )
        )
    assert actions == [
        {"from": "draft", "to": "submitted"},
        {"from": "submitted", "to": "in_review"},
    ]


def test_unknown_status_is_422_and_not_a_move_is_409(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    assert move(api, alpha.tokens["owner"], plan_id, "published").status_code == 422
    assert move(api, alpha.tokens["owner"], plan_id, "approved").status_code == 409
    assert move(api, alpha.tokens["owner"], plan_id, "archived").status_code == 200
    assert move(api, alpha.tokens["owner"], plan_id, "draft").status_code == 409


def test_archived_plans_cannot_be_edited(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    assert move(api, alpha.tokens["owner"], plan_id, "archived").status_code == 200
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/plans/{plan_id}/revisions", json={"campaigns": [], "calendar": []}
    )
    assert resp.status_code == 409


def test_leader_sees_only_approved_and_archived_plans(alpha, api, planned):
    plan_id = planned["plan"]["id"]
    leader = api(alpha.tokens["leader"])
    assert leader.get(f"/api/v1/plans/{plan_id}").status_code == 404
    assert leader.get(f"/api/v1/brands/{alpha.brand.id}/plans").get_json()["data"] == []
    assert move(api, alpha.tokens["leader"], plan_id, "submitted").status_code == 404
    move(api, alpha.tokens["owner"], plan_id, "archived")
    assert leader.get(f"/api/v1/plans/{plan_id}").status_code == 200
    assert [
        p["id"] for p in leader.get(f"/api/v1/brands/{alpha.brand.id}/plans").get_json()["data"]
    ] == [plan_id]


def test_client_team_cannot_see_plans_of_a_brand_outside_its_scope(alpha, api):
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.other_brand.id}/plans", json=plan_body()
    )
    assert resp.status_code == 201
    plan_id = resp.get_json()["id"]
    team = api(alpha.tokens["team"])
    assert team.get(f"/api/v1/plans/{plan_id}").status_code == 404
    assert team.get(f"/api/v1/brands/{alpha.other_brand.id}/plans").status_code == 404
    assert (
        team.post(f"/api/v1/brands/{alpha.other_brand.id}/plans", json=plan_body()).status_code
        == 404
    )


def test_resubmitting_after_changes_requested_needs_a_new_revision(alpha, api, planned, db_app):
    from saas.models import Review

    plan_id = planned["plan"]["id"]
    move(api, alpha.tokens["team"], plan_id, "submitted")
    # A completed review requested changes on revision 1 (what the reviews service does).
    with tenant_scope(alpha.agency.id), db_app.test_request_context():
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        rev = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan_id))
        db.session.add(Review(brand_id=plan.brand_id, plan_id=plan_id, revision_id=rev.id,
                              reviewer_id=alpha.consultant.user_id, status="completed",
                              engine_verdict="needs_changes", verdict="needs_changes"))  # fmt: skip
        plans_service.transition(plan, "in_review", alpha.consultant, via_review=True)
        plans_service.transition(plan, "changes_requested", alpha.consultant, via_review=True)
    refused = move(api, alpha.tokens["team"], plan_id, "submitted")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "revision_required"
    saved = api(alpha.tokens["team"]).post(
        f"/api/v1/plans/{plan_id}/revisions",
        json={"campaigns": [campaign_body(planned["goal_id"], planned["audience_id"])]},
    )
    assert saved.status_code == 201
    assert move(api, alpha.tokens["team"], plan_id, "submitted").status_code == 200


def test_nobody_approves_a_revision_they_authored(alpha, api, db_app):
    from saas.services.errors import Forbidden

    resp = api(alpha.tokens["consultant"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body()
    )
    plan_id = resp.get_json()["id"]
    move(api, alpha.tokens["consultant"], plan_id, "submitted")
    with tenant_scope(alpha.agency.id), db_app.test_request_context():
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        plans_service.transition(plan, "in_review", alpha.owner, via_review=True)
        with pytest.raises(Forbidden):
            plans_service.transition(plan, "approved", alpha.consultant, via_review=True)
        plans_service.transition(plan, "approved", alpha.owner, via_review=True)
        assert plan.status == "approved"


# --- isolation --------------------------------------------------------------------------------


def test_bravo_gets_404_on_every_alpha_plan_endpoint(alpha, bravo, api, planned):
    plan_id = planned["plan"]["id"]
    b = api(bravo.tokens["owner"])
    assert b.get(f"/api/v1/brands/{alpha.brand.id}/plans").status_code == 404
    assert b.post(f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body()).status_code == 404
    assert b.get(f"/api/v1/plans/{plan_id}").status_code == 404
    assert b.get(f"/api/v1/plans/{plan_id}/revisions").status_code == 404
    assert b.post(f"/api/v1/plans/{plan_id}/revisions", json={"campaigns": []}).status_code == 404
    assert (
        b.post(f"/api/v1/plans/{plan_id}/transitions", json={"to": "archived"}).status_code == 404
    )
    assert b.get(f"/api/v1/plans/{plan_id}/compare?a=1&b=1").status_code == 404
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Campaign.name)) == "Spring stories"


def test_openapi_documents_the_plan_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/brands/{brand_id}/plans" in doc["paths"]
    assert set(doc["paths"]["/plans/{plan_id}/revisions"]) == {"get", "post"}
    assert "/plans/{plan_id}/transitions" in doc["paths"]
    assert "/plans/{plan_id}/compare" in doc["paths"]


def test_ids_too_large_for_the_database_are_not_found_never_500(alpha, api, planned):
    huge = 10**30
    a = api(alpha.tokens["owner"])
    plan_id = planned["plan"]["id"]
    assert a.get(f"/api/v1/plans/{huge}").status_code == 404
    assert a.get(f"/api/v1/brands/{huge}/plans").status_code == 404
    assert a.get(f"/api/v1/plans/{plan_id}?revision={huge}").status_code == 404
    assert a.get(f"/api/v1/plans/{plan_id}/compare?a=1&b={huge}").status_code == 404
    resp = a.post(
        f"/api/v1/brands/{alpha.brand.id}/plans",
        json=plan_body([campaign_body(audience_id=huge, goal_ids=[huge])]),
    )
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["campaigns.0.goal_ids"] == f"Unknown goal {huge}."
