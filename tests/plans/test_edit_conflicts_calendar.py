"""Two people editing the same plan's calendar (or importing into it) at once: every form
sends the plan's version back; a stale one gets the conflict view with both versions (409),
the first save stays as it was, and saving again is a deliberate choice."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import select

from saas.extensions import db
from saas.models import CalendarItem, Plan
from saas.services import plans as plans_service
from tenants.context import tenant_scope
from tests.calendar.conftest import content, make_plan
from tests.plans.test_edit_conflict_web import CONFLICT, hidden, person


def page_of(resp) -> str:
    page = html.unescape(resp.get_data(as_text=True))
    return page[page.find("<main") : page.find("</main>")]


def items(world) -> list[tuple[int, str | None, str | None]]:
    """(id, pillar, brief) of the current revision's items, in the plan's order."""
    db.session.expire_all()
    with tenant_scope(world.agency_id):
        plan = db.session.get(Plan, world.plan_id)
        current = plans_service.current_revision(plan)
        rows = db.session.execute(
            select(CalendarItem.id, CalendarItem.pillar, CalendarItem.brief)
            .where(CalendarItem.revision_id == current.id)
            .order_by(CalendarItem.id)
        )
        return [tuple(r) for r in rows]


def version_of(world) -> int:
    db.session.expire_all()
    with tenant_scope(world.agency_id):
        return db.session.get(Plan, world.plan_id).version


def item_id(world, pillar: str) -> int:
    return next(i for i, p, _b in items(world) if p == pillar)


def form_of(page: str, **values) -> dict:
    """The item form as the page shows it: its hidden fields, and ``values`` typed in."""
    data = {
        "version": hidden(page, "version"),
        "date": "2027-03-03",
        "campaign_key": "spring",
        "network": "instagram",
        "format": "short_video",
        "pillar": "Product",
        "brief": "Unboxing, 15 seconds",
        "status": "approved",
    }
    if 'name="ref"' in page:
        data["ref"] = hidden(page, "ref")
    return data | values


def test_every_calendar_form_and_the_import_carry_the_plan_version(alpha, db_app):
    world = make_plan(alpha)
    team = person(db_app, alpha.team)
    version = str(version_of(world))
    product = item_id(world, "Product")
    base = f"/plans/{world.plan_id}/calendar"
    for url in (
        f"{base}/new",
        f"{base}/edit?item={product}",
        f"{base}/move?item={product}",
        f"{base}/delete?item={product}",
        f"/plans/{world.plan_id}/import",
    ):
        assert hidden(page_of(team.get(url)), "version") == version, url
    assert re.fullmatch(
        r"0:[0-9a-f]{16}", hidden(page_of(team.get(f"{base}/edit?item={product}")), "ref")
    )


def test_a_stale_item_edit_shows_both_versions_and_keeps_the_first_save(alpha, db_app):
    world = make_plan(alpha)
    team, consultant = person(db_app, alpha.team), person(db_app, alpha.consultant)
    url = f"/plans/{world.plan_id}/calendar/edit?item={item_id(world, 'Product')}"
    mine, theirs = page_of(team.get(url)), page_of(consultant.get(url))

    first = consultant.post(url, data=form_of(theirs, brief="Unboxing, 30 seconds"))
    assert first.status_code == 303
    after_first = items(world)

    resp = team.post(url, data=form_of(mine, brief="Unboxing with a discount code"))

    assert resp.status_code == 409
    page = page_of(resp)
    assert CONFLICT in page and "Someone else saved this plan after you opened it" in page
    assert "Unboxing with a discount code" in page  # their input kept
    conflict = page[page.find(CONFLICT) : page.find('<form method="post" class="form card"')]
    assert "Your version (not saved)" in conflict and "Saved now" in conflict
    assert "Unboxing, 30 seconds" in conflict and "Unboxing with a discount code" in conflict
    assert "Differs" in conflict
    assert "changed or removed by someone else" in conflict
    assert items(world) == after_first  # the first save stands, nothing overwritten
    assert hidden(page, "version") == str(version_of(world))

    # Saving again with both in view adds theirs as a new item; the saved one stays.
    action = re.search(r'class="form card" novalidate action="([^"]+)"', page)
    assert action and action.group(1).startswith(f"/plans/{world.plan_id}/calendar/new")
    again = team.post(action.group(1), data=form_of(page, brief="Unboxing with a discount code"))
    assert again.status_code == 303
    briefs = [b for _i, _p, b in items(world)]
    assert "Unboxing, 30 seconds" in briefs and "Unboxing with a discount code" in briefs


def test_a_stale_new_item_is_refused_with_the_saved_items_of_that_day(alpha, db_app):
    world = make_plan(alpha)
    team, consultant = person(db_app, alpha.team), person(db_app, alpha.consultant)
    url = f"/plans/{world.plan_id}/calendar/new"
    mine, theirs = page_of(team.get(url)), page_of(consultant.get(url))
    assert consultant.post(url, data=form_of(theirs, pillar="Theirs")).status_code == 303
    after_first = items(world)

    resp = team.post(url, data=form_of(mine, pillar="Mine"))

    assert resp.status_code == 409
    page = page_of(resp)
    assert CONFLICT in page and "Saved now on this day" in page
    assert "Theirs" in page[page.find(CONFLICT) : page.find('<form method="post"')]
    assert items(world) == after_first
    assert [p for _i, p, _b in items(world)].count("Mine") == 0


def test_a_stale_move_and_a_stale_delete_change_nothing(alpha, db_app):
    world = make_plan(alpha)
    team, consultant = person(db_app, alpha.team), person(db_app, alpha.consultant)
    product = item_id(world, "Product")
    move_url = f"/plans/{world.plan_id}/calendar/move?item={product}"
    delete_url = f"/plans/{world.plan_id}/calendar/delete?item={product}"
    move_page, delete_page = page_of(team.get(move_url)), page_of(team.get(delete_url))
    # Meanwhile the consultant adds an item: every item gets a new id and the version moves.
    new = page_of(consultant.get(f"/plans/{world.plan_id}/calendar/new"))
    add = consultant.post(f"/plans/{world.plan_id}/calendar/new", data=form_of(new, pillar="X"))
    assert add.status_code == 303
    after_first = items(world)

    moved = team.post(
        move_url,
        data={
            "version": hidden(move_page, "version"),
            "ref": hidden(move_page, "ref"),
            "date": "2027-03-25",
        },
    )
    assert moved.status_code == 409 and CONFLICT in page_of(moved)
    assert items(world) == after_first
    _campaigns, calendar, _n = content(world)
    assert any(i.pillar == "Product" and str(i.date) == "2027-03-03" for i in calendar)

    deleted = team.post(
        delete_url,
        data={"version": hidden(delete_page, "version"), "ref": hidden(delete_page, "ref")},
    )
    assert deleted.status_code == 409
    page = page_of(deleted)
    assert CONFLICT in page
    assert items(world) == after_first  # still there

    # The item itself is unchanged, so the page offers to delete it as saved now.
    action = re.search(r'<form method="post" class="actions" action="([^"]+)"', page)
    assert action and f"item={item_id(world, 'Product')}" in action.group(1)
    again = team.post(
        action.group(1), data={"version": hidden(page, "version"), "ref": hidden(page, "ref")}
    )
    assert again.status_code == 303
    assert "Product" not in [p for _i, p, _b in items(world)]


def test_a_stale_csv_import_shows_the_file_beside_the_saved_plan(alpha, db_app):
    world = make_plan(alpha)
    team, consultant = person(db_app, alpha.team), person(db_app, alpha.consultant)
    mine = page_of(team.get(f"/plans/{world.plan_id}/import"))
    new = page_of(consultant.get(f"/plans/{world.plan_id}/calendar/new"))
    add = consultant.post(
        f"/plans/{world.plan_id}/calendar/new", data=form_of(new, pillar="Theirs")
    )
    assert add.status_code == 303
    after_first = items(world)

    csv = b"date,network,format,pillar\n2027-03-05,instagram,post,From the file\n"
    resp = team.post(
        f"/plans/{world.plan_id}/import",
        data={
            "version": hidden(mine, "version"),
            "kind": "calendar",
            "file": (io.BytesIO(csv), "calendar.csv"),
        },
        content_type="multipart/form-data",
    )

    assert resp.status_code == 409
    page = page_of(resp)
    assert CONFLICT in page and "Your file (not saved)" in page
    assert "From the file" in page and "Theirs" in page  # both versions
    assert items(world) == after_first
    assert hidden(page, "version") == str(version_of(world))

    # Importing again with the saved version in view is a deliberate choice: it goes through.
    again = team.post(
        f"/plans/{world.plan_id}/import",
        data={
            "version": hidden(page, "version"),
            "kind": "calendar",
            "file": (io.BytesIO(csv), "calendar.csv"),
        },
        content_type="multipart/form-data",
    )
    assert again.status_code == 303
    assert [p for _i, p, _b in items(world)] == ["From the file"]


def test_an_api_save_with_an_old_version_is_a_409_and_keeps_the_first(alpha, api, db_app):
    world = make_plan(alpha)
    client = api(alpha.tokens["team"])
    plan = client.get(f"/api/v1/plans/{world.plan_id}").get_json()
    body = {"campaigns": [], "calendar": [], "version": plan["version"]}
    web = person(db_app, alpha.consultant)
    new = page_of(web.get(f"/plans/{world.plan_id}/calendar/new"))
    assert (
        web.post(
            f"/plans/{world.plan_id}/calendar/new", data=form_of(new, pillar="Web")
        ).status_code
        == 303
    )
    after_first = items(world)

    resp = client.post(f"/api/v1/plans/{world.plan_id}/revisions", json=body)

    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "edit_conflict"
    assert resp.get_json()["error"]["current_version"] == version_of(world)
    assert items(world) == after_first


def test_another_agency_cannot_reach_the_calendar_forms_even_with_a_version(alpha, bravo, db_app):
    world = make_plan(alpha)
    stranger = person(db_app, bravo.team)
    product = item_id(world, "Product")
    version = str(version_of(world))
    base = f"/plans/{world.plan_id}/calendar"
    for url in (f"{base}/new", f"{base}/edit?item={product}", f"{base}/delete?item={product}"):
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, data={"version": "1", "pillar": "x"}).status_code == 404
    # A stale version does not turn "not found" into a conflict page about their plan.
    stale = {"version": "0", "date": "2027-03-03", "network": "x", "format": "post"}
    resp = stranger.post(f"{base}/edit?item={product}", data=stale)
    assert resp.status_code == 404
    assert (
        stranger.post(f"/plans/{world.plan_id}/import", data={"version": version}).status_code
        == 404
    )
    assert version_of(world) == int(version)
