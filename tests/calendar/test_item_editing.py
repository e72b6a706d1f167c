"""Adding, editing, moving and deleting calendar items on the month view, through HTTP.

Every edit goes through the plans service's ``save_revision``, so it lands in the plan's
working draft like a campaign edit does.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from tenants.context import tenant_scope
from tests.calendar.conftest import content, make_plan
from tests.calendar.test_month_view import day_cells

MONTH = "2027-03"


def _month(client, world, month: str = MONTH) -> str:
    resp = client.get(f"/brands/{world.brand_id}/calendar?month={month}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _item_id(world, pillar: str) -> int:
    """The row id of the current revision's item with this pillar."""
    from saas.models import CalendarItem, Plan
    from saas.services import plans

    with tenant_scope(world.agency_id):
        plan = db.session.scalar(
            select(Plan).where(Plan.id == world.plan_id).execution_options(populate_existing=True)
        )
        revision = plans.current_revision(plan)
        return db.session.scalar(
            select(CalendarItem.id).where(
                CalendarItem.revision_id == revision.id, CalendarItem.pillar == pillar
            )
        )


def _new_item(**overrides) -> dict[str, str]:
    form = {
        "date": "2027-03-20",
        "campaign_key": "spring",
        "network": "tiktok",
        "format": "short_video",
        "pillar": "Launch teaser",
        "brief": "First look at the spring range\nwith a countdown",
        "status": "planned",
    }
    form.update(overrides)
    return form


def test_the_month_view_offers_add_and_item_links_to_drafters(plan_world, alpha, login_as):
    page = _month(login_as(alpha.team), plan_world)
    assert f"/plans/{plan_world.plan_id}/calendar/new?date=2027-03-01" in page
    assert "Add a calendar item" in page
    cells = day_cells(page)
    assert f"/plans/{plan_world.plan_id}/calendar/new?date=2027-03-17" in cells[17]
    item = _item_id(plan_world, "Product")
    assert f"/plans/{plan_world.plan_id}/calendar/edit?item={item}&amp;month=2027-03" in cells[3]
    assert f"/calendar/move?item={item}" in cells[3]
    assert f"/calendar/delete?item={item}" in cells[3]


