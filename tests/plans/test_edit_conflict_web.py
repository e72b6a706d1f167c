"""Two people editing the same plan at once, in the browser: the forms and buttons send the
plan's version back; a stale one brings the form back (409) with a clear message, the
person's input kept and both versions in view, never a silent overwrite."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Campaign, Plan
from saas.services import plans as plans_service
from tenants.context import system_scope, tenant_scope
from tests.factories import PASSWORD
from tests.plans.test_web import CAMPAIGN_FORM, main, new_plan

CONFLICT = "Someone else changed this plan while you were editing"


def person(app, membership):
    """A browser of its own, signed in (two people at once need two cookie jars)."""
    client = app.test_client()
    resp = client.post("/login", data={"email": membership.user.email, "password": PASSWORD})
    assert resp.status_code in (302, 303)
    return client


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def saved(world, plan_id):
    """(version, status, campaigns by name → id) as committed."""
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        plan = db.session.get(Plan, plan_id)
        current = plans_service.current_revision(plan)
        rows = db.session.execute(
            select(Campaign.name, Campaign.id).where(Campaign.revision_id == current.id)
        )
        return plan.version, plan.status, dict(rows.all())


def campaign_form(page: str, **changes) -> dict:
    """The form as the page shows it (hidden fields included), with ``changes`` typed in."""
    return {
        **CAMPAIGN_FORM,
        "version": hidden(page, "version"),
        "key": hidden(page, "key"),
        **changes,
    }


def test_the_forms_and_buttons_carry_the_plan_version(alpha, db_app):
    team = person(db_app, alpha.team)
    plan_id = new_plan(team, alpha)
    team.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    version, _status, campaigns = saved(alpha, plan_id)
    assert version == 2

    show = html.unescape(team.get(f"/plans/{plan_id}").get_data(as_text=True))
    submit = show[show.find(f'action="/plans/{plan_id}/transition"') :]
    assert hidden(submit, "version") == "2"
    edit = team.get(f"/plans/{plan_id}/campaigns/{campaigns['Ramadan reels']}/edit")
    assert hidden(main(edit), "version") == "2"
    remove = team.get(f"/plans/{plan_id}/campaigns/{campaigns['Ramadan reels']}/delete")
    assert hidden(main(remove), "version") == "2"
    assert hidden(main(team.get(f"/plans/{plan_id}/campaigns/new")), "version") == "2"


def test_a_stale_campaign_edit_comes_back_with_both_versions_and_nothing_overwritten(alpha, db_app):
    team = person(db_app, alpha.team)
    consultant = person(db_app, alpha.consultant)
    plan_id = new_plan(team, alpha)
    team.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    [campaign_id] = saved(alpha, plan_id)[2].values()

    # Both open the same campaign; the consultant saves first.
    mine = main(team.get(f"/plans/{plan_id}/campaigns/{campaign_id}/edit"))
    theirs = main(consultant.get(f"/plans/{plan_id}/campaigns/{campaign_id}/edit"))
    resp = consultant.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        data=campaign_form(theirs, name="Eid offers", budget="900"),
    )
    assert resp.status_code == 302
    after_consultant = saved(alpha, plan_id)

    resp = team.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        data=campaign_form(mine, name="Ramadan nights", kpi_target="6"),
    )

    assert resp.status_code == 409
    page = main(resp)
    assert CONFLICT in page
    assert "Someone else saved this plan after you opened it" in page
    assert 'value="Ramadan nights"' in page  # their input kept in the form
    assert "Your version (not saved)" in page and "Saved now" in page
    conflict = page[page.find(CONFLICT) : page.find("<form")]
    assert "Ramadan nights" in conflict and "Eid offers" in conflict  # both versions
    assert "Differs" in conflict
    assert saved(alpha, plan_id) == after_consultant  # nothing overwritten
    version, _status, campaigns = after_consultant
    assert hidden(page, "version") == str(version)

    # Saving again, with both in view, is a deliberate choice: it goes through.
    action = re.search(r'<form method="post" class="form card" novalidate action="([^"]+)"', page)
    assert action, "the form posts to the campaign as saved now"
    assert action.group(1) == f"/plans/{plan_id}/campaigns/{campaigns['Eid offers']}/edit"
    again = team.post(action.group(1), data=campaign_form(page, name="Ramadan nights"))
    assert again.status_code == 302
    assert list(saved(alpha, plan_id)[2]) == ["Ramadan nights"]


def test_a_stale_new_campaign_form_shows_the_saved_campaigns_beside_the_new_one(alpha, db_app):
    team = person(db_app, alpha.team)
    consultant = person(db_app, alpha.consultant)
    plan_id = new_plan(team, alpha)
    mine = main(team.get(f"/plans/{plan_id}/campaigns/new"))
    consultant.post(f"/plans/{plan_id}/campaigns/new", data={**CAMPAIGN_FORM, "name": "Eid"})

    resp = team.post(
        f"/plans/{plan_id}/campaigns/new", data=campaign_form(mine, name="Back to school")
    )

    assert resp.status_code == 409
    page = main(resp)
    mine_list = page[page.find("Your version (not saved)") : page.find('id="conflict-saved"')]
    start = page.find('id="conflict-saved"')
    saved_list = page[start : page.find("</section>", start)]
    assert "Back to school" in mine_list and "Eid" in mine_list  # theirs added to what is saved
    assert "Eid" in saved_list and "Back to school" not in saved_list
    assert list(saved(alpha, plan_id)[2]) == ["Eid"]

    again = team.post(f"/plans/{plan_id}/campaigns/new", data=campaign_form(page))
    assert again.status_code == 302
    assert sorted(saved(alpha, plan_id)[2]) == ["Eid", "Ramadan reels"]


def test_editing_a_campaign_someone_removed_meanwhile_keeps_the_input(alpha, db_app):
    team = person(db_app, alpha.team)
    consultant = person(db_app, alpha.consultant)
    plan_id = new_plan(team, alpha)
    team.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    [campaign_id] = saved(alpha, plan_id)[2].values()
    mine = main(team.get(f"/plans/{plan_id}/campaigns/{campaign_id}/edit"))
    consultant.post(f"/plans/{plan_id}/campaigns/{campaign_id}/delete", data={})

    resp = team.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        data=campaign_form(mine, name="Kept input"),
    )

    assert resp.status_code == 409
    page = main(resp)
    assert "no longer in the saved plan" in page
    assert 'value="Kept input"' in page
    assert f'action="/plans/{plan_id}/campaigns/new"' in page
    assert saved(alpha, plan_id)[2] == {}


def test_a_stale_removal_asks_again_and_removes_nothing(alpha, db_app):
    team = person(db_app, alpha.team)
    consultant = person(db_app, alpha.consultant)
    plan_id = new_plan(team, alpha)
    team.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    [campaign_id] = saved(alpha, plan_id)[2].values()
    confirm = main(team.get(f"/plans/{plan_id}/campaigns/{campaign_id}/delete"))
    edit = main(consultant.get(f"/plans/{plan_id}/campaigns/{campaign_id}/edit"))
    consultant.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/edit",
        data=campaign_form(edit, name="Renamed meanwhile"),
    )

    resp = team.post(
        f"/plans/{plan_id}/campaigns/{campaign_id}/delete",
        data={"version": hidden(confirm, "version"), "key": hidden(confirm, "key")},
    )

    assert resp.status_code == 409
    page = main(resp)
    assert CONFLICT in page and "Nothing was removed" in page
    assert "Remove “Renamed meanwhile”?" in page  # the campaign as saved now
    version, _status, campaigns = saved(alpha, plan_id)
    assert list(campaigns) == ["Renamed meanwhile"]
    action = re.search(r'<form method="post" class="actions" action="([^"]+)"', page).group(1)
    again = team.post(action, data={"version": hidden(page, "version"), "key": hidden(page, "key")})
    assert again.status_code == 302
    assert saved(alpha, plan_id)[2] == {}
    assert saved(alpha, plan_id)[0] == version + 1


def test_a_stale_transition_button_changes_nothing_and_says_what_happened(alpha, db_app):
    team = person(db_app, alpha.team)
    consultant = person(db_app, alpha.consultant)
    plan_id = new_plan(team, alpha)
    team.post(f"/plans/{plan_id}/campaigns/new", data=CAMPAIGN_FORM)
    show = html.unescape(team.get(f"/plans/{plan_id}").get_data(as_text=True))
    stale = hidden(show[show.find(f'action="/plans/{plan_id}/transition"') :], "version")
    consultant.post(
        f"/plans/{plan_id}/campaigns/new", data={**CAMPAIGN_FORM, "name": "Added meanwhile"}
    )

    resp = team.post(
        f"/plans/{plan_id}/transition",
        data={"to": "submitted", "version": stale},
        follow_redirects=True,
    )

    page = main(resp)
    assert "Someone else changed this plan after you opened it" in page
    assert "“Draft”" in page and "Submit" in page  # what is saved now, what they asked
    assert "Added meanwhile" in page  # the plan page shows the saved plan
    version, status, _campaigns = saved(alpha, plan_id)
    assert status == "draft"

    fresh = team.post(f"/plans/{plan_id}/transition", data={"to": "submitted", "version": version})
    assert fresh.status_code == 302
    assert saved(alpha, plan_id)[1] == "submitted"


@pytest.mark.browser
def test_two_people_in_real_browsers_see_the_conflict_in_arabic_on_a_phone(
    browser, live_server, shot, alpha, api
):
    """CSRF on, the real forms: the hidden version is what the browser sends back."""
    from tests.plans.conftest import campaign_body, plan_body
    from tests.plans.test_browser import sign_in

    created = api(alpha.tokens["team"]).post(
        f"/api/v1/brands/{alpha.brand.id}/plans", json=plan_body([campaign_body()])
    )
    plan_id = created.get_json()["id"]
    campaign_id = created.get_json()["campaigns"][0]["id"]
    with system_scope():
        alpha.team.user.locale = "ar"
        db.session.merge(alpha.team.user)
        db.session.commit()
    edit_url = f"{live_server}/plans/{plan_id}/campaigns/{campaign_id}/edit"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    mine, theirs = phone.new_page(), desk.new_page()
    sign_in(mine, live_server, alpha.team.user.email)
    sign_in(theirs, live_server, alpha.consultant.user.email)
    mine.goto(edit_url)
    theirs.goto(edit_url)

    theirs.locator("#name").fill("Eid offers")
    theirs.locator("main form button[type=submit]").click()
    theirs.wait_for_url(f"{live_server}/plans/{plan_id}")

    mine.locator("#name").fill("ليالي رمضان")
    mine.locator("main form.form button[type=submit]").click()
    mine.wait_for_load_state()

    assert mine.locator("html").get_attribute("dir") == "rtl"
    alert = mine.locator("section.conflict")
    assert "غيّر شخص آخر هذه الخطة أثناء تعديلك لها" in alert.inner_text()
    assert "Eid offers" in alert.inner_text() and "ليالي رمضان" in alert.inner_text()
    assert mine.locator("#name").input_value() == "ليالي رمضان"
    width = mine.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the conflict page scrolls sideways on a phone ({width}px)"
    shot(mine, "plans-05-edit-conflict-phone-ar")
    assert list(saved(alpha, plan_id)[2]) == ["Eid offers"]

    mine.locator("main form.form button[type=submit]").click()  # a deliberate save
    mine.wait_for_url(f"{live_server}/plans/{plan_id}")
    assert list(saved(alpha, plan_id)[2]) == ["ليالي رمضان"]
    for c in (phone, desk):
        c.close()
