"""Plans in the browser (server-rendered): list, create, plan page, campaigns, workflow."""

from __future__ import annotations

import html

from sqlalchemy import select

from saas.extensions import db
from saas.models import Campaign, CampaignGoal, Plan, PlanRevision
from tenants.context import tenant_scope
from tests.plans.conftest import counts, make_audience, make_goal


def main(resp) -> str:
    page = html.unescape(resp.get_data(as_text=True))
    return page[page.find("<main") : page.find("</main>")]


CAMPAIGN_FORM = {
    "name": "Ramadan reels",
    "networks": ["instagram", "tiktok"],
    "format": "short_video",
    "objective": "engagement",
    "kpi": "engagement_rate",
    "kpi_baseline": "2.5",
    "kpi_target": "4",
    "audience_id": "",
    "start_date": "2027-03-01",
    "end_date": "2027-03-30",
    "duration_rationale": "The holy month",
    "budget": "1200.50",
}


def new_plan(client, world, title="Q2 plan"):
    resp = client.post(
        f"/brands/{world.brand.id}/plans/new",
        data={"title": title, "period_start": "2027-03-01", "period_end": "2027-05-31"},
    )
    assert resp.status_code == 302, main(resp)
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_empty_list_teaches_what_a_plan_is(alpha, login_as):
    client = login_as(alpha.team)
    page = main(client.get(f"/brands/{alpha.brand.id}/plans"))
    assert "No social plan yet" in page
    assert "Draft the first plan" in page


def test_team_drafts_a_plan_adds_a_campaign_and_submits(alpha, login_as):
    goal_id = make_goal(alpha, title="Double the followers")
    audience_id = make_audience(alpha, name="Students")
    client = login_as(alpha.team)
    plan_id = new_plan(client, alpha)
    page = main(client.get(f"/plans/{plan_id}"))
    assert "Q2 plan" in page and "Draft" in page and "Submit for review" in page
    assert "Archive" not in page  # staff only

    form = CAMPAIGN_FORM | {
        "audience_id": str(audience_id),
        "goal_ids": [str(goal_id)],
        f"contribution_{goal_id}": "500",
    }
    resp = client.post(f"/plans/{plan_id}/campaigns/new", data=form)
    assert resp.status_code == 302, main(resp)
    page = main(client.get(f"/plans/{plan_id}"))
    assert "Ramadan reels" in page
    assert "Instagram, TikTok" in page and "Reel or short video" in page
    assert "Engagement rate" in page and "Students" in page and "Double the followers" in page
    assert "1,200.5" in page

    listing = main(client.get(f"/brands/{alpha.brand.id}/plans"))
    assert "Q2 plan" in listing and "Draft" in listing

    resp = client.post(f"/plans/{plan_id}/transition", data={"to": "submitted"})
    assert resp.status_code == 302
    page = main(client.get(f"/plans/{plan_id}"))
    assert "Submitted" in page and "Submit for review" not in page
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == plan_id))
        assert plan.status == "submitted" and plan.submitted_at is not None
        link = db.session.scalar(select(CampaignGoal))
        assert (link.goal_id, link.contribution) == (goal_id, 500.0)


