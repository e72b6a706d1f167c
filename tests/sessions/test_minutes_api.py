"""The minutes API: minutes only once a session has started, recording marks it done,
decisions and action items saved and replaced, refusals that change nothing and reveal no
account, client leaders who may tick off only their own items, the brand's zone deciding
what is overdue, and other agencies' ids answering 404."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from saas.extensions import db
from saas.models import ActionItem, Brand, SessionAttendee, SessionDecision, StrategySession
from tenants.context import tenant_scope
from tenants.models import utcnow


def make_session(
    world,
    *,
    brand=None,
    starts_in=timedelta(hours=-2),
    status="scheduled",
    attendees=(),
    title=None,
) -> int:
    """A session row of ``world`` starting ``starts_in`` from now (the API refuses to
    schedule in the past, and minutes need a past start); attendees are (membership or
    email, part) pairs."""
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        people = []
        for who, part in attendees:
            user = getattr(who, "user", None)
            people.append(
                SessionAttendee(
                    agency_id=world.agency.id,
                    brand_id=brand.id,
                    user_id=user.id if user else None,
                    email=user.email if user else who,
                    name=user.name if user else None,
                    part=part,
                )
            )
        session = StrategySession(
            agency_id=world.agency.id,
            brand_id=brand.id,
            title=title or f"{world.agency.name} QBR",
            kind="quarterly_business_review",
            starts_at=utcnow() + starts_in,
            duration_minutes=60,
            timezone="Asia/Riyadh",
            status=status,
            sequence=0,
            uid=f"{secrets.token_hex(8)}@tandem.test",
            attendees=people,
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def minutes_path(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/minutes"


def read(world, session_id: int):
    """(session, decisions, action items) as stored (only these rows are read afresh, so
    the world's objects stay loaded)."""
    fresh = {"populate_existing": True}
    with tenant_scope(world.agency.id):
        session = db.session.scalar(
            select(StrategySession)
            .where(StrategySession.id == session_id)
            .execution_options(**fresh)
        )
        decisions = list(
            db.session.scalars(
                select(SessionDecision)
                .where(SessionDecision.session_id == session_id)
                .order_by(SessionDecision.position)
                .execution_options(**fresh)
            )
        )
        items = list(
            db.session.scalars(
                select(ActionItem)
                .where(ActionItem.session_id == session_id)
                .order_by(ActionItem.id)
                .execution_options(**fresh)
            )
        )
        return session, decisions, items


BODY = {
    "minutes": "We agreed the Q2 focus.\n\n- Instagram first\n- Fewer posts, better ones",
    "decisions": [
        {"text": "Pause TikTok until June", "status": "decided"},
        {"text": "Budget for paid reach", "status": "pending"},
    ],
    "action_items": [
        {"title": "Draft the Q2 plan", "due_on": "2030-04-15"},
        {"title": "Send the audience research", "owner_id": None},
    ],
}


def test_minutes_before_the_session_starts_are_refused_and_change_nothing(alpha, api):
    sid = make_session(alpha, starts_in=timedelta(hours=3))
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=BODY)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "not_started"
    session, decisions, items = read(alpha, sid)
    assert session.status == "scheduled" and session.minutes is None
    assert decisions == [] and items == []


def test_a_cancelled_session_gets_no_minutes(alpha, api):
    sid = make_session(alpha, status="cancelled")
    resp = api(alpha.tokens["owner"])._call("PUT", minutes_path(sid), json=BODY)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "cancelled"
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/sessions/{sid}/action-items", json={"title": "Anything"}
    )
    assert resp.status_code == 409
    assert read(alpha, sid)[2] == []


