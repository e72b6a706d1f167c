"""The sessions API end to end: times across zones and clock changes, refusals that change
nothing, guests that reveal no account, clashes that hide what the caller may not see,
series edits, invitations calendars accept, suggestions, and other agencies' 404s."""

from __future__ import annotations

from datetime import datetime

import pytest

from saas.extensions import db
from saas.models import User
from tenants.context import system_scope
from tests import factories
from tests.ics_check import assert_valid_ics
from tests.sessions.conftest import BODY, sessions_path


def create(api, token, brand, **changes):
    return api(token).post(sessions_path(brand), json={**BODY, **changes})


def test_create_answers_201_in_utc_with_the_local_view(alpha, api, stored, audit_actions):
    resp = create(
        api,
        alpha.tokens["consultant"],
        alpha.brand,
        attendees=[
            {"email": "Leader@Alpha.test", "role": "leader"},
            {"email": "cfo@client.example", "role": "guest", "name": "The CFO"},
        ],
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["starts_at"] == "2027-03-11T07:00:00Z"
    assert body["ends_at"] == "2027-03-11T08:00:00Z"
    assert body["local"]["starts_at"] == "2027-03-11T10:00"
    assert body["local"]["utc_offset"] == "+03:00"
    assert body["status"] == "scheduled" and body["sequence"] == 0 and body["series_id"] is None
    leader, guest = body["attendees"]
    assert leader == {
        "email": "leader@alpha.test",
        "name": "Alpha Leader",
        "role": "leader",
        "user_id": alpha.leader.user_id,
        "rsvp": "needs_action",
    }
    assert guest["user_id"] is None and guest["name"] == "The CFO"
    (session,), people = stored(alpha)
    assert session.starts_at == datetime(2027, 3, 11, 7, 0) and len(people) == 2
    assert "session.scheduled" in audit_actions(alpha)
    listed = api(alpha.tokens["leader"]).get(sessions_path(alpha.brand)).get_json()
    assert [s["id"] for s in listed["data"]] == [body["id"]] and listed["meta"]["total"] == 1


def test_a_start_in_the_spring_forward_gap_is_refused(alpha, api, stored):
    resp = create(
        api,
        alpha.tokens["owner"],
        alpha.brand,
        starts_at="2027-03-14T02:30",
        timezone="America/New_York",
    )
    assert resp.status_code == 422
    assert "starts_at" in resp.get_json()["error"]["fields"]
    assert stored(alpha) == ([], [])


def test_an_ambiguous_start_means_its_first_occurrence(alpha, api):
    resp = create(
        api,
        alpha.tokens["owner"],
        alpha.brand,
        starts_at="2027-11-07T01:30",
        timezone="America/New_York",
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["starts_at"] == "2027-11-07T05:30:00Z"  # still on EDT (-04:00)


def test_an_offset_must_agree_with_the_zone(alpha, api):
    ok = create(api, alpha.tokens["owner"], alpha.brand, starts_at="2027-03-11T10:00+03:00")
    assert ok.status_code == 201 and ok.get_json()["starts_at"] == "2027-03-11T07:00:00Z"
    bad = create(api, alpha.tokens["owner"], alpha.brand, starts_at="2027-03-12T10:00+01:00")
    assert bad.status_code == 422 and "starts_at" in bad.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2026-01-01T10:00"}, "starts_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 100000}, "duration_minutes"),
        ({"attendees": [{"email": "not-an-email", "role": "guest"}]}, "attendees.0.email"),
        (
            {"attendees": [{"email": f"p{i}@client.example"} for i in range(500)]},
            "attendees",
        ),
    ],
    ids=["past", "unknown-zone", "zero", "negative", "absurd", "email", "500-attendees"],
)
def test_bad_input_is_422_and_stores_nothing(alpha, api, stored, changes, field):
    resp = create(api, alpha.tokens["owner"], alpha.brand, **changes)
    assert resp.status_code == 422, resp.get_json()
    fields = resp.get_json()["error"]["fields"]
    assert any(k == field or k.startswith(field) for k in fields), fields
    assert stored(alpha) == ([], [])


def test_another_agencys_user_id_is_unknown_and_says_nothing(alpha, bravo, api, stored):
    team_id = alpha.team.user_id
    foreign = create(
        api, alpha.tokens["owner"], alpha.brand, attendees=[{"user_id": bravo.owner.user_id}]
    )
    missing = create(api, alpha.tokens["owner"], alpha.brand, attendees=[{"user_id": 999999}])
    assert foreign.status_code == missing.status_code == 422
    assert foreign.get_json() == missing.get_json()
    assert "Bravo" not in foreign.get_data(as_text=True)
    assert stored(alpha) == ([], [])
    own = create(api, alpha.tokens["owner"], alpha.brand, attendees=[{"user_id": team_id}])
    assert own.status_code == 201
    assert own.get_json()["attendees"][0]["email"] == "team@alpha.test"


