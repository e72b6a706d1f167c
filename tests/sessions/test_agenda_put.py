"""Replacing a whole agenda with PUT: kept items updated and reordered, new ones added by
hand, drafted ones left out stay removed when redrafting, hand-made ones left out are gone;
every row checked before anything changes; read-only once cancelled; staff only; the
items list and read."""

from __future__ import annotations

from tests.sessions.test_agenda import rows, schedule, seed


def agenda_path(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/agenda"


def snapshot(world, sid: int):
    return [
        (r.id, r.title, r.notes, r.minutes, r.position, r.edited, r.removed)
        for r in rows(world, sid)
    ]


def test_put_replaces_the_agenda_in_the_order_sent(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    manual = staff.post(f"{agenda_path(sid)}/items", json={"title": "Budget", "minutes": 10})
    assert manual.status_code == 201
    items = staff.get(agenda_path(sid)).get_json()["items"]
    by_kind = {i["kind"]: i for i in items}
    goal, closing, finding = by_kind["goal"], by_kind["closing"], by_kind["finding"]
    body = {
        "items": [
            # Sent back as read (source included), in the same order as the other kept items.
            {k: goal[k] for k in ("id", "title", "notes", "minutes", "source")},
            {"title": "Hiring a video editor", "notes": "Costs first", "minutes": 15},
            {"id": finding["id"], "title": "Our words for it", "notes": None, "minutes": 12},
            {"id": closing["id"], "title": closing["title"], "minutes": 5},
        ]
    }
    resp = staff._call("PUT", agenda_path(sid), json=body)
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()["items"]
    assert [i["kind"] for i in out] == ["goal", "manual", "finding", "closing"]
    assert [i["position"] for i in out] == [1, 2, 3, 4]
    assert out[0]["source"]["id"] == s.goal_behind and out[0]["edited"] is False
    assert out[1]["title"] == "Hiring a video editor" and out[1]["origin"] == "manual"
    assert out[1]["notes"] == "Costs first" and out[1]["source"] is None
    assert out[2]["title"] == "Our words for it" and out[2]["minutes"] == 12
    assert out[2]["edited"] is True
    assert out[3]["edited"] is False  # the same title and minutes, still last
    assert resp.get_json()["total_minutes"] == goal["minutes"] + 15 + 12 + 5

    stored = rows(alpha, sid)
    hidden = {r.source_kind for r in stored if r.removed}
    assert {"opening", "decision", "action_item", "plan", "discussion"} <= hidden
    assert manual.get_json()["id"] not in {r.id for r in stored}  # a hand-made item is gone

    # Redrafting keeps it as it was put: nothing removed comes back.
    resp = staff.post(f"{agenda_path(sid)}/regenerate")
    assert resp.status_code == 200, resp.get_json()
    kinds = [i["kind"] for i in resp.get_json()["items"]]
    assert "decision" not in kinds and "plan" not in kinds and "opening" not in kinds
    assert kinds[:3] == ["goal", "manual", "finding"] and kinds[-1] == "closing"


def test_moving_a_drafted_item_makes_it_the_persons_own(alpha, api):
    s = seed(alpha)
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    items = staff.get(agenda_path(sid)).get_json()["items"]
    sent = [{k: i[k] for k in ("id", "title", "notes", "minutes")} for i in items]
    goal = next(n for n, i in enumerate(items) if i["kind"] == "goal")
    sent.insert(1, sent.pop(goal))  # the goal straight after the opening
    resp = staff._call("PUT", agenda_path(sid), json={"items": sent})
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()["items"]
    assert [i["id"] for i in out] == [i["id"] for i in sent]
    assert [i["kind"] for i in out if i["edited"]] == ["goal"]
    assert out[1]["source"]["id"] == s.goal_behind
    # A redraft keeps the moved goal where it was put.
    again = staff.post(f"{agenda_path(sid)}/regenerate").get_json()["items"]
    assert again[1]["id"] == out[1]["id"]


def test_every_row_is_checked_before_anything_changes(alpha, bravo, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    before = snapshot(alpha, sid)
    first = before[0][0]
    other_sid = schedule(api, bravo)
    foreign = rows(bravo, other_sid)[0].id
    good = {"id": first, "title": "Fine", "minutes": 5}
    cases = [
        ({"items": [good, {"title": "", "minutes": 5}]}, "items.1.title"),
        ({"items": [good, {"title": "Zero", "minutes": 0}]}, "items.1.minutes"),
        ({"items": [good, {"title": "Long", "minutes": 481}]}, "items.1.minutes"),
        ({"items": [good, {"minutes": 5}]}, "items.1.title"),
        ({"items": [good, {"title": "X", "minutes": 5, "colour": "red"}]}, "items.1.colour"),
        ({"items": [good, {"id": foreign, "title": "Theirs", "minutes": 5}]}, "items.1.id"),
        ({"items": [good, {"id": 2_000_000_000, "title": "None", "minutes": 5}]}, "items.1.id"),
        ({"items": [good, dict(good)]}, "items.1.id"),
        ({"items": [good] * 101}, "items"),
        ({}, "items"),
    ]
    for body, key in cases:
        resp = staff._call("PUT", agenda_path(sid), json=body)
        assert resp.status_code == 422, (body, resp.get_json())
        error = resp.get_json()["error"]
        assert error["code"] == "validation_failed" and key in error["fields"], (key, error)
    assert snapshot(alpha, sid) == before


def test_a_removed_drafted_item_cannot_be_named_again(alpha, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    opening = rows(alpha, sid)[0]
    assert staff.delete(f"{agenda_path(sid)}/items/{opening.id}").status_code == 204
    resp = staff._call(
        "PUT", agenda_path(sid), json={"items": [{"id": opening.id, "title": "Back", "minutes": 5}]}
    )
    assert resp.status_code == 422 and "items.0.id" in resp.get_json()["error"]["fields"]


def test_put_is_staff_only_409_when_cancelled_and_404_across_agencies(alpha, bravo, api):
    sid = schedule(api, alpha)
    before = snapshot(alpha, sid)
    body = {"items": [{"title": "Only this", "minutes": 30}]}
    resp = api(alpha.tokens["leader"])._call("PUT", agenda_path(sid), json=body)
    assert resp.status_code == 403
    resp = api(bravo.tokens["owner"])._call("PUT", agenda_path(sid), json=body)
    assert resp.status_code == 404
    staff = api(alpha.tokens["consultant"])
    assert staff.post(f"/api/v1/sessions/{sid}/cancel").status_code == 200
    resp = staff._call("PUT", agenda_path(sid), json=body)
    assert resp.status_code == 409
    assert snapshot(alpha, sid) == before


def test_items_are_listed_and_read_in_order(alpha, bravo, api):
    sid = schedule(api, alpha)
    staff = api(alpha.tokens["consultant"])
    whole = staff.get(agenda_path(sid)).get_json()["items"]
    page = staff.get(f"{agenda_path(sid)}/items?per_page=2").get_json()
    assert page["meta"]["total"] == len(whole) and page["meta"]["next_page"] == 2
    assert page["data"] == whole[:2]
    one = staff.get(f"{agenda_path(sid)}/items/{whole[1]['id']}")
    assert one.status_code == 200 and one.get_json() == whole[1]
    leader = api(alpha.tokens["leader"])
    assert leader.get(f"{agenda_path(sid)}/items").status_code == 200
    other = api(bravo.tokens["owner"])
    assert other.get(f"{agenda_path(sid)}/items").status_code == 404
    assert other.get(f"{agenda_path(sid)}/items/{whole[1]['id']}").status_code == 404
    assert staff.delete(f"{agenda_path(sid)}/items/{whole[1]['id']}").status_code == 204
    assert staff.get(f"{agenda_path(sid)}/items/{whole[1]['id']}").status_code == 404


def test_put_agenda_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    put = paths["/sessions/{session_id}/agenda"]["put"]
    assert {"403", "404", "409", "422"} <= set(put["responses"])
    assert "get" in paths["/sessions/{session_id}/agenda/items"]
    assert "get" in paths["/sessions/{session_id}/agenda/items/{agenda_item_id}"]
