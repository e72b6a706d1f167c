"""Protected learning time through the HTTP client: the budget and this month's hours, items
planned by staff (over-budget refusals keep every input and save nothing), a team member
marking only their own items done, read-only leaders, "Learn this" from a capability_gap
finding, and other brands' and agencies' ids as 404s."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models.capability import LearningItem
from saas.services import learning as learning_service
from tenants.context import tenant_scope
from tests.capability.web.conftest import counts, gap_review, plan_item, set_budget, text_of


def learning_path(world, tail: str = "") -> str:
    return f"/brands/{world.brand.id}/learning{tail}"


def item_form(member_id: int, **changes) -> dict[str, str]:
    return {
        "member_id": str(member_id),
        "title": "Short video basics",
        "skill_key": "short_video",
        "format": "course",
        "session_id": "",
        "due_on": "",
        "hours": "3",
        **changes,
    }


def today(world):
    return learning_service.today_for(world.brand)


def items_of(world) -> list[LearningItem]:
    with tenant_scope(world.agency.id):
        return list(db.session.scalars(select(LearningItem).order_by(LearningItem.id)))


# --- the page ---------------------------------------------------------------------------


def test_no_budget_yet_says_so_and_staff_get_the_forms(alpha, login_as, team):
    team(alpha)
    page = text_of(login_as(alpha.consultant).get(learning_path(alpha)))
    assert "No budget recorded yet." in page
    assert "Record the budget" in page and "Plan a learning item" in page
    assert "No learning items yet." in page


def test_leaders_and_the_team_read_without_the_forms(alpha, login_as, team):
    team(alpha)
    set_budget(alpha, 4)
    for who in (alpha.leader, alpha.team):
        page = text_of(login_as(who).get(learning_path(alpha)))
        assert "hours per person per month" in page
        assert "Record the budget" not in page and "Plan a learning item" not in page


def test_staff_record_a_budget_and_see_hours_against_it(alpha, login_as, team):
    t = team(alpha)
    client = login_as(alpha.consultant)
    resp = client.post(learning_path(alpha, "/budget"), data={"hours_per_person_per_month": "4"})
    assert resp.status_code == 303
    plan_item(alpha, t.sara, "TikTok course", hours=3)
    page = text_of(client.get(learning_path(alpha)))
    # 4 hours for each of the two members of this brand: a team budget of 8.
    assert "Team budget: 8 hours for 2 people." in page
    assert "Planned: 3 of 8 hours" in page
    assert re.search(r'<progress id="planned-bar" max="100" value="38"', page)
    assert "TikTok course" in page


def test_a_bad_budget_keeps_the_input_and_saves_nothing(alpha, login_as, team):
    team(alpha)
    resp = login_as(alpha.owner).post(
        learning_path(alpha, "/budget"), data={"hours_per_person_per_month": "500"}
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "More than 0 and at most 160." in page and 'value="500"' in page
    assert counts(alpha)["learning_budgets"] == 0


def test_staff_plan_an_item_through_the_form(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    client = login_as(alpha.consultant)
    due = today(alpha).isoformat()
    resp = client.post(learning_path(alpha, "/items"), data=item_form(t.omar, due_on=due))
    assert resp.status_code == 303
    [item] = items_of(alpha)
    assert (item.member_id, item.skill_key, item.hours, item.status) == (
        t.omar,
        "short_video",
        3.0,
        "planned",
    )


def test_over_budget_is_refused_clearly_keeping_every_input(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 4)
    plan_item(alpha, t.omar, "Reading on hooks", hours=2)
    before = counts(alpha)
    due = today(alpha).isoformat()
    resp = login_as(alpha.consultant).post(
        learning_path(alpha, "/items"), data=item_form(t.omar, due_on=due, title="Big course")
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Over the learning budget: 5 hours planned for this person in this month" in page
    assert 'value="Big course"' in page and f'value="{due}"' in page and 'value="3"' in page
    assert counts(alpha) == before
    # Once a higher budget is recorded, the same item goes through.
    set_budget(alpha, 6)
    resp = login_as(alpha.consultant).post(
        learning_path(alpha, "/items"), data=item_form(t.omar, due_on=due, title="Big course")
    )
    assert resp.status_code == 303
    assert [i.title for i in items_of(alpha)] == ["Reading on hooks", "Big course"]


def test_a_member_of_another_brand_cannot_be_given_an_item(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    resp = login_as(alpha.consultant).post(
        learning_path(alpha, "/items"),
        data=item_form(t.other, due_on=today(alpha).isoformat()),
    )
    assert resp.status_code == 422
    assert "Choose a member of this brand&#39;s team." in text_of(resp)
    assert items_of(alpha) == []


def test_a_partner_session_needs_a_training_session(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    resp = login_as(alpha.consultant).post(
        learning_path(alpha, "/items"),
        data=item_form(t.sara, format="partner_session", due_on=today(alpha).isoformat()),
    )
    assert resp.status_code == 422
    assert "Choose a training session of this brand." in text_of(resp)
    assert items_of(alpha) == []


def test_client_users_cannot_plan_or_budget(alpha, login_as, team):
    t = team(alpha)
    for who in (alpha.team, alpha.leader):
        client = login_as(who)
        assert (
            client.post(
                learning_path(alpha, "/budget"), data={"hours_per_person_per_month": "9"}
            ).status_code
            == 403
        )
        resp = client.post(
            learning_path(alpha, "/items"), data=item_form(t.sara, due_on=today(alpha).isoformat())
        )
        assert resp.status_code == 403
    assert counts(alpha)["learning_budgets"] == 0 and items_of(alpha) == []


def test_filters_and_pagination(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 160)
    for n in range(22):
        plan_item(alpha, t.sara if n % 2 else t.omar, f"Item {n:02d}", hours=1)
    client = login_as(alpha.consultant)
    first = text_of(client.get(learning_path(alpha)))
    assert "Page 1 of 2" in first and "Item 00" in first and "Item 21" not in first
    sara = text_of(client.get(learning_path(alpha, f"?member={t.sara}")))
    assert "Item 01" in sara and "Item 00" not in sara and "Page 1 of 2" not in sara
    done = text_of(client.get(learning_path(alpha, "?status=done")))
    assert "No learning items match these filters." in done


# --- one item: edit, mark done ----------------------------------------------------------------


def test_the_team_member_marks_only_their_own_item_done(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    own = plan_item(alpha, t.sara, "Sara's course")
    other = plan_item(alpha, t.omar, "Omar's course")
    client = login_as(alpha.team)
    page = text_of(client.get(learning_path(alpha)))
    assert page.count("Mark done") == 1  # only on Sara's row
    other_page = text_of(client.get(learning_path(alpha, f"/items/{other}")))
    assert "Mark done" not in other_page and "Change the learning item" not in other_page
    resp = client.post(learning_path(alpha, f"/items/{other}"), data={"status": "done"})
    assert resp.status_code == 403
    resp = client.post(learning_path(alpha, f"/items/{own}"), data={"status": "done"})
    assert resp.status_code == 303
    statuses = {i.id: i.status for i in items_of(alpha)}
    assert statuses == {own: "done", other: "planned"}
    page = text_of(client.get(learning_path(alpha, f"/items/{own}")))
    assert "Not done yet" in page and "Done on" in page


def test_a_team_member_cannot_change_more_than_the_status(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    own = plan_item(alpha, t.sara, "Sara's course")
    resp = login_as(alpha.team).post(
        learning_path(alpha, f"/items/{own}"), data={"status": "dropped"}
    )
    assert resp.status_code == 403
    assert items_of(alpha)[0].status == "planned"


def test_a_leader_reads_an_item_but_cannot_change_it(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    own = plan_item(alpha, t.sara, "Sara's course")
    client = login_as(alpha.leader)
    page = text_of(client.get(learning_path(alpha, f"/items/{own}")))
    assert "Sara&#39;s course" in page or "Sara's course" in page
    assert "Mark done" not in page and "Save changes" not in page
    assert (
        client.post(learning_path(alpha, f"/items/{own}"), data={"status": "done"}).status_code
        == 403
    )
    assert items_of(alpha)[0].status == "planned"


def test_staff_edit_an_item_and_over_budget_keeps_the_edit(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 4)
    item_id = plan_item(alpha, t.sara, "Sara's course", hours=2)
    client = login_as(alpha.consultant)
    due = today(alpha).isoformat()
    data = item_form(t.sara, title="Sara's longer course", hours="9", due_on=due, status="planned")
    resp = client.post(learning_path(alpha, f"/items/{item_id}"), data=data)
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Over the learning budget" in page and 'value="9"' in page
    assert items_of(alpha)[0].hours == 2.0 and items_of(alpha)[0].title == "Sara's course"
    data["hours"] = "4"
    assert client.post(learning_path(alpha, f"/items/{item_id}"), data=data).status_code == 303
    assert (items_of(alpha)[0].hours, items_of(alpha)[0].title) == (4.0, "Sara's longer course")


def test_other_brands_and_agencies_items_are_not_found(alpha, bravo, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    item_id = plan_item(alpha, t.sara, "Sara's course")
    client = login_as(bravo.owner)
    assert client.get(learning_path(alpha)).status_code == 404
    assert client.get(learning_path(alpha, f"/items/{item_id}")).status_code == 404
    assert (
        client.post(learning_path(alpha, f"/items/{item_id}"), data={"status": "done"}).status_code
        == 404
    )
    assert client.get(f"/brands/{bravo.brand.id}/learning/items/{item_id}").status_code == 404
    # Alpha's consultant, through Alpha's other brand: not found there either.
    other = login_as(alpha.consultant)
    assert other.get(f"/brands/{alpha.other_brand.id}/learning/items/{item_id}").status_code == 404
    assert items_of(alpha)[0].status == "planned"


# --- Learn this -----------------------------------------------------------------------------


def test_learn_this_creates_a_linked_item_for_the_plan_authors_member(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 6)
    review_id, findings = gap_review(alpha)
    assert findings, "the TikTok short-video campaign should raise capability_gap"
    client = login_as(alpha.consultant)
    review = text_of(client.get(f"/reviews/{review_id}"))
    learn = f"/brands/{alpha.brand.id}/findings/{findings[0]}/learn"
    assert learn in review and "Learn this" in review
    form = text_of(client.get(learn))
    # The member defaults to Sara: she is linked to the team user who wrote the plan.
    assert re.search(rf'<option selected value="{t.sara}"|<option value="{t.sara}" selected', form)
    assert "Lesson: Capability gap" in form
    # The title comes from the lesson, the skill from the finding's params.
    names = {"TikTok": "tiktok", "Short video": "short_video", "Paid social": "paid_social"}
    title = re.search(r'value="Lesson: Capability gap · ([^"]+)"', form)
    assert title and title.group(1) in names, "no title from the lesson"
    key = names[title.group(1)]
    assert re.search(rf'<option selected value="{key}"|<option value="{key}" selected', form)
    due = today(alpha).isoformat()
    resp = client.post(
        learn,
        data={
            "member_id": str(t.sara),
            "title": "TikTok short video session",
            "skill_key": "tiktok",
            "format": "shadowing",
            "session_id": "",
            "due_on": due,
            "hours": "2",
        },
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/reviews/{review_id}#finding-{findings[0]}")
    [item] = items_of(alpha)
    assert (item.member_id, item.finding_id, item.skill_key) == (t.sara, findings[0], "tiktok")
    page = text_of(client.get(resp.headers["Location"]))
    assert "Learning item planned for Sara Haddad" in page


def test_learn_this_over_budget_keeps_input_and_saves_nothing(alpha, login_as, team):
    t = team(alpha)
    set_budget(alpha, 1)
    review_id, findings = gap_review(alpha)
    learn = f"/brands/{alpha.brand.id}/findings/{findings[0]}/learn"
    resp = login_as(alpha.consultant).post(
        learn,
        data={
            "member_id": str(t.sara),
            "title": "Too long a course",
            "skill_key": "tiktok",
            "format": "course",
            "due_on": today(alpha).isoformat(),
            "hours": "5",
        },
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "Over the learning budget" in page and 'value="Too long a course"' in page
    assert items_of(alpha) == []


def test_learn_this_is_for_staff_and_this_brand_only(alpha, bravo, login_as, team):
    team(alpha)
    review_id, findings = gap_review(alpha)
    for who in (alpha.team, alpha.leader):
        client = login_as(who)
        assert (
            client.get(f"/brands/{alpha.brand.id}/findings/{findings[0]}/learn").status_code == 403
        )
        assert "Learn this" not in text_of(client.get(f"/reviews/{review_id}"))
    assert (
        login_as(bravo.consultant)
        .get(f"/brands/{alpha.brand.id}/findings/{findings[0]}/learn")
        .status_code
        == 404
    )
    other = login_as(alpha.consultant).get(
        f"/brands/{alpha.other_brand.id}/findings/{findings[0]}/learn"
    )
    assert other.status_code == 404
