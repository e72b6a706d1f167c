"""Company goals, check-ins and audiences in the browser: list, add, edit, validate, roles."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from saas.models import Audience, Goal, GoalCheckin
from tests.goals.conftest import main

TODAY = date.today()

GOAL_FORM = {
    "title": "Grow the Instagram community",
    "description": "More people who hear us first.",
    "metric": "Instagram followers",
    "unit": "followers",
    "baseline": "12,000",
    "target": "20000",
    "start_date": "2026-01-01",
    "due_date": "2026-06-30",
    "priority": "high",
    "weight": "",
    "owner_name": "Lina",
}


def goals_url(world, brand=None) -> str:
    return f"/brands/{(brand or world.brand).id}/goals"


# --- list -----------------------------------------------------------------------------------


def test_a_brand_with_no_goals_teaches_why_goals_come_first(alpha, login_as):
    page = main(login_as(alpha.consultant).get(goals_url(alpha)))
    assert "Goals come first: every plan and review is measured against them." in page
    assert "Add the first goal" in page
    assert f'href="/brands/{alpha.brand.id}/goals/new"' in page


def test_client_leader_sees_the_empty_state_without_the_button(alpha, login_as):
    page = main(login_as(alpha.leader).get(goals_url(alpha)))
    assert "Goals come first" in page
    assert "Add the first goal" not in page


def test_list_shows_each_goal_with_its_progress_status_in_words(alpha, login_as, make_goal):
    start, due = TODAY - timedelta(days=50), TODAY + timedelta(days=50)  # half the time passed
    common = {"start_date": start, "due_date": due, "baseline": 0.0, "target": 100.0}
    make_goal(alpha, title="Goal on pace", checkins=[(TODAY, 50.0)], **common)
    make_goal(alpha, title="Goal slipping", checkins=[(TODAY, 30.0)], **common)
    make_goal(alpha, title="Goal far behind", checkins=[(TODAY - timedelta(days=1), 5.0)], **common)
    make_goal(alpha, title="Goal reached", checkins=[(TODAY, 100.0)], **common)
    make_goal(alpha, title="Goal dropped", status="dropped", **common)
    resp = login_as(alpha.team).get(goals_url(alpha))
    assert resp.status_code == 200
    page = main(resp)

    def row(title: str) -> str:
        (found,) = [r for r in page.split("<tr>")[2:] if f"<bdi>{title}</bdi>" in r]
        return found

    assert "badge-ok" in row("Goal on pace") and "On track" in row("Goal on pace")
    assert "badge-warn" in row("Goal slipping") and "At risk" in row("Goal slipping")
    assert "badge-bad" in row("Goal far behind") and "Behind" in row("Goal far behind")
    assert "Achieved" in row("Goal reached")
    assert "Dropped" in row("Goal dropped")
    assert '<progress max="100" value="50.0"' in row("Goal on pace")
    # Each value isolated, the arrows pointing the reading direction (see macros/text.html).
    words = " ".join(
        re.sub(r"<span class=\"sr-only\">[^<]*</span>|<[^>]+>", " ", row("Goal on pace")).split()
    )
    assert "0 → 50 → 100" in words


def test_list_reads_in_arabic_for_an_arabic_brand(alpha, login_as, make_goal):
    from saas.extensions import db
    from tenants.context import tenant_scope

    with tenant_scope(alpha.agency.id):
        alpha.brand.language = "ar"
        db.session.commit()
    make_goal(alpha, title="هدف المتابعين")
    page = main(login_as(alpha.leader).get(goals_url(alpha)))
    assert "هدف المتابعين" in page


# --- create and edit ------------------------------------------------------------------------


def test_consultant_adds_a_goal_and_it_is_audited(alpha, login_as, rows, audit_actions):
    client = login_as(alpha.consultant)
    resp = client.post(f"{goals_url(alpha)}/new", data=GOAL_FORM)
    assert resp.status_code == 303
    (goal,) = rows(alpha, Goal)
    assert resp.headers["Location"].endswith(f"/goals/{goal.id}")
    assert (goal.title, goal.baseline, goal.target, goal.brand_id) == (
        "Grow the Instagram community",
        12000.0,
        20000.0,
        alpha.brand.id,
    )
    assert goal.due_date == date(2026, 6, 30) and goal.priority == "high"
    assert goal.weight is None and goal.status == "active"
    assert "goal.created" in audit_actions(alpha)
    page = main(client.get(resp.headers["Location"]))
    assert "Grow the Instagram community" in page and "Goal added." in page


def test_client_team_may_add_goals(alpha, login_as, rows):
    resp = login_as(alpha.team).post(f"{goals_url(alpha)}/new", data=GOAL_FORM)
    assert resp.status_code == 303
    assert len(rows(alpha, Goal)) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Name the goal"),
        ({"title": "x" * 201}, "title", "Use at most 200 characters."),
        ({"metric": " "}, "metric", "Say what you will measure"),
        ({"unit": "u" * 41}, "unit", "Use at most 40 characters."),
        ({"baseline": "abc"}, "baseline", "Enter a number."),
        ({"baseline": "nan"}, "baseline", "Enter a number."),
        ({"target": "inf"}, "target", "Enter a number."),
        ({"target": "1e13"}, "target", "Enter a number between"),
        ({"target": "12000"}, "target", "The target must differ from the baseline."),
        ({"due_date": ""}, "due_date", "Enter the date the target is due."),
        ({"due_date": "30/06/2026"}, "due_date", "Enter a date as YYYY-MM-DD."),
        ({"due_date": "2026-02-30"}, "due_date", "Enter a date as YYYY-MM-DD."),
        ({"due_date": "2025-12-31"}, "due_date", "cannot be before the start date"),
        ({"priority": "urgent"}, "priority", "Choose high, medium or low."),
        ({"weight": "150"}, "weight", "Enter a number between 0 and 100."),
        ({"owner_name": "o" * 121}, "owner_name", "Use at most 120 characters."),
    ],
)
def test_invalid_goal_gets_a_message_next_to_the_field_and_nothing_is_saved(
    alpha, login_as, rows, changes, field, message
):
    resp = login_as(alpha.owner).post(f"{goals_url(alpha)}/new", data={**GOAL_FORM, **changes})
    assert resp.status_code == 422
    page = main(resp)
    assert f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert rows(alpha, Goal) == []


def test_edit_changes_fields_and_status(alpha, login_as, make_goal, rows, audit_actions):
    goal_id = make_goal(alpha)
    client = login_as(alpha.team)
    form = main(client.get(f"/goals/{goal_id}/edit"))
    assert 'value="1000"' in form and 'value="2026-12-31"' in form
    data = {**GOAL_FORM, "baseline": "1000", "target": "1500", "status": "achieved"}
    resp = client.post(f"/goals/{goal_id}/edit", data=data)
    assert resp.status_code == 303
    (goal,) = rows(alpha, Goal)
    assert goal.target == 1500.0 and goal.status == "achieved"
    assert {"goal.updated", "goal.status_changed"} <= set(audit_actions(alpha))


def test_a_refused_edit_changes_nothing(alpha, login_as, make_goal, rows):
    goal_id = make_goal(alpha)
    data = {**GOAL_FORM, "title": "Renamed", "start_date": "2027-01-01"}
    resp = login_as(alpha.owner).post(f"/goals/{goal_id}/edit", data=data)
    assert resp.status_code == 422
    assert "cannot be before the start date" in main(resp)
    assert rows(alpha, Goal)[0].title == "Grow Instagram"


# --- goal page, chart and check-ins ---------------------------------------------------------


def test_goal_page_shows_details_chart_and_history(alpha, login_as, make_goal):
    goal_id = make_goal(
        alpha,
        title='<script>alert("goal")</script>',
        checkins=[(date(2026, 2, 1), 1200.0), (date(2026, 3, 1), 1400.0)],
    )
    resp = login_as(alpha.leader).get(f"/goals/{goal_id}")
    assert resp.status_code == 200
    raw = resp.get_data(as_text=True)
    assert "<script>alert" not in raw
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-line" role="img"' in raw
    assert "Target: 2,000" in raw
    page = main(resp)
    assert "Check-in history" in page and "1,400" in page
    assert "Add a check-in" not in page  # the leader reads only
    assert f"/goals/{goal_id}/edit" not in page


def test_goal_without_check_ins_shows_an_empty_chart(alpha, login_as, make_goal):
    page = main(login_as(alpha.owner).get(f"/goals/{make_goal(alpha)}"))
    assert "No check-ins yet" in page


def test_team_records_a_check_in(alpha, login_as, make_goal, rows, audit_actions):
    goal_id, team_user_id = make_goal(alpha), alpha.team.user_id
    client = login_as(alpha.team)
    data = {"date": TODAY.isoformat(), "value": "1,250.5", "comment": "Giveaway week"}
    resp = client.post(f"/goals/{goal_id}/checkins", data=data)
    assert resp.status_code == 303
    (checkin,) = rows(alpha, GoalCheckin)
    assert (checkin.value, checkin.comment, checkin.date) == (1250.5, "Giveaway week", TODAY)
    assert checkin.created_by_id == team_user_id
    assert "goal.checkin_added" in audit_actions(alpha)
    assert "Giveaway week" in main(client.get(f"/goals/{goal_id}"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": (TODAY + timedelta(days=5)).isoformat()}, "date", "in the future"),
        ({"date": ""}, "date", "Enter the date"),
        ({"value": ""}, "value", "Enter the value measured."),
        ({"value": "lots"}, "value", "Enter a number."),
        ({"comment": "c" * 2001}, "comment", "Use at most 2000 characters."),
    ],
)
def test_invalid_check_in_is_refused_with_a_message(
    alpha, login_as, make_goal, rows, data, field, message
):
    goal_id = make_goal(alpha)
    body = {"date": TODAY.isoformat(), "value": "10", "comment": "", **data}
    resp = login_as(alpha.owner).post(f"/goals/{goal_id}/checkins", data=body)
    assert resp.status_code == 422
    error = main(resp).split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert rows(alpha, GoalCheckin) == []


def test_a_check_in_dated_tomorrow_is_accepted(alpha, login_as, make_goal, rows):
    goal_id = make_goal(alpha)
    body = {"date": (TODAY + timedelta(days=1)).isoformat(), "value": "10"}
    assert login_as(alpha.owner).post(f"/goals/{goal_id}/checkins", data=body).status_code == 303


# --- roles and isolation --------------------------------------------------------------------


def test_client_leader_reads_goals_but_cannot_change_them(alpha, login_as, make_goal, rows):
    goal_id = make_goal(alpha)
    client = login_as(alpha.leader)
    assert client.get(goals_url(alpha)).status_code == 200
    assert client.get(f"/goals/{goal_id}").status_code == 200
    assert client.get(f"{goals_url(alpha)}/new").status_code == 403
    assert client.post(f"{goals_url(alpha)}/new", data=GOAL_FORM).status_code == 403
    assert client.post(f"/goals/{goal_id}/edit", data=GOAL_FORM).status_code == 403
    body = {"date": TODAY.isoformat(), "value": "5"}
    assert client.post(f"/goals/{goal_id}/checkins", data=body).status_code == 403
    assert client.get(f"/brands/{alpha.brand.id}/audiences/new").status_code == 403
    assert len(rows(alpha, Goal)) == 1 and rows(alpha, GoalCheckin) == []


def test_another_agency_gets_404_on_goal_and_audience_ids(
    alpha, bravo, login_as, make_goal, make_audience, rows
):
    goal_id, audience_id = make_goal(alpha), make_audience(alpha)
    client = login_as(bravo.owner)
    for url in (
        goals_url(alpha),
        f"{goals_url(alpha)}/new",
        f"/goals/{goal_id}",
        f"/goals/{goal_id}/edit",
        f"/brands/{alpha.brand.id}/audiences",
        f"/audiences/{audience_id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/goals/{goal_id}/edit", data=GOAL_FORM).status_code == 404
    assert (
        client.post(
            f"/goals/{goal_id}/checkins", data={"date": "2026-01-01", "value": "1"}
        ).status_code
        == 404
    )
    assert client.post(f"/audiences/{audience_id}/edit", data={"name": "Hacked"}).status_code == 404
    assert rows(alpha, Goal)[0].title == "Grow Instagram"
    assert rows(alpha, Audience)[0].name == "Young professionals"


def test_client_users_get_404_on_a_brand_outside_their_scope(alpha, login_as, make_goal):
    goal_id = make_goal(alpha, brand=alpha.other_brand)
    client = login_as(alpha.team)
    assert client.get(goals_url(alpha, alpha.other_brand)).status_code == 404
    assert client.get(f"/goals/{goal_id}").status_code == 404
    assert (
        client.post(
            f"/goals/{goal_id}/checkins", data={"date": "2026-01-01", "value": "1"}
        ).status_code
        == 404
    )


# --- audiences ------------------------------------------------------------------------------


def audience_form(**shares) -> dict[str, str]:
    from saas.domain.vocabulary import NETWORKS

    data = {
        "name": "Young professionals",
        "description": "25–34, Dubai",
        "engages": "Commuters who answer polls",
    }
    data.update({f"share_{n}": "0" for n in NETWORKS})
    data.update({f"share_{n}": str(v) for n, v in shares.items()})
    return data


def test_audiences_empty_state_asks_the_right_questions(alpha, login_as):
    page = main(login_as(alpha.team).get(f"/brands/{alpha.brand.id}/audiences"))
    assert "Which networks does your audience use? Who engages with your posts?" in page
    assert f'href="/brands/{alpha.brand.id}/audiences/new"' in page


def test_new_audience_form_lists_every_network_at_zero(alpha, login_as):
    page = main(login_as(alpha.team).get(f"/brands/{alpha.brand.id}/audiences/new"))
    for network in ("Instagram", "TikTok", "LinkedIn", "WhatsApp", "Threads"):
        assert network in page
    assert page.count('type="number"') == 10


def test_team_adds_an_audience_with_network_shares(alpha, login_as, rows, audit_actions):
    client = login_as(alpha.team)
    resp = client.post(
        f"/brands/{alpha.brand.id}/audiences/new", data=audience_form(instagram=60, tiktok="30.5")
    )
    assert resp.status_code == 303
    (audience,) = rows(alpha, Audience)
    assert audience.networks == [
        {"network": "instagram", "share": 60.0},
        {"network": "tiktok", "share": 30.5},
    ]
    assert audience.engages == "Commuters who answer polls"
    assert "audience.created" in audit_actions(alpha)
    page = main(client.get(resp.headers["Location"]))
    assert "Young professionals" in page and 'class="chart chart-bar"' in page
    assert "60%" in page and "30.5%" in page


def test_shares_above_100_percent_are_refused(alpha, login_as, rows):
    resp = login_as(alpha.owner).post(
        f"/brands/{alpha.brand.id}/audiences/new", data=audience_form(instagram=70, tiktok=40)
    )
    assert resp.status_code == 422
    assert "The shares add up to 110%" in main(resp)
    assert rows(alpha, Audience) == []


def test_a_share_out_of_range_is_shown_next_to_its_network(alpha, login_as, rows):
    resp = login_as(alpha.owner).post(
        f"/brands/{alpha.brand.id}/audiences/new", data=audience_form(instagram=60, x=-5)
    )
    assert resp.status_code == 422
    error = main(resp).split('id="share_x-error">', 1)[1].split("</p>", 1)[0]
    assert "between 0 and 100" in error
    assert rows(alpha, Audience) == []


def test_audience_name_is_required(alpha, login_as, rows):
    resp = login_as(alpha.owner).post(
        f"/brands/{alpha.brand.id}/audiences/new", data={**audience_form(), "name": ""}
    )
    assert resp.status_code == 422
    assert 'id="name-error"' in main(resp)
    assert rows(alpha, Audience) == []


def test_edit_audience_prefills_shares_and_saves(alpha, login_as, make_audience, rows):
    audience_id = make_audience(alpha)
    client = login_as(alpha.consultant)
    form = main(client.get(f"/audiences/{audience_id}/edit"))
    assert 'name="share_instagram" type="number" value="60"' in form or (
        'value="60"' in form and "share_instagram" in form
    )
    resp = client.post(f"/audiences/{audience_id}/edit", data=audience_form(linkedin=80))
    assert resp.status_code == 303
    assert rows(alpha, Audience)[0].networks == [{"network": "linkedin", "share": 80.0}]


def test_audience_without_engagers_is_flagged_as_unknown(alpha, login_as, make_audience):
    make_audience(alpha, engages=None, name="<b>Silent</b> crowd")
    resp = login_as(alpha.leader).get(f"/brands/{alpha.brand.id}/audiences")
    raw = resp.get_data(as_text=True)
    assert "<b>Silent</b>" not in raw and "&lt;b&gt;Silent&lt;/b&gt; crowd" in raw
    page = main(resp)
    assert "Unknown" in page
    assert "Edit audience" not in page  # the leader reads only