def test_an_email_of_another_agencys_user_is_a_plain_guest(alpha, bravo, api):
    def attendee(email: str, starts_at: str) -> dict:
        resp = create(
            api,
            alpha.tokens["owner"],
            alpha.brand,
            starts_at=starts_at,
            attendees=[{"email": email, "role": "guest"}],
        )
        assert resp.status_code == 201
        return resp.get_json()["attendees"][0]

    known = attendee("owner@bravo.test", "2027-03-11T10:00")
    stranger = attendee("nobody@bravo.test", "2027-03-12T10:00")
    assert {**known, "email": None} == {**stranger, "email": None}
    assert known["user_id"] is None and known["name"] is None


def _consultant_of_brand_one(alpha):
    member = factories.member(
        alpha.agency,
        "consultant",
        factories.user("narrow@alpha.test", "Narrow Consultant"),
        brands=[alpha.brand],
    )
    token = factories.api_token(member)
    db.session.commit()
    return token


def test_conflicts_show_only_what_the_caller_may_see_then_confirm(alpha, api, stored):
    team = [{"email": "team@alpha.test", "role": "senior_social"}]
    visible = create(
        api, alpha.tokens["owner"], alpha.brand, title="Visible review", attendees=team
    )
    hidden = create(
        api,
        alpha.tokens["owner"],
        alpha.other_brand,
        title="Alpha Two secret board",
        starts_at="2027-03-11T10:30",
        attendees=team,
        confirm_conflicts=True,
    )
    assert visible.status_code == hidden.status_code == 201
    token = _consultant_of_brand_one(alpha)
    resp = create(api, token, alpha.brand, title="Clash", duration_minutes=90, attendees=team)
    assert resp.status_code == 409, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "conflict" and error["message"]
    assert "Alpha Two secret board" not in resp.get_data(as_text=True)
    by_id = {c["id"]: c for c in error["conflicts"]}
    assert by_id[visible.get_json()["id"]]["title"] == "Visible review"
    assert by_id[visible.get_json()["id"]]["starts_at"] == "2027-03-11T07:00:00Z"
    assert by_id[None]["title"] is None and by_id[None]["busy"] == ["team@alpha.test"]
    assert hidden.get_json()["id"] not in by_id
    assert len(stored(alpha)[0]) == 2
    confirmed = create(
        api,
        token,
        alpha.brand,
        title="Clash",
        duration_minutes=90,
        attendees=team,
        confirm_conflicts=True,
    )
    assert confirmed.status_code == 201


def test_a_weekly_series_keeps_local_time_across_the_us_change(alpha, api):
    resp = create(
        api,
        alpha.tokens["owner"],
        alpha.brand,
        starts_at="2027-03-04T10:00",
        timezone="America/New_York",
        recurrence={"every": "week", "count": 3},
    )
    assert resp.status_code == 201, resp.get_json()
    listed = api(alpha.tokens["owner"]).get(sessions_path(alpha.brand)).get_json()["data"]
    assert [s["starts_at"] for s in listed] == [
        "2027-03-04T15:00:00Z",
        "2027-03-11T15:00:00Z",
        "2027-03-18T14:00:00Z",  # after the change to summer time
    ]
    assert {s["local"]["starts_at"][11:] for s in listed} == {"10:00"}
    assert {s["series_id"] for s in listed} == {resp.get_json()["id"]}
    assert len({s["uid"] for s in listed}) == 3


def test_update_one_occurrence_or_the_whole_series(alpha, api):
    owner = api(alpha.tokens["owner"])
    first = create(
        api,
        alpha.tokens["owner"],
        alpha.brand,
        starts_at="2027-03-04T10:00",
        timezone="America/New_York",
        recurrence={"every": "week", "count": 3},
    ).get_json()
    ids = [s["id"] for s in owner.get(sessions_path(alpha.brand)).get_json()["data"]]
    one = owner.patch(f"/api/v1/sessions/{ids[1]}", json={"title": "Only the second"})
    assert one.status_code == 200 and one.get_json()["title"] == "Only the second"
    assert owner.get(f"/api/v1/sessions/{ids[0]}").get_json()["title"] == BODY["title"]

    moved = owner.patch(
        f"/api/v1/sessions/{first['id']}", json={"starts_at": "2027-03-04T11:00", "scope": "series"}
    )
    assert moved.status_code == 200, moved.get_json()
    after = owner.get(sessions_path(alpha.brand)).get_json()["data"]
    assert [s["starts_at"] for s in after] == [
        "2027-03-04T16:00:00Z",
        "2027-03-11T16:00:00Z",
        "2027-03-18T15:00:00Z",
    ]
    assert [s["sequence"] for s in after] == [1, 1, 1]
    assert after[1]["title"] == "Only the second"  # a time change keeps the other edits
    bad = owner.patch(f"/api/v1/sessions/{ids[0]}", json={"scope": "everything"})
    assert bad.status_code == 422