def test_recording_minutes_marks_the_session_done_and_saves_everything(alpha, api, audit_actions):
    sid = make_session(alpha)
    body = {
        **BODY,
        "action_items": [
            {**BODY["action_items"][0], "owner_id": alpha.leader.user_id},
            BODY["action_items"][1],
        ],
    }
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=body)
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "done" and out["minutes"].startswith("We agreed")
    assert [d["status"] for d in out["decisions"]] == ["decided", "pending"]
    first = out["action_items"][0]
    assert first["owner_id"] == alpha.leader.user_id and first["owner_name"] == "Alpha Leader"
    assert first["due_on"] == "2030-04-15" and first["status"] == "open"
    session, decisions, items = read(alpha, sid)
    assert session.status == "done" and session.minutes_recorded_by_id == alpha.consultant.user_id
    assert decisions[0].decided_at is not None and decisions[1].decided_at is None
    assert [i.title for i in items] == ["Draft the Q2 plan", "Send the audience research"]
    assert "session.minutes_recorded" in audit_actions(alpha)

    # Editing later: change one row by id, drop another, add one; audited again.
    kept = {"id": decisions[1].id, "text": "Budget for paid reach", "status": "decided"}
    edit = {
        "minutes": "Edited.",
        "decisions": [kept],
        "action_items": [
            {"id": items[0].id, "title": "Draft the Q2 plan", "status": "done"},
            {"title": "Book the next QBR"},
        ],
    }
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=edit)
    assert resp.status_code == 200, resp.get_json()
    session, decisions, items = read(alpha, sid)
    assert session.minutes == "Edited." and session.status == "done"
    assert [(d.text, d.status) for d in decisions] == [("Budget for paid reach", "decided")]
    assert [(i.title, i.status) for i in items] == [
        ("Draft the Q2 plan", "done"),
        ("Book the next QBR", "open"),
    ]
    assert items[0].done_by_id == alpha.consultant.user_id and items[0].owner_id is None
    assert audit_actions(alpha).count("session.minutes_edited") == 1
    got = api(alpha.tokens["leader"]).get(minutes_path(sid)).get_json()
    assert got["minutes"] == "Edited." and len(got["action_items"]) == 2

    # Lists left out of the body keep their rows; only the notes change.
    notes_only = {"minutes": "Notes only."}
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=notes_only)
    assert resp.status_code == 200
    session, decisions, items = read(alpha, sid)
    assert session.minutes == "Notes only." and len(decisions) == 1 and len(items) == 2


def test_invalid_minutes_answer_422_per_field_change_nothing_and_reveal_no_account(
    alpha, bravo, api
):
    sid = make_session(alpha)
    ok = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=BODY)
    assert ok.status_code == 200
    before = read(alpha, sid)
    snapshot = (before[0].minutes, [d.text for d in before[1]], [i.title for i in before[2]])

    def put(items):
        return api(alpha.tokens["consultant"])._call(
            "PUT",
            minutes_path(sid),
            json={"minutes": "Changed", "decisions": [], "action_items": items},
        )

    foreign = put([{"title": "Call the CFO", "owner_id": bravo.leader.user_id}])
    unknown = put([{"title": "Call the CFO", "owner_id": 999_999}])
    assert foreign.status_code == unknown.status_code == 422
    foreign_error = foreign.get_json()["error"]
    assert foreign_error["fields"] == unknown.get_json()["error"]["fields"]
    assert set(foreign_error["fields"]) == {"action_items.0.owner_id"}
    assert "bravo" not in foreign.get_data(as_text=True).lower()

    bad_date = put([{"title": "Call the CFO", "due_on": "2030-02-30"}])
    assert bad_date.status_code == 422
    assert "action_items.0.due_on" in bad_date.get_json()["error"]["fields"]

    blank = put([{"title": "Fine"}, {"title": "   "}])
    assert blank.status_code == 422
    assert set(blank.get_json()["error"]["fields"]) == {"action_items.1.title"}

    after = read(alpha, sid)
    assert (after[0].minutes, [d.text for d in after[1]], [i.title for i in after[2]]) == snapshot


def test_an_owner_without_access_to_the_brand_is_refused(alpha, api):
    """A client of the agency's other brand cannot own this brand's item."""
    from tests import factories

    outsider = factories.member(alpha.agency, "client_team", brands=[alpha.other_brand])
    db.session.commit()
    sid = make_session(alpha)
    resp = api(alpha.tokens["owner"]).post(
        f"/api/v1/sessions/{sid}/action-items",
        json={"title": "Share the brief", "owner_id": outsider.user_id},
    )
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"owner_id"}
    assert read(alpha, sid)[2] == []