def test_editing_after_submission_creates_a_revision_and_compare_shows_it(alpha, login_as):
    client = login_as(alpha.team)
    plan_id = new_plan(client, alpha)
    client.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    client.post(f"/plans/{plan_id}/transition", data={"to": "submitted"})
    with tenant_scope(alpha.agency.id):
        campaign_id = db.session.scalar(select(Campaign.id))
    edit = client.get(f"/plans/{plan_id}/campaigns/{campaign_id}/edit")
    assert 'value="Ramadan reels"' in edit.get_data(as_text=True)
    resp = client.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        data=CAMPAIGN_FORM | {"name": "Eid reels", "budget": "2000"},
    )
    assert resp.status_code == 302, main(resp)
    with tenant_scope(alpha.agency.id):
        rows = db.session.execute(
            select(PlanRevision.number, Campaign.name, Campaign.budget)
            .join(Campaign, Campaign.revision_id == PlanRevision.id)
            .order_by(PlanRevision.number)
        ).all()
        revision_ids = list(
            db.session.scalars(select(PlanRevision.id).order_by(PlanRevision.number))
        )
    assert [(n, name, float(b)) for n, name, b in rows] == [
        (1, "Ramadan reels", 1200.5),
        (2, "Eid reels", 2000.0),
    ]
    page = main(client.get(f"/plans/{plan_id}"))
    assert "Revision 2" in page and "Compare revisions" in page
    old = main(client.get(f"/plans/{plan_id}/revisions/{revision_ids[0]}"))
    assert "Ramadan reels" in old and "cannot be changed" in old
    diff = main(client.get(f"/plans/{plan_id}/compare?a={revision_ids[0]}&b={revision_ids[1]}"))
    assert "Campaign changed:" in diff
    assert "Ramadan reels" in diff and "Eid reels" in diff
    assert "1,200.5" in diff and "2,000" in diff


def test_campaign_errors_show_next_to_fields_and_save_nothing(alpha, login_as):
    client = login_as(alpha.team)
    plan_id = new_plan(client, alpha)
    before = counts(alpha.agency.id)
    resp = client.post(
        f"/plans/{plan_id}/campaigns/new",
        data=CAMPAIGN_FORM | {"end_date": "2027-02-01", "budget": "-3", "networks": []},
    )
    assert resp.status_code == 422
    page = main(resp)
    assert "The campaign cannot end before it starts." in page
    assert "The budget cannot be negative." in page
    assert "Choose at least one network." in page
    assert counts(alpha.agency.id) == before


def test_web_form_garbage_never_500s(alpha, login_as):
    client = login_as(alpha.team)
    plan_id = new_plan(client, alpha)
    before = counts(alpha.agency.id)
    for data in (
        CAMPAIGN_FORM | {"start_date": "soon", "kpi_target": "lots"},
        CAMPAIGN_FORM | {"kpi_target": "nan"},
        CAMPAIGN_FORM | {"kpi_target": "1e400"},
        CAMPAIGN_FORM | {"format": "hologram", "objective": "fame", "kpi": "vibes"},
        CAMPAIGN_FORM | {"networks": ["myspace"], "audience_id": "999"},
        CAMPAIGN_FORM | {"goal_ids": ["abc"]},
        CAMPAIGN_FORM | {"goal_ids": ["999999"]},
        CAMPAIGN_FORM | {"name": "x" * 500},
        CAMPAIGN_FORM | {"budget": "1e15"},
        {},
    ):
        resp = client.post(f"/plans/{plan_id}/campaigns/new", data=data)
        assert resp.status_code == 422, data
    assert counts(alpha.agency.id) == before
    bad_plan = client.post(
        f"/brands/{alpha.brand.id}/plans/new",
        data={"title": "", "period_start": "2027-05-01", "period_end": "2027-01-01"},
    )
    assert bad_plan.status_code == 422
    page = main(bad_plan)
    assert "Give the plan a title." in page and "The plan cannot end before it starts." in page
    assert counts(alpha.agency.id) == before


def test_removing_a_campaign_asks_first(alpha, login_as):
    client = login_as(alpha.owner)
    plan_id = new_plan(client, alpha)
    client.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    with tenant_scope(alpha.agency.id):
        campaign_id = db.session.scalar(select(Campaign.id))
    confirm = main(client.get(f"/plans/{plan_id}/campaigns/{campaign_id}/delete"))
    assert "Remove “Ramadan reels”?" in confirm
    assert counts(alpha.agency.id)["Campaign"] == 1
    resp = client.post(f"/plans/{plan_id}/campaigns/{campaign_id}/delete")
    assert resp.status_code == 302
    assert counts(alpha.agency.id)["Campaign"] == 0


