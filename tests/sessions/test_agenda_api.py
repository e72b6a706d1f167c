"""The agenda through the API: reading with source links, regenerating, adding, editing and
removing items; refusals that change nothing; other agencies' sessions are 404."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import Goal
from tenants.context import tenant_scope
from tests.sessions.test_agenda import rows, schedule, seed


def agenda_path(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/agenda"


def test_get_lists_items_in_order_with_source_links_and_the_total(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    resp = api(alpha.tokens["consultant"]).get(agenda_path(sid))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["duration_minutes"] == 90 and body["total_minutes"] == 90
    assert body["over_by_minutes"] == 0 and body["editable"] is True
    items = body["items"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert items[0]["kind"] == "opening" and items[0]["source"] is None
    by_kind = {i["kind"]: i for i in items}
    assert by_kind["goal"]["source"] == {
        "kind": "goal",
        "id": s.goal_behind,
        "url": f"/goals/{s.goal_behind}",
    }
    assert by_kind["finding"]["source"]["url"] == f"/reviews/{s.review}"
    assert "Grow Instagram followers" in by_kind["finding"]["title"]
    assert by_kind["plan"]["source"]["url"] == f"/plans/{s.plan}"
    action = by_kind["action_item"]
    assert action["overdue"] is True and action["title"] == "Send the influencer shortlist"
    assert action["source"]["url"] == f"/brands/{alpha.brand.id}/sessions/{s.earlier}"
    assert by_kind["decision"]["title"] == "Whether to enter TikTok"
    starts = [i["starts_after_minutes"] for i in items]
    assert starts[0] == 0 and starts == sorted(starts)
    assert items[-1]["ends_after_minutes"] == 90


def test_titles_of_drafted_items_follow_the_source_until_a_person_edits_them(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        goal = db.session.scalar(select(Goal).where(Goal.id == s.goal_behind))
        goal.title = "Renamed goal"
        db.session.commit()
    staff = api(alpha.tokens["consultant"])
    goal = next(i for i in staff.get(agenda_path(sid)).get_json()["items"] if i["kind"] == "goal")
    assert goal["title"] == "Renamed goal" and goal["edited"] is False
    resp = staff.patch(f"{agenda_path(sid)}/items/{goal['id']}", json={"title": "Our words"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["title"] == "Our words" and resp.get_json()["edited"] is True


def test_add_edit_move_and_remove_items(alpha, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["owner"])
    resp = staff.post(f"{agenda_path(sid)}/items", json={"title": "Budget", "minutes": 20})
    assert resp.status_code == 201, resp.get_json()
    item = resp.get_json()
    assert item["kind"] == "manual" and item["origin"] == "manual" and item["source"] is None
    items = staff.get(agenda_path(sid)).get_json()
    assert items["items"][-1]["kind"] == "closing"
    assert items["items"][-2]["id"] == item["id"]
    assert items["total_minutes"] == 110 and items["over_by_minutes"] == 20

    resp = staff.patch(f"{agenda_path(sid)}/items/{item['id']}", json={"position": 1})
    assert resp.status_code == 200 and resp.get_json()["position"] == 1
    resp = staff.delete(f"{agenda_path(sid)}/items/{item['id']}")
    assert resp.status_code == 204
    assert staff.delete(f"{agenda_path(sid)}/items/{item['id']}").status_code == 404
    assert [r.source_kind for r in rows(alpha, sid)] == ["opening", "discussion", "closing"]

    opening = rows(alpha, sid)[0]
    assert staff.delete(f"{agenda_path(sid)}/items/{opening.id}").status_code == 204
    resp = staff.post(f"{agenda_path(sid)}/regenerate")
    assert resp.status_code == 200, resp.get_json()
    assert [i["kind"] for i in resp.get_json()["items"]] == ["discussion", "closing"]


def test_bad_input_is_422_and_changes_nothing(alpha, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    before = [(r.id, r.title, r.minutes) for r in rows(alpha, sid)]
    first = before[0][0]
    for body in (
        {"title": "", "minutes": 5},
        {"title": "x" * 301, "minutes": 5},
        {"title": "Zero", "minutes": 0},
        {"title": "Long", "minutes": 481},
        {"title": "Text", "minutes": "5"},
        {"minutes": 5},
        {"title": "Bad\x00", "minutes": 5},
        {"title": "Extra", "minutes": 5, "colour": "red"},
    ):
        resp = staff.post(f"{agenda_path(sid)}/items", json=body)
        assert resp.status_code == 422, body
        assert resp.get_json()["error"]["code"] == "validation_failed"
        assert resp.get_json()["error"]["fields"]
    resp = staff.patch(f"{agenda_path(sid)}/items/{first}", json={"minutes": -3})
    assert resp.status_code == 422 and "minutes" in resp.get_json()["error"]["fields"]
    resp = staff.patch(f"{agenda_path(sid)}/items/{first}", json={"title": None})
    assert resp.status_code == 422
    assert [(r.id, r.title, r.minutes) for r in rows(alpha, sid)] == before
    assert staff.patch(f"{agenda_path(sid)}/items/999999", json={"minutes": 3}).status_code == 404


def test_a_client_leader_can_read_but_not_edit(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    leader = api(alpha.tokens["leader"])
    body = leader.get(agenda_path(sid)).get_json()
    by_kind = {i["kind"]: i for i in body["items"]}
    # A plan in review and an open review are not the leader's to open: no link, and
    # neither the plan's name nor the unjudged finding's text.
    assert by_kind["plan"]["source"]["url"] is None
    assert by_kind["plan"]["title"] == "A plan waiting for approval"
    assert by_kind["finding"]["source"]["url"] is None
    assert by_kind["finding"]["title"] == "A finding of a review in progress"
    assert "Spring plan" not in str(body) and "No campaign serves" not in str(body)
    assert by_kind["goal"]["source"]["url"] == f"/goals/{s.goal_behind}"
    item_id = body["items"][1]["id"]
    for resp in (
        leader.post(f"{agenda_path(sid)}/regenerate"),
        leader.post(f"{agenda_path(sid)}/items", json={"title": "Mine", "minutes": 5}),
        leader.patch(f"{agenda_path(sid)}/items/{item_id}", json={"minutes": 5}),
        leader.delete(f"{agenda_path(sid)}/items/{item_id}"),
    ):
        assert resp.status_code == 403
        assert resp.get_json()["error"]["code"] == "forbidden"


def test_another_agencys_session_and_items_are_404(alpha, bravo, api):
    sid = schedule(api, alpha)
    item_id = rows(alpha, sid)[0].id
    other = api(bravo.tokens["owner"])
    assert other.get(agenda_path(sid)).status_code == 404
    assert other.post(f"{agenda_path(sid)}/regenerate").status_code == 404
    assert (
        other.patch(f"{agenda_path(sid)}/items/{item_id}", json={"minutes": 9}).status_code == 404
    )
    assert other.delete(f"{agenda_path(sid)}/items/{item_id}").status_code == 404
    # An item of one session is not reachable through another session of the same agency.
    bravo_sid = schedule(api, bravo)
    own = api(bravo.tokens["consultant"])
    assert own.delete(f"{agenda_path(bravo_sid)}/items/{item_id}").status_code == 404
    assert rows(alpha, sid)[0].id == item_id and not rows(alpha, sid)[0].removed


def test_a_cancelled_sessions_agenda_is_read_only(alpha, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    assert staff.post(f"/api/v1/sessions/{sid}/cancel").status_code == 200
    body = staff.get(agenda_path(sid)).get_json()
    assert body["editable"] is False
    resp = staff.post(f"{agenda_path(sid)}/items", json={"title": "Late", "minutes": 5})
    assert resp.status_code == 409 and resp.get_json()["error"]["message"]
    assert staff.post(f"{agenda_path(sid)}/regenerate").status_code == 409
