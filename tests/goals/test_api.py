"""The goals and audiences API: fields integrations rely on, 422 with fields, roles, 404s."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saas.models import Audience, Goal, GoalCheckin

TODAY = date.today()
GOAL = {
    "title": "Grow Instagram",
    "description": "More people who hear us first",
    "metric": "followers",
    "unit": "followers",
    "baseline": 1000,
    "target": 2000.5,
    "due_date": "2026-12-31",
    "priority": "high",
}
AUDIENCE = {
    "name": "Young professionals",
    "description": "25–34",
    "networks": [{"network": "instagram", "share": 60}, {"network": "tiktok", "share": 30.5}],
    "engages": "Commuters who answer polls",
}


def goals_path(world, brand=None) -> str:
    return f"/api/v1/brands/{(brand or world.brand).id}/goals"


def test_create_goal_answers_201_with_progress(alpha, api, rows, audit_actions):
    resp = api(alpha.tokens["consultant"]).post(
        goals_path(alpha), json={**GOAL, "start_date": "2026-01-01", "weight": 40}
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    (goal,) = rows(alpha, Goal)
    assert body["id"] == goal.id and body["brand_id"] == alpha.brand.id
    assert {k: body[k] for k in GOAL} == {**GOAL, "baseline": 1000.0}
    assert body["status"] == "active" and body["weight"] == 40.0
    assert body["progress"]["percent_complete"] == 0.0
    assert body["progress"]["latest_value"] is None
    assert body["progress"]["status"] in ("on_track", "at_risk", "behind")
    assert "goal.created" in audit_actions(alpha)


def test_list_goals_includes_latest_check_in_and_status(alpha, api, make_goal):
    make_goal(
        alpha,
        start_date=TODAY - timedelta(days=10),
        due_date=TODAY + timedelta(days=10),
        baseline=0.0,
        target=10.0,
        checkins=[(TODAY - timedelta(days=2), 2.0), (TODAY, 5.0)],
    )
    make_goal(alpha, brand=alpha.other_brand, title="Other brand goal")
    resp = api(alpha.tokens["team"]).get(goals_path(alpha))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["meta"]["total"] == 1
    (goal,) = body["data"]
    assert goal["progress"] == {
        "percent_complete": 50.0,
        "percent_elapsed": 50.0,
        "status": "on_track",
        "latest_value": 5.0,
        "latest_date": TODAY.isoformat(),
    }


def test_get_and_patch_a_goal(alpha, api, make_goal, rows, audit_actions):
    goal_id = make_goal(alpha)
    client = api(alpha.tokens["team"])
    assert client.get(f"/api/v1/goals/{goal_id}").get_json()["title"] == "Grow Instagram"
    resp = client.patch(f"/api/v1/goals/{goal_id}", json={"status": "dropped", "target": 3000})
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "dropped" and resp.get_json()["target"] == 3000.0
    (goal,) = rows(alpha, Goal)
    assert (goal.status, goal.target, goal.title) == ("dropped", 3000.0, "Grow Instagram")
    assert "goal.status_changed" in audit_actions(alpha)


def test_patch_checks_rules_against_the_stored_values(alpha, api, make_goal, rows):
    goal_id = make_goal(alpha)  # baseline 1000, start 2026-01-01
    client = api(alpha.tokens["owner"])
    resp = client.patch(f"/api/v1/goals/{goal_id}", json={"target": 1000})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {
        "target": "The target must differ from the baseline."
    }
    resp = client.patch(f"/api/v1/goals/{goal_id}", json={"due_date": "2025-06-01"})
    assert resp.status_code == 422 and "due_date" in resp.get_json()["error"]["fields"]
    resp = client.patch(f"/api/v1/goals/{goal_id}", json={"title": None})
    assert resp.status_code == 422 and "title" in resp.get_json()["error"]["fields"]
    assert rows(alpha, Goal)[0].target == 2000.0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": 5}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"metric": "m" * 121}, "metric"),
        ({"baseline": "1000"}, "baseline"),
        ({"baseline": True}, "baseline"),
        ({"target": 1e13}, "target"),
        ({"target": 1000}, "target"),
        ({"due_date": "31/12/2026"}, "due_date"),
        ({"start_date": "2027-01-01"}, "due_date"),
        ({"priority": "urgent"}, "priority"),
        ({"weight": 101}, "weight"),
        ({"status": "paused"}, "status"),
        ({"owner_name": "o" * 121}, "owner_name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_goal_answers_422_with_the_field(alpha, api, rows, changes, field):
    resp = api(alpha.tokens["owner"]).post(goals_path(alpha), json={**GOAL, **changes})
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert field in error["fields"], error
    assert rows(alpha, Goal) == []


def test_missing_required_goal_fields_are_each_named(alpha, api):
    resp = api(alpha.tokens["owner"]).post(goals_path(alpha), json={})
    assert resp.status_code == 422
    assert {"title", "metric", "baseline", "target", "due_date"} <= set(
        resp.get_json()["error"]["fields"]
    )


def test_nan_in_the_json_body_is_refused(alpha, api, client, rows):
    body = '{"title": "t", "metric": "m", "baseline": NaN, "target": 5, "due_date": "2026-12-31"}'
    resp = client.post(
        goals_path(alpha),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {alpha.tokens['owner']}"},
    )
    assert resp.status_code == 422
    assert "baseline" in resp.get_json()["error"]["fields"]
    assert rows(alpha, Goal) == []


def test_check_ins_are_recorded_and_listed_newest_first(alpha, api, make_goal, rows):
    goal_id = make_goal(alpha)
    client = api(alpha.tokens["team"])
    first = client.post(
        f"/api/v1/goals/{goal_id}/checkins",
        json={"date": (TODAY - timedelta(days=7)).isoformat(), "value": 1100, "comment": "w1"},
    )
    assert first.status_code == 201
    assert first.get_json()["value"] == 1100.0 and first.get_json()["goal_id"] == goal_id
    client.post(
        f"/api/v1/goals/{goal_id}/checkins", json={"date": TODAY.isoformat(), "value": 1300}
    )
    listed = client.get(f"/api/v1/goals/{goal_id}/checkins").get_json()
    assert [c["value"] for c in listed["data"]] == [1300.0, 1100.0]
    assert client.get(f"/api/v1/goals/{goal_id}").get_json()["progress"]["latest_value"] == 1300.0
    assert len(rows(alpha, GoalCheckin)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": (TODAY + timedelta(days=3)).isoformat(), "value": 1}, "date"),
        ({"date": "yesterday", "value": 1}, "date"),
        ({"date": TODAY.isoformat(), "value": "1"}, "value"),
        ({"date": TODAY.isoformat(), "value": 1, "comment": "c" * 2001}, "comment"),
        ({"value": 1}, "date"),
    ],
)
def test_invalid_check_in_answers_422(alpha, api, make_goal, rows, body, field):
    goal_id = make_goal(alpha)
    resp = api(alpha.tokens["owner"]).post(f"/api/v1/goals/{goal_id}/checkins", json=body)
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]
    assert rows(alpha, GoalCheckin) == []


# --- audiences ------------------------------------------------------------------------------


def test_create_get_and_patch_an_audience(alpha, api, rows, audit_actions):
    client = api(alpha.tokens["team"])
    resp = client.post(f"/api/v1/brands/{alpha.brand.id}/audiences", json=AUDIENCE)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["networks"] == [
        {"network": "instagram", "share": 60.0},
        {"network": "tiktok", "share": 30.5},
    ]
    assert body["engages"] == AUDIENCE["engages"] and body["brand_id"] == alpha.brand.id
    audience_id = body["id"]
    assert client.get(f"/api/v1/audiences/{audience_id}").get_json()["name"] == AUDIENCE["name"]
    listed = client.get(f"/api/v1/brands/{alpha.brand.id}/audiences").get_json()
    assert [a["id"] for a in listed["data"]] == [audience_id]
    resp = client.patch(
        f"/api/v1/audiences/{audience_id}",
        json={"networks": [{"network": "linkedin", "share": 100}]},
    )
    assert resp.status_code == 200
    (audience,) = rows(alpha, Audience)
    assert audience.networks == [{"network": "linkedin", "share": 100.0}]
    assert audience.name == AUDIENCE["name"]
    assert {"audience.created", "audience.updated"} <= set(audit_actions(alpha))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "n" * 121}, "name"),
        ({"name": ""}, "name"),
        ({"networks": [{"network": "myspace", "share": 10}]}, "networks.0.network"),
        ({"networks": [{"network": "instagram", "share": 101}]}, "networks.0.share"),
        ({"networks": [{"network": "instagram", "share": -1}]}, "networks.0.share"),
        (
            {"networks": [{"network": "x", "share": 10}, {"network": "x", "share": 10}]},
            "networks.1.network",
        ),
        (
            {"networks": [{"network": "x", "share": 60}, {"network": "tiktok", "share": 41}]},
            "networks",
        ),
        ({"networks": "instagram"}, "networks"),
        ({"engages": "e" * 4001}, "engages"),
    ],
)
def test_invalid_audience_answers_422_with_the_field(alpha, api, rows, changes, field):
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.brand.id}/audiences", json={**AUDIENCE, **changes}
    )
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"], resp.get_json()
    assert rows(alpha, Audience) == []


def test_shares_may_round_to_a_little_over_100(alpha, api):
    networks = [{"network": n, "share": 33.5} for n in ("instagram", "tiktok", "x")]
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/brands/{alpha.brand.id}/audiences", json={**AUDIENCE, "networks": networks}
    )
    assert resp.status_code == 201


# --- roles and isolation --------------------------------------------------------------------


def test_client_leader_reads_but_gets_403_writing(alpha, api, make_goal, make_audience, rows):
    goal_id, audience_id = make_goal(alpha), make_audience(alpha)
    client = api(alpha.tokens["leader"])
    assert client.get(goals_path(alpha)).status_code == 200
    assert client.get(f"/api/v1/goals/{goal_id}/checkins").status_code == 200
    assert client.get(f"/api/v1/audiences/{audience_id}").status_code == 200
    assert client.post(goals_path(alpha), json=GOAL).status_code == 403
    assert client.patch(f"/api/v1/goals/{goal_id}", json={"title": "x"}).status_code == 403
    checkin = {"date": TODAY.isoformat(), "value": 1}
    assert client.post(f"/api/v1/goals/{goal_id}/checkins", json=checkin).status_code == 403
    path = f"/api/v1/brands/{alpha.brand.id}/audiences"
    assert client.post(path, json=AUDIENCE).status_code == 403
    assert client.patch(f"/api/v1/audiences/{audience_id}", json={"name": "x"}).status_code == 403
    assert len(rows(alpha, Goal)) == 1 and rows(alpha, GoalCheckin) == []
    assert rows(alpha, Audience)[0].name == "Young professionals"


def test_another_agency_gets_404_on_every_goal_and_audience_id(
    alpha, bravo, api, make_goal, make_audience, rows
):
    goal_id, audience_id = make_goal(alpha), make_audience(alpha)
    client = api(bravo.tokens["owner"])
    for path in (
        goals_path(alpha),
        f"/api/v1/goals/{goal_id}",
        f"/api/v1/goals/{goal_id}/checkins",
        f"/api/v1/brands/{alpha.brand.id}/audiences",
        f"/api/v1/audiences/{audience_id}",
    ):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert resp.get_json()["error"]["code"] == "not_found"
    assert client.post(goals_path(alpha), json=GOAL).status_code == 404
    assert client.patch(f"/api/v1/goals/{goal_id}", json={"title": "Hacked"}).status_code == 404
    checkin = {"date": TODAY.isoformat(), "value": 1}
    assert client.post(f"/api/v1/goals/{goal_id}/checkins", json=checkin).status_code == 404
    path = f"/api/v1/brands/{alpha.brand.id}/audiences"
    assert client.post(path, json=AUDIENCE).status_code == 404
    assert client.patch(f"/api/v1/audiences/{audience_id}", json={"name": "H"}).status_code == 404
    assert [g.title for g in rows(alpha, Goal)] == ["Grow Instagram"]
    assert rows(alpha, GoalCheckin) == [] and len(rows(alpha, Audience)) == 1


def test_client_team_gets_404_on_a_brand_outside_its_scope(alpha, api, make_goal):
    goal_id = make_goal(alpha, brand=alpha.other_brand)
    client = api(alpha.tokens["team"])
    assert client.get(goals_path(alpha, alpha.other_brand)).status_code == 404
    assert client.get(f"/api/v1/goals/{goal_id}").status_code == 404
    assert client.post(goals_path(alpha, alpha.other_brand), json=GOAL).status_code == 404


def test_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/brands/{brand_id}/goals"])
    assert {"get", "patch"} <= set(paths["/goals/{goal_id}"])
    assert {"get", "post"} <= set(paths["/goals/{goal_id}/checkins"])
    assert {"get", "post"} <= set(paths["/brands/{brand_id}/audiences"])
    assert {"get", "patch"} <= set(paths["/audiences/{audience_id}"])
