"""Decisions linked to the goal or plan they are about: saved through the minutes PUT, the
decision POST/PATCH and the minutes form; another brand's or agency's goal or plan is refused
like an unknown one and changes nothing; the session page links to what each reader may
open."""

from __future__ import annotations

from datetime import date, timedelta

from saas.extensions import db
from saas.models import Goal, Plan
from tenants.context import tenant_scope
from tests.sessions.test_minutes_api import make_session, minutes_path, read

TODAY = date.today()


def make_goal(world, brand=None, title=None) -> int:
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        goal = Goal(
            agency_id=world.agency.id,
            brand_id=brand.id,
            title=title or f"{brand.name} reach goal",
            metric="followers",
            baseline=0,
            target=100,
            start_date=TODAY - timedelta(days=10),
            due_date=TODAY + timedelta(days=80),
        )
        db.session.add(goal)
        db.session.commit()
        return goal.id


def make_plan(world, brand=None, title=None, status="in_review") -> int:
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        plan = Plan(
            agency_id=world.agency.id,
            brand_id=brand.id,
            title=title or f"{brand.name} spring plan",
            period_start=TODAY,
            period_end=TODAY + timedelta(days=90),
            status=status,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def decisions_path(sid: int) -> str:
    return f"/api/v1/sessions/{sid}/decisions"


def test_minutes_put_saves_and_returns_a_decisions_goal_and_plan(alpha, api):
    sid = make_session(alpha)
    goal, plan = make_goal(alpha, title="Grow reach"), make_plan(alpha, title="Spring plan")
    staff = api(alpha.tokens["consultant"])
    body = {
        "decisions": [
            {"text": "Double the reels", "goal_id": goal, "plan_id": plan},
            {"text": "Keep the newsletter"},
        ]
    }
    resp = staff._call("PUT", minutes_path(sid), json=body)
    assert resp.status_code == 200, resp.get_json()
    first, second = resp.get_json()["decisions"]
    assert first["goal"] == {"id": goal, "name": "Grow reach"}
    assert first["plan"] == {"id": plan, "name": "Spring plan"}
    assert second["goal"] is None and second["plan"] is None
    _, decisions, _ = read(alpha, sid)
    assert [(d.goal_id, d.plan_id) for d in decisions] == [(goal, plan), (None, None)]

    # A row sent again without its links loses them: the PUT is the whole record.
    again = {"decisions": [{"id": first["id"], "text": "Double the reels"}]}
    resp = staff._call("PUT", minutes_path(sid), json=again)
    assert resp.status_code == 200
    assert resp.get_json()["decisions"][0]["goal"] is None
    assert staff.get(f"{decisions_path(sid)}/{first['id']}").get_json()["plan"] is None


def test_another_brands_or_agencys_goal_is_refused_like_an_unknown_one(alpha, bravo, api):
    sid = make_session(alpha)
    mine = make_goal(alpha)
    staff = api(alpha.tokens["consultant"])
    ok = staff._call(
        "PUT", minutes_path(sid), json={"minutes": "Kept", "decisions": [{"text": "Kept"}]}
    )
    assert ok.status_code == 200
    other_brand = make_goal(alpha, brand=alpha.other_brand)
    other_agency = make_goal(bravo)
    other_plan = make_plan(alpha, brand=alpha.other_brand)
    answers = []
    for goal_id in (other_brand, other_agency, 2_000_000_000):
        body = {
            "minutes": "Changed",
            "decisions": [{"text": "Kept"}, {"text": "New", "goal_id": goal_id}],
        }
        resp = staff._call("PUT", minutes_path(sid), json=body)
        assert resp.status_code == 422, resp.get_json()
        answers.append(resp.get_json()["error"]["fields"])
    assert answers[0] == answers[1] == answers[2]
    assert set(answers[0]) == {"decisions.1.goal_id"}

    resp = staff._call(
        "PUT",
        minutes_path(sid),
        json={"minutes": "Changed", "decisions": [{"text": "X", "plan_id": other_plan}]},
    )
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"decisions.0.plan_id"}

    session, decisions, _ = read(alpha, sid)
    assert session.minutes == "Kept"
    assert [(d.text, d.goal_id) for d in decisions] == [("Kept", None)]
    assert mine  # this brand's goal is accepted (below)
    resp = staff._call(
        "PUT", minutes_path(sid), json={"decisions": [{"text": "Kept", "goal_id": mine}]}
    )
    assert resp.status_code == 200