def test_invites_keep_the_uid_raise_sequence_and_cancel(alpha, api, audit_actions):
    owner = api(alpha.tokens["owner"])
    session = create(
        api,
        alpha.tokens["owner"],
        alpha.brand,
        attendees=[{"email": "leader@alpha.test", "role": "leader"}],
    ).get_json()
    path = f"/api/v1/sessions/{session['id']}"
    first = owner.get(f"{path}/invite.ics")
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    assert "method=REQUEST" in first.headers["Content-Type"]
    assert_valid_ics(first.data)
    text = first.get_data(as_text=True)
    assert "METHOD:REQUEST" in text and f"UID:{session['uid']}" in text and "SEQUENCE:0" in text

    assert owner.patch(path, json={"starts_at": "2027-03-11T11:00"}).status_code == 200
    moved = owner.get(f"{path}/invite.ics")
    assert_valid_ics(moved.data)
    assert f"UID:{session['uid']}" in moved.get_data(as_text=True)
    assert "SEQUENCE:1" in moved.get_data(as_text=True)

    cancelled = owner.post(f"{path}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["sequence"] == 2
    again = owner.post(f"{path}/cancel")
    assert again.status_code == 200 and again.get_json()["sequence"] == 2
    ics = owner.get(f"{path}/invite.ics")
    assert "method=CANCEL" in ics.headers["Content-Type"]
    assert_valid_ics(ics.data)
    body = ics.get_data(as_text=True)
    assert "METHOD:CANCEL" in body and f"UID:{session['uid']}" in body and "SEQUENCE:2" in body
    assert owner.patch(path, json={"title": "Too late"}).status_code == 409
    actions = audit_actions(alpha)
    assert actions.count("session.cancelled") == 1 and "session.updated" in actions


def test_suggestions_lie_inside_everyones_working_hours(alpha, api):
    with system_scope():
        leader = db.session.get(User, alpha.leader.user_id)
        leader.timezone, leader.locale = "Asia/Riyadh", "ar"
        owner = db.session.get(User, alpha.owner.user_id)
        owner.timezone, owner.locale = "Europe/London", "en"
        db.session.commit()
    resp = api(alpha.tokens["owner"]).get(
        f"{sessions_path(alpha.brand)}/suggestions",
        query_string={
            "duration_minutes": 60,
            "attendees": "leader@alpha.test",
            "from": "2027-03-07",
            "to": "2027-03-13",
        },
    )
    assert resp.status_code == 200, resp.get_json()
    slots = resp.get_json()["data"]
    assert slots
    for slot in slots:
        start = datetime.fromisoformat(slot["starts_at"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(slot["ends_at"].replace("Z", "+00:00"))
        # London (UTC in March) 09–17 Mon–Fri; Riyadh (UTC+3) 09–17 Sun–Thu: 09–14Z Mon–Thu.
        assert start.weekday() in (0, 1, 2, 3), slot
        assert start.hour >= 9 and (end.hour, end.minute) <= (14, 0), slot
    bad = api(alpha.tokens["owner"]).get(
        f"{sessions_path(alpha.brand)}/suggestions",
        query_string={"duration_minutes": 5},
    )
    assert bad.status_code == 422 and "duration_minutes" in bad.get_json()["error"]["fields"]


def test_roles_client_users_read_staff_write(alpha, api):
    assert create(api, alpha.tokens["leader"], alpha.brand).status_code == 403
    assert create(api, alpha.tokens["team"], alpha.brand).status_code == 403
    assert api(alpha.tokens["leader"]).get(sessions_path(alpha.brand)).status_code == 200


def test_another_agency_gets_404_everywhere(alpha, bravo, api, stored):
    session = create(api, alpha.tokens["owner"], alpha.brand).get_json()
    before = stored(alpha)[0][0].sequence
    intruder = api(bravo.tokens["owner"])
    path = f"/api/v1/sessions/{session['id']}"
    assert intruder.get(path).status_code == 404
    assert intruder.patch(path, json={"title": "Hacked"}).status_code == 404
    assert intruder.post(f"{path}/cancel").status_code == 404
    assert intruder.get(f"{path}/invite.ics").status_code == 404
    assert intruder.get(sessions_path(alpha.brand)).status_code == 404
    assert intruder.post(sessions_path(alpha.brand), json=BODY).status_code == 404
    assert intruder.get(f"{sessions_path(alpha.brand)}/suggestions").status_code == 404
    (row,), _people = stored(alpha)
    assert row.title == BODY["title"] and row.status == "scheduled" and row.sequence == before