def test_leader_gets_404_on_drafts_and_sees_approved_plans(alpha, login_as):
    client = login_as(alpha.owner)
    plan_id = new_plan(client, alpha)
    client.get("/logout")
    leader = login_as(alpha.leader)
    assert leader.get(f"/plans/{plan_id}").status_code == 404
    assert "Q2 plan" not in main(leader.get(f"/brands/{alpha.brand.id}/plans"))
    with tenant_scope(alpha.agency.id):
        db.session.scalar(select(Plan).where(Plan.id == plan_id)).status = "approved"
        db.session.commit()
    page = main(leader.get(f"/plans/{plan_id}"))
    assert "Approved" in page
    assert "Add a campaign" not in page and "Archive" not in page
    assert leader.get(f"/plans/{plan_id}/campaigns/new").status_code == 403
    assert leader.get(f"/brands/{alpha.brand.id}/plans/new").status_code == 403


def test_consultant_archives_and_team_cannot(alpha, login_as, client):
    owner = login_as(alpha.team)
    plan_id = new_plan(owner, alpha)
    assert client.post(f"/plans/{plan_id}/transition", data={"to": "archived"}).status_code == 403
    client.post("/logout")
    login_as(alpha.consultant)
    assert "Archive" in main(client.get(f"/plans/{plan_id}"))
    client.post(f"/plans/{plan_id}/transition", data={"to": "archived"})
    with tenant_scope(alpha.agency.id):
        assert db.session.scalar(select(Plan.status)) == "archived"
    page = main(client.get(f"/plans/{plan_id}"))
    assert "Archived" in page and "Add a campaign" not in page
    resp = client.get(f"/plans/{plan_id}/campaigns/new")
    assert resp.status_code == 302  # back to the plan, with the reason


def test_bravo_gets_404_on_alphas_plan_pages(alpha, bravo, login_as):
    client = login_as(alpha.owner)
    plan_id = new_plan(client, alpha)
    client.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    with tenant_scope(alpha.agency.id):
        campaign_id = db.session.scalar(select(Campaign.id))
        revision_id = db.session.scalar(select(PlanRevision.id))
    client.post("/logout")
    login_as(bravo.owner)
    for url in (
        f"/brands/{alpha.brand.id}/plans",
        f"/brands/{alpha.brand.id}/plans/new",
        f"/plans/{plan_id}",
        f"/plans/{plan_id}/revisions/{revision_id}",
        f"/plans/{plan_id}/compare?a={revision_id}&b={revision_id}",
        f"/plans/{plan_id}/campaigns/new",
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        f"/plans/{plan_id}/campaigns/{campaign_id}/delete",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/plans/{plan_id}/transition", data={"to": "archived"}).status_code == 404
    assert client.post(f"/plans/{plan_id}/campaigns/{campaign_id}/delete").status_code == 404
    assert counts(alpha.agency.id)["Campaign"] == 1


def test_a_campaign_of_another_revision_is_not_editable_here(alpha, login_as):
    client = login_as(alpha.owner)
    first = new_plan(client, alpha, "First")
    second = new_plan(client, alpha, "Second")
    client.post(f"/plans/{first}/campaigns/new", data=CAMPAIGN_FORM)
    with tenant_scope(alpha.agency.id):
        campaign_id = db.session.scalar(select(Campaign.id))
    assert client.get(f"/plans/{second}/campaigns/{campaign_id}/edit").status_code == 404


def test_ids_too_large_for_the_database_are_404_pages(alpha, login_as):
    client = login_as(alpha.owner)
    plan_id = new_plan(client, alpha)
    huge = 10**30
    assert client.get(f"/plans/{huge}").status_code == 404
    assert client.get(f"/brands/{huge}/plans").status_code == 404
    assert client.get(f"/plans/{plan_id}/revisions/{huge}").status_code == 404
    assert client.get(f"/plans/{plan_id}/compare?a={huge}&b=1").status_code == 404
    assert client.get(f"/plans/{plan_id}/campaigns/{huge}/edit").status_code == 404