def test_decision_post_and_patch_link_and_unlink(alpha, api):
    sid = make_session(alpha)
    goal, plan = make_goal(alpha), make_plan(alpha)
    foreign = make_plan(alpha, brand=alpha.other_brand)
    staff = api(alpha.tokens["owner"])
    resp = staff.post(decisions_path(sid), json={"text": "Refocus", "goal_id": goal})
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert created["goal"]["id"] == goal and created["plan"] is None
    path = f"{decisions_path(sid)}/{created['id']}"

    refused = staff.patch(path, json={"plan_id": foreign, "text": "Changed"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"plan_id"}
    bad_post = staff.post(decisions_path(sid), json={"text": "Other", "plan_id": foreign})
    assert bad_post.status_code == 422
    _, decisions, _ = read(alpha, sid)
    assert [(d.text, d.goal_id, d.plan_id) for d in decisions] == [("Refocus", goal, None)]

    resp = staff.patch(path, json={"plan_id": plan})
    assert resp.status_code == 200
    assert resp.get_json()["goal"]["id"] == goal and resp.get_json()["plan"]["id"] == plan
    resp = staff.patch(path, json={"goal_id": None})
    assert resp.get_json()["goal"] is None and resp.get_json()["plan"]["id"] == plan
    listed = staff.get(decisions_path(sid)).get_json()["data"]
    assert [(d["goal"], d["plan"]["id"]) for d in listed] == [(None, plan)]


def edit_path(world, sid: int) -> str:
    return f"/brands/{world.brand.id}/sessions/{sid}/minutes"


def test_the_minutes_form_offers_the_brands_goals_and_plans_and_saves_the_link(alpha, login_as):
    sid = make_session(alpha)
    goal = make_goal(alpha, title="Grow reach")
    plan = make_plan(alpha, title="Spring plan")
    make_goal(alpha, brand=alpha.other_brand, title="Other brand goal")
    client = login_as(alpha.consultant)
    html = client.get(edit_path(alpha, sid)).get_data(as_text=True)
    assert 'name="decisions-0-goal_id"' in html and 'name="decisions-0-plan_id"' in html
    assert "Grow reach" in html and "Spring plan" in html
    assert "Other brand goal" not in html

    form = {
        "minutes": "Agreed.",
        "decisions-0-text": "Double the reels",
        "decisions-0-status": "decided",
        "decisions-0-goal_id": str(goal),
        "decisions-0-plan_id": str(plan),
    }
    saved = client.post(edit_path(alpha, sid), data=form)
    assert saved.status_code == 303, saved.get_data(as_text=True)
    _, decisions, _ = read(alpha, sid)
    assert [(d.goal_id, d.plan_id) for d in decisions] == [(goal, plan)]
    again = client.get(edit_path(alpha, sid)).get_data(as_text=True)
    assert f'<option selected value="{goal}">' in again


def test_the_form_refuses_another_brands_goal_next_to_the_field_keeping_the_input(alpha, login_as):
    sid = make_session(alpha)
    foreign = make_goal(alpha, brand=alpha.other_brand)
    client = login_as(alpha.consultant)
    form = {
        "minutes": "Typed notes",
        "decisions-0-text": "Typed decision",
        "decisions-0-status": "decided",
        "decisions-0-goal_id": str(foreign),
    }
    resp = client.post(edit_path(alpha, sid), data=form)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Choose one of this brand&#39;s goals, or none." in html
    assert "Typed decision" in html and "Typed notes" in html
    session, decisions, _ = read(alpha, sid)
    assert session.minutes is None and decisions == []


def test_the_session_page_links_the_goal_and_the_plan_each_reader_may_open(alpha, api, login_as):
    sid = make_session(alpha, attendees=[(alpha.leader, "leader")])
    goal = make_goal(alpha, title="Grow reach")
    plan = make_plan(alpha, title="Spring plan", status="in_review")
    staff = api(alpha.tokens["consultant"])
    body = {"decisions": [{"text": "Double the reels", "goal_id": goal, "plan_id": plan}]}
    assert staff._call("PUT", minutes_path(sid), json=body).status_code == 200
    page = f"/brands/{alpha.brand.id}/sessions/{sid}"

    resp = login_as(alpha.consultant).get(page)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f'href="/goals/{goal}"' in html and f'href="/plans/{plan}"' in html

    # A client leader sees plans only once decided: the name shows, without a link.
    resp = login_as(alpha.leader).get(page)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f'href="/goals/{goal}"' in html
    assert "Spring plan" in html and f'href="/plans/{plan}"' not in html


def test_a_pending_decisions_agenda_item_links_to_its_goal_and_plan(alpha, api, login_as):
    from sqlalchemy import select

    from saas.models import SessionDecision
    from tests.sessions.test_agenda import schedule, seed

    s = seed(alpha)
    with tenant_scope(alpha.agency.id):
        decision = db.session.scalar(
            select(SessionDecision).where(SessionDecision.id == s.decision)
        )
        decision.goal_id, decision.plan_id = s.goal_behind, s.plan
        db.session.commit()
    sid = schedule(api, alpha)

    def decision_row(member) -> str:
        resp = login_as(member).get(f"/brands/{alpha.brand.id}/sessions/{sid}")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        start = html.index('data-kind="decision"')
        return html[start : html.index("</tr>", start)]

    row = decision_row(alpha.consultant)
    assert f'href="/goals/{s.goal_behind}"' in row and f'href="/plans/{s.plan}"' in row
    assert "Grow Instagram followers" in row and "Spring plan" in row
    # The plan is in review: a client leader reads its name without a link.
    row = decision_row(alpha.leader)
    assert f'href="/goals/{s.goal_behind}"' in row and f'href="/plans/{s.plan}"' not in row
