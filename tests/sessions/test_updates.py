"""Editing a session's people and zone: answers kept, clashes checked, the 409's shape."""

from __future__ import annotations

from tests.sessions.conftest import BODY, sessions_path


def test_replacing_attendees_keeps_who_stays_and_checks_clashes(alpha, api, stored):
    owner = api(alpha.tokens["owner"])
    first = owner.post(
        sessions_path(alpha.brand),
        json={**BODY, "attendees": [{"email": "leader@alpha.test", "role": "leader"}]},
    ).get_json()
    other = owner.post(
        sessions_path(alpha.brand),
        json={
            **BODY,
            "title": "Another",
            "starts_at": "2027-03-11T12:00",
            "attendees": [{"email": "team@alpha.test", "role": "senior_social"}],
        },
    )
    assert other.status_code == 201
    path = f"/api/v1/sessions/{first['id']}"
    resp = owner.patch(
        path,
        json={
            "attendees": [
                {"email": "leader@alpha.test", "role": "leader"},
                {"email": "guest@client.example", "role": "guest"},
            ]
        },
    )
    assert resp.status_code == 200, resp.get_json()
    assert [a["email"] for a in resp.get_json()["attendees"]] == [
        "leader@alpha.test",
        "guest@client.example",
    ]
    assert resp.get_json()["sequence"] == 0  # people changed, not time or place

    clash = owner.patch(
        path,
        json={
            "starts_at": "2027-03-11T12:30",
            "attendees": [{"email": "team@alpha.test", "role": "senior_social"}],
        },
    )
    assert clash.status_code == 409
    error = clash.get_json()["error"]
    assert set(error) == {"code", "message", "fields", "conflicts"}
    assert error["conflicts"][0]["title"] == "Another"
    sessions, _people = stored(alpha)
    assert sessions[0].starts_at.hour == 7  # the refused change left it alone


def test_a_new_zone_keeps_the_instant_and_shows_the_new_clock(alpha, api):
    owner = api(alpha.tokens["owner"])
    first = owner.post(sessions_path(alpha.brand), json=BODY).get_json()
    resp = owner.patch(f"/api/v1/sessions/{first['id']}", json={"timezone": "Europe/London"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["starts_at"] == "2027-03-11T07:00:00Z"
    assert body["local"]["starts_at"] == "2027-03-11T07:00" and body["timezone"] == "Europe/London"
    assert body["sequence"] == 1