def test_a_client_leader_ticks_off_her_own_item_but_not_another(alpha, api, audit_actions):
    sid = make_session(alpha)
    staff = api(alpha.tokens["consultant"])
    mine = staff.post(
        f"/api/v1/sessions/{sid}/action-items",
        json={"title": "Approve the budget", "owner_id": alpha.leader.user_id},
    ).get_json()
    theirs = staff.post(
        f"/api/v1/sessions/{sid}/action-items",
        json={"title": "Brief the designers", "owner_id": alpha.team.user_id},
    ).get_json()
    leader = api(alpha.tokens["leader"])

    assert leader._call("PUT", minutes_path(sid), json=BODY).status_code == 403
    assert leader.post(f"/api/v1/sessions/{sid}/decisions", json={"text": "x"}).status_code == 403

    done = leader.patch(f"/api/v1/action-items/{mine['id']}", json={"status": "done"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done"
    assert done.get_json()["done_by_id"] == alpha.leader.user_id
    refused = leader.patch(f"/api/v1/action-items/{theirs['id']}", json={"status": "done"})
    assert refused.status_code == 403
    retitle = leader.patch(f"/api/v1/action-items/{mine['id']}", json={"title": "Mine now"})
    assert retitle.status_code == 403
    assert leader.delete(f"/api/v1/action-items/{mine['id']}").status_code == 403

    _s, _d, items = read(alpha, sid)
    assert [(i.title, i.status) for i in items] == [
        ("Approve the budget", "done"),
        ("Brief the designers", "open"),
    ]
    assert "action_item.done" in audit_actions(alpha) or "action_item.updated" in audit_actions(
        alpha
    )
    reopened = leader.patch(f"/api/v1/action-items/{mine['id']}", json={"status": "open"})
    assert reopened.status_code == 200 and reopened.get_json()["done_at"] is None


def test_decisions_are_added_decided_later_and_deleted(alpha, api):
    sid = make_session(alpha)
    staff = api(alpha.tokens["consultant"])
    made = staff.post(
        f"/api/v1/sessions/{sid}/decisions",
        json={"text": "Budget for paid reach", "status": "pending"},
    )
    assert made.status_code == 201, made.get_json()
    did = made.get_json()["id"]
    assert made.get_json()["decided_at"] is None
    path = f"/api/v1/sessions/{sid}/decisions/{did}"
    decided = staff.patch(path, json={"status": "decided"})
    assert decided.status_code == 200 and decided.get_json()["decided_at"] is not None
    assert staff.patch(path, json={"text": "  "}).status_code == 422
    other = make_session(alpha, title="Another session")
    assert staff.patch(f"/api/v1/sessions/{other}/decisions/{did}", json={}).status_code == 404
    assert staff.get(path).get_json()["text"] == "Budget for paid reach"
    listed = staff.get(f"/api/v1/sessions/{sid}/decisions").get_json()
    assert [d["id"] for d in listed["data"]] == [did] and listed["meta"]["total"] == 1
    assert staff.delete(path).status_code == 204
    assert read(alpha, sid)[1] == []
    assert staff.get(path).status_code == 404


def _today(zone: str):
    return datetime.now(ZoneInfo(zone)).date()


def test_overdue_is_decided_in_the_brand_time_zone(alpha, api):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are always on different days: an item due
    today in Pago Pago is already overdue for a brand in Kiritimati, and not for one there."""
    with tenant_scope(alpha.agency.id):
        early = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
        late = db.session.scalar(select(Brand).where(Brand.id == alpha.other_brand.id))
        early.timezone, late.timezone = "Pacific/Kiritimati", "Pacific/Pago_Pago"
        db.session.commit()
    due = _today("Pacific/Pago_Pago")
    assert due < _today("Pacific/Kiritimati")
    staff = api(alpha.tokens["consultant"])
    for brand in (alpha.brand, alpha.other_brand):
        sid = make_session(alpha, brand=brand)
        resp = staff.post(
            f"/api/v1/sessions/{sid}/action-items",
            json={"title": f"Due {due}", "due_on": due.isoformat()},
        )
        assert resp.status_code == 201, resp.get_json()

    def overdue(brand):
        return staff.get(f"/api/v1/brands/{brand.id}/action-items?status=overdue").get_json()

    early_page = overdue(alpha.brand)
    assert early_page["meta"]["total"] == 1 and early_page["data"][0]["overdue"] is True
    assert overdue(alpha.other_brand)["meta"]["total"] == 0
    opened = staff.get(f"/api/v1/brands/{alpha.other_brand.id}/action-items?status=open")
    assert opened.get_json()["data"][0]["overdue"] is False


def test_the_brand_list_filters_by_status_and_owner_and_pages(alpha, api):
    sid = make_session(alpha)
    staff = api(alpha.tokens["owner"])
    for n in range(3):
        staff.post(
            f"/api/v1/sessions/{sid}/action-items",
            json={"title": f"Leader task {n}", "owner_id": alpha.leader.user_id},
        )
    staff.post(f"/api/v1/sessions/{sid}/action-items", json={"title": "Nobody's task"})
    base = f"/api/v1/brands/{alpha.brand.id}/action-items"
    leader = api(alpha.tokens["leader"])
    mine = leader.get(f"{base}?owner=me&per_page=2").get_json()
    assert mine["meta"]["total"] == 3 and len(mine["data"]) == 2 and mine["meta"]["next_page"] == 2
    first = mine["data"][0]["id"]
    assert leader.patch(f"/api/v1/action-items/{first}", json={"status": "done"}).status_code == 200
    done = staff.get(f"{base}?status=done").get_json()
    assert [i["id"] for i in done["data"]] == [first]
    assert (
        staff.get(f"{base}?status=open&owner={alpha.leader.user_id}").get_json()["meta"]["total"]
        == 2
    )
    assert staff.get(f"{base}?status=late").status_code == 400
    assert staff.get(f"{base}?owner=someone").status_code == 400
    listed = staff.get(f"/api/v1/sessions/{sid}/action-items").get_json()
    assert listed["meta"]["total"] == 4


def test_other_agencies_ids_answer_404(alpha, bravo, api):
    sid = make_session(alpha)
    staff = api(alpha.tokens["consultant"])
    staff._call("PUT", minutes_path(sid), json=BODY)
    _s, decisions, items = read(alpha, sid)
    intruder = api(bravo.tokens["owner"])
    assert intruder.get(minutes_path(sid)).status_code == 404
    assert intruder._call("PUT", minutes_path(sid), json=BODY).status_code == 404
    assert intruder.post(f"/api/v1/sessions/{sid}/decisions", json={"text": "x"}).status_code == 404
    path = f"/api/v1/sessions/{sid}/decisions/{decisions[0].id}"
    assert intruder.patch(path, json={"text": "Hacked"}).status_code == 404
    assert intruder.delete(path).status_code == 404
    assert (
        intruder.patch(f"/api/v1/action-items/{items[0].id}", json={"status": "done"}).status_code
        == 404
    )
    assert intruder.delete(f"/api/v1/action-items/{items[0].id}").status_code == 404
    assert intruder.get(f"/api/v1/brands/{alpha.brand.id}/action-items").status_code == 404
    assert intruder.get(f"/api/v1/sessions/{sid}/action-items").status_code == 404
    assert intruder.get(f"/api/v1/action-items/{items[0].id}").status_code == 404
    assert intruder.get(f"/api/v1/sessions/{sid}/decisions").status_code == 404
    assert staff.get(f"/api/v1/action-items/{items[0].id}").get_json()["title"] == items[0].title
    # Alpha's client leader does not see the agency's other brand either.
    other = make_session(alpha, brand=alpha.other_brand)
    leader = api(alpha.tokens["leader"])
    assert leader.get(minutes_path(other)).status_code == 404
    assert leader.get(f"/api/v1/brands/{alpha.other_brand.id}/action-items").status_code == 404
    _s, decisions, items = read(alpha, sid)
    assert decisions[0].text == "Pause TikTok until June" and items[0].status == "open"