def test_add_an_item_and_see_it_on_its_day(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    form_page = client.get(
        f"/plans/{plan_world.plan_id}/calendar/new?date=2027-03-20&month=2027-03"
    )
    assert form_page.status_code == 200
    html = form_page.get_data(as_text=True)
    # The campaign is chosen by name from the plan's campaigns; the key is only the value.
    assert re.search(r'<select[^>]*name="campaign_key"', html)
    assert '<option value="spring">Spring launch</option>' in html
    assert '<option value="ramadan">حملة رمضان</option>' in html
    assert 'value="2027-03-20"' in html
    assert '<option value="tiktok">TikTok</option>' in html

    resp = client.post(f"/plans/{plan_world.plan_id}/calendar/new?month=2027-03", data=_new_item())
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(
        f"/brands/{plan_world.brand_id}/calendar?month=2027-03"
    )
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Calendar item added on March 20, 2027." in page
    cell = day_cells(page)[20]
    assert "Launch teaser" in cell and "TikTok" in cell and "Spring launch" in cell
    _campaigns, calendar, number = content(plan_world)
    assert number == 1 and len(calendar) == 5
    added = next(i for i in calendar if i.pillar == "Launch teaser")
    assert added.campaign_key == "spring"
    assert added.brief == "First look at the spring range\nwith a countdown"


def test_edit_an_item(plan_world, alpha, login_as):
    client = login_as(alpha.consultant)
    item = _item_id(plan_world, "Product")
    url = f"/plans/{plan_world.plan_id}/calendar/edit?item={item}&month=2027-03"
    html = client.get(url).get_data(as_text=True)
    assert 'value="2027-03-03"' in html and 'value="Product"' in html
    assert '<option selected value="spring">Spring launch</option>' in html
    resp = client.post(
        url,
        data=_new_item(
            date="2027-03-03",
            campaign_key="",
            pillar="Product",
            network="facebook",
            format="carousel",
            brief="Ten photos",
            status="drafted",
        ),
    )
    assert resp.status_code == 303
    _campaigns, calendar, _number = content(plan_world)
    edited = next(i for i in calendar if i.pillar == "Product")
    assert (edited.network, edited.format, edited.brief, edited.status, edited.campaign_key) == (
        "facebook",
        "carousel",
        "Ten photos",
        "drafted",
        None,
    )
    assert len(calendar) == 4
    cell = day_cells(_month(client, plan_world))[3]
    assert "Facebook" in cell and "Drafted" in cell and "Spring launch" not in cell


def test_move_an_item_to_another_date(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    item = _item_id(plan_world, "Product")
    url = f"/plans/{plan_world.plan_id}/calendar/move?item={item}&month=2027-03"
    html = client.get(url).get_data(as_text=True)
    assert "Move calendar item" in html and 'value="2027-03-03"' in html
    resp = client.post(url, data={"date": "2027-04-15"})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("calendar?month=2027-03")  # back to the same month
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Calendar item moved to April 15, 2027." in page
    assert "Product" not in day_cells(page)[3]
    april = day_cells(_month(client, plan_world, "2027-04"))
    assert "Product" in april[15] and "Spring launch" in april[15]
    _campaigns, calendar, _number = content(plan_world)
    moved = next(i for i in calendar if i.pillar == "Product")
    assert str(moved.date) == "2027-04-15" and moved.status == "approved"


def test_delete_asks_first_then_deletes(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    item = _item_id(plan_world, "Product")
    url = f"/plans/{plan_world.plan_id}/calendar/delete?item={item}&month=2027-03"
    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Delete this calendar item?" in html and "Spring launch" in html
    assert '<form method="post"' in html
    assert len(content(plan_world)[1]) == 4  # asking deleted nothing
    resp = client.post(url, data={})
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Calendar item of March 3, 2027 deleted." in page
    assert "Product" not in day_cells(page)[3]
    assert len(content(plan_world)[1]) == 3


def test_validation_errors_show_next_to_fields_and_keep_what_was_typed(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    url = f"/plans/{plan_world.plan_id}/calendar/new?month=2027-03"
    resp = client.post(
        url, data=_new_item(date="", network="myspace", pillar="Keep me", brief="Still here")
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert re.search(r'<p class="error" id="date-error">Enter the date.</p>', html)
    resp = client.post(url, data=_new_item(network="myspace", pillar="Keep me", brief="Still here"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert re.search(r'id="network-error">Choose a network from the list.</p>', html)
    assert 'value="Keep me"' in html and "Still here</textarea>" in html
    assert '<option selected value="spring">' in html
    resp = client.post(url, data=_new_item(pillar="x" * 500))
    assert resp.status_code == 422
    assert 'id="pillar-error"' in resp.get_data(as_text=True)
    resp = client.post(url, data=_new_item(campaign_key="nope"))
    assert resp.status_code == 422
    assert 'id="campaign_key-error">No campaign in this plan has this key.' in resp.get_data(
        as_text=True
    )
    assert len(content(plan_world)[1]) == 4  # nothing saved


def test_another_tenants_plan_or_item_is_404(plan_world, alpha, bravo, login_as):
    item = _item_id(plan_world, "Product")
    client = login_as(bravo.owner)
    for path in (
        f"/plans/{plan_world.plan_id}/calendar/new",
        f"/plans/{plan_world.plan_id}/calendar/edit?item={item}",
        f"/plans/{plan_world.plan_id}/calendar/move?item={item}",
        f"/plans/{plan_world.plan_id}/calendar/delete?item={item}",
        f"/brands/{plan_world.brand_id}/calendar/new",
    ):
        assert client.get(path).status_code == 404, path
        if "/plans/" in path:
            assert client.post(path, data=_new_item()).status_code == 404, path
    # Bravo's own plan does not reach Alpha's item either.
    bravo_world = make_plan(bravo)
    for action in ("edit", "move", "delete"):
        path = f"/plans/{bravo_world.plan_id}/calendar/{action}?item={item}"
        assert client.get(path).status_code == 404
        assert client.post(path, data=_new_item()).status_code == 404
    assert len(content(plan_world)[1]) == 4


def test_an_unknown_or_malformed_item_is_404(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    for item in ("999999", "abc", "", "99999999999999999999"):
        assert (
            client.get(f"/plans/{plan_world.plan_id}/calendar/edit?item={item}").status_code == 404
        )


def test_leader_cannot_edit(alpha, login_as):
    world = make_plan(alpha, status="approved")
    item = _item_id(world, "Product")
    client = login_as(alpha.leader)
    page = _month(client, world)
    assert "Product" in page  # she sees the approved plan's calendar
    assert "/calendar/new" not in page and "/calendar/edit" not in page
    for path in (
        f"/plans/{world.plan_id}/calendar/new",
        f"/plans/{world.plan_id}/calendar/edit?item={item}",
        f"/plans/{world.plan_id}/calendar/move?item={item}",
        f"/plans/{world.plan_id}/calendar/delete?item={item}",
        f"/brands/{world.brand_id}/calendar/new",
    ):
        assert client.get(path).status_code == 403, path
        if "/plans/" in path:
            assert client.post(path, data=_new_item()).status_code == 403, path
    assert len(content(world)[1]) == 4


def test_a_plan_in_review_shows_no_edit_links_and_refuses_changes(alpha, login_as):
    world = make_plan(alpha, status="in_review")
    item = _item_id(world, "Product")
    client = login_as(alpha.team)
    page = _month(client, world)
    assert "Product" in page and "/calendar/edit" not in page and "/calendar/new" not in page
    resp = client.post(
        f"/plans/{world.plan_id}/calendar/move?item={item}", data={"date": "2027-03-09"}
    )
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "cannot be changed" in page
    assert str(next(i for i in content(world)[1] if i.pillar == "Product").date) == "2027-03-03"


def test_edits_after_changes_requested_go_into_one_draft(alpha, login_as):
    """Three calendar changes after "changes requested" make one new revision, not three."""
    world = make_plan(alpha, status="changes_requested")
    client = login_as(alpha.team)
    base = f"/plans/{world.plan_id}/calendar"
    assert client.post(f"{base}/new", data=_new_item()).status_code == 303
    item = _item_id(world, "Launch teaser")
    assert client.post(f"{base}/move?item={item}", data={"date": "2027-03-21"}).status_code == 303
    item = _item_id(world, "Community")
    assert client.post(f"{base}/delete?item={item}", data={}).status_code == 303
    _campaigns, calendar, number = content(world)
    assert number == 2
    assert {i.pillar for i in calendar} == {"Product", "روحانيات", None, "Launch teaser"}
    assert len(content(world, 1)[1]) == 4  # the reviewed revision is untouched


def test_with_several_plans_add_asks_which_plan(alpha, login_as):
    first = make_plan(alpha)
    second = make_plan(alpha)
    client = login_as(alpha.owner)
    page = _month(client, first)
    assert f"/brands/{alpha.brand.id}/calendar/new?date=2027-03-01&amp;month=2027-03" in page
    resp = client.get(f"/brands/{alpha.brand.id}/calendar/new?date=2027-03-05&month=2027-03")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Which plan is the item part of?" in html
    assert f'<option value="{second.plan_id}">' in html
    resp = client.get(
        f"/brands/{alpha.brand.id}/calendar/new?date=2027-03-05&month=2027-03&to={second.plan_id}"
    )
    assert resp.status_code == 302
    assert f"/plans/{second.plan_id}/calendar/new?date=2027-03-05" in resp.headers["Location"]
    # With the plan filter set, "add" goes straight to that plan.
    page = client.get(
        f"/brands/{alpha.brand.id}/calendar?month=2027-03&plan={first.plan_id}"
    ).get_data(as_text=True)
    assert f"/plans/{first.plan_id}/calendar/new?date=2027-03-01" in page


def test_list_view_shows_days_with_their_items(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    page = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-03&view=list").get_data(
        as_text=True
    )
    assert "calendar-grid" not in page
    assert 'class="calendar-agenda calendar-agenda-only"' in page
    assert "Wednesday, March 3, 2027" in page and "Product" in page
    assert 'href="/static/calendar.css"' in page
    # The layout survives month navigation and a round trip through an edit.
    assert "calendar?month=2027-04&amp;view=list" in page
    item = _item_id(plan_world, "Product")
    url = f"/plans/{plan_world.plan_id}/calendar/move?item={item}&month=2027-03&view=list"
    assert f"move?item={item}&amp;month=2027-03&amp;view=list" in page
    resp = client.post(url, data={"date": "2027-03-04"})
    assert resp.headers["Location"].endswith("calendar?month=2027-03&view=list")


def test_the_pages_render_in_arabic(plan_world, alpha, login_as):
    from saas.models import User

    with tenant_scope(alpha.agency.id):
        user = db.session.scalar(select(User).where(User.id == alpha.team.user_id))
        user.locale = "ar"
        db.session.commit()
    client = login_as(alpha.team)
    page = _month(client, plan_world)
    assert '<html lang="ar" dir="rtl">' in page
    assert "إضافة عنصر إلى الروزنامة" in page
    item = _item_id(plan_world, "Product")
    for path, words in (
        (f"/plans/{plan_world.plan_id}/calendar/new", "الحملة"),
        (f"/plans/{plan_world.plan_id}/calendar/edit?item={item}", "تعديل عنصر الروزنامة"),
        (f"/plans/{plan_world.plan_id}/calendar/move?item={item}", "نقل عنصر الروزنامة"),
        (f"/plans/{plan_world.plan_id}/calendar/delete?item={item}", "حذف عنصر الروزنامة؟"),
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        html = resp.get_data(as_text=True)
        assert 'lang="ar" dir="rtl"' in html and words in html, path
    resp = client.post(f"/plans/{plan_world.plan_id}/calendar/new", data=_new_item(date=""))
    assert "أدخل التاريخ." in resp.get_data(as_text=True)
