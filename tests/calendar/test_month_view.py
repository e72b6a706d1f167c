"""The content calendar month view: items on their days, navigation, scope and cost."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from saas.extensions import db
from tenants.context import tenant_scope
from tests.calendar.conftest import make_plan

CELL = re.compile(r'<td class="calendar-day([^"]*)"[^>]*>(.*?)</td>', re.S)
DAY = re.compile(r'<span aria-hidden="true">(\d+)</span>')


def day_cells(page: str) -> dict[int, str]:
    """Day of the month → the HTML of its grid cell (days of other months left out)."""
    cells = {}
    for classes, body in CELL.findall(page):
        if "calendar-outside" in classes:
            continue
        found = DAY.search(body)
        if found:
            cells[int(found[1])] = body
    return cells


def test_items_appear_on_their_days(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    resp = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-03")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "March 2027" in page
    cells = day_cells(page)
    assert len(cells) == 31
    assert "Reel or short video" in cells[3] and "Product" in cells[3] and "Approved" in cells[3]
    assert "Spring launch" in cells[3]
    assert "Snapchat" in cells[12] and "روحانيات" in cells[12] and "Planned" in cells[12]
    assert "X" in cells[12] and "Scheduled" in cells[12]
    assert all("calendar-item" not in cells[d] for d in cells if d not in (3, 12))
    # The April item is not in March; the agenda lists only days with content.
    assert "Community" not in page
    agenda = page.split('class="calendar-agenda"', 1)[1]
    assert agenda.count("<h2>") == 2
    assert "Wednesday, March 3, 2027" in agenda


def test_previous_and_next_month_links(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    page = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-01").get_data(as_text=True)
    assert f'href="/brands/{alpha.brand.id}/calendar?month=2026-12"' in page
    assert f'href="/brands/{alpha.brand.id}/calendar?month=2027-02"' in page
    assert 'class="icon-dir"' in page
    april = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-04").get_data(as_text=True)
    assert "Community" in day_cells(april)[2]


def test_an_empty_month_teaches_what_the_calendar_is_for(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    page = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-08").get_data(as_text=True)
    assert "Nothing planned for August 2027" in page
    assert 'class="empty-state"' in page
    assert "calendar-grid" not in page


def test_a_brand_without_plans_explains_where_items_come_from(alpha, login_as):
    client = login_as(alpha.owner)
    page = client.get(f"/brands/{alpha.brand.id}/calendar").get_data(as_text=True)
    assert "No plans to show yet" in page


def test_bad_month_values_fall_back_to_this_month(alpha, login_as):
    client = login_as(alpha.owner)
    this_month = date.today().replace(day=1)
    for value in ("2027-13", "nonsense", "99999-01", "0001-01"):
        resp = client.get(f"/brands/{alpha.brand.id}/calendar?month={value}")
        assert resp.status_code == 200
        assert this_month.strftime("%B %Y") in resp.get_data(as_text=True)


def test_today_is_highlighted(alpha, login_as):
    client = login_as(alpha.owner)
    page = client.get(f"/brands/{alpha.brand.id}/calendar").get_data(as_text=True)
    # The grid shows only with content; an empty month has no cells to mark.
    assert "calendar-today" not in page
    world = make_plan(alpha, brand=alpha.other_brand)
    from saas.models import CalendarItem, PlanRevision

    today = date.today()
    with tenant_scope(alpha.agency.id):
        rev = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == world.plan_id))
        db.session.add(
            CalendarItem(
                brand_id=world.brand_id, revision_id=rev.id, date=today, network="x", format="post"
            )
        )
        db.session.commit()
    page = client.get(f"/brands/{alpha.other_brand.id}/calendar").get_data(as_text=True)
    today_cell = re.search(
        r'<td class="calendar-day[^"]*calendar-today"[^>]*>(.*?)</td>', page, re.S
    )
    assert today_cell and 'aria-current="date"' in page
    assert f'<span aria-hidden="true">{today.day}</span>' in today_cell[1]


def test_weeks_start_on_the_readers_first_day(plan_world, alpha, login_as):
    client = login_as(alpha.team)
    page = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-03").get_data(as_text=True)
    assert re.search(r'<th scope="col"><abbr title="Sunday">Sun</abbr></th>', page)
    assert page.index('title="Sunday"') < page.index('title="Monday"')
    with tenant_scope(alpha.agency.id):
        from saas.models import User

        user = db.session.scalar(select(User).where(User.id == alpha.team.user_id))
        user.locale = "ar"
        db.session.commit()
    page = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-03").get_data(as_text=True)
    assert 'dir="rtl"' in page
    headers = re.findall(r'<th scope="col"><abbr title="([^"]+)">', page)
    assert headers[0] == "السبت"  # Saturday
    assert "مارس 2027" in page


def test_only_the_current_revision_of_live_plans_is_shown(alpha, login_as):
    from saas.models import Plan
    from saas.services import plans

    world = make_plan(alpha, status="submitted")
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == world.plan_id))
        rev = plans.load_revision(plans.current_revision(plan).id)
        campaigns, calendar = plans.revision_data(rev)
        calendar[0].pillar = "Revised pillar"
        plans.save_revision(plan, campaigns=campaigns, calendar=calendar, author=alpha.team.user)
    client = login_as(alpha.team)
    url = f"/brands/{alpha.brand.id}/calendar?month=2027-03"
    cells = day_cells(client.get(url).get_data(as_text=True))
    assert "Revised pillar" in cells[3] and "Product" not in cells[3]
    assert cells[3].count("calendar-item ") == 1
    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == world.plan_id))
        plan.status = "archived"
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "calendar-item" not in page and "No plans to show yet" in page


def test_client_leader_sees_only_approved_plans(alpha, login_as):
    make_plan(alpha)  # a draft
    client = login_as(alpha.leader)
    url = f"/brands/{alpha.brand.id}/calendar?month=2027-03"
    page = client.get(url).get_data(as_text=True)
    assert "Spring launch" not in page and "No plans to show yet" in page
    from saas.models import Plan

    with tenant_scope(alpha.agency.id):
        for plan in db.session.scalars(select(Plan)):
            plan.status = "approved"
        db.session.commit()
    assert "Spring launch" in client.get(url).get_data(as_text=True)


def test_plan_filter_narrows_to_one_plan(alpha, login_as):
    first = make_plan(alpha)
    from saas.models import Plan

    with tenant_scope(alpha.agency.id):
        plan = db.session.scalar(select(Plan).where(Plan.id == first.plan_id))
        plan.title = "Older plan"
        db.session.commit()
    second = make_plan(alpha)
    client = login_as(alpha.owner)
    base = f"/brands/{alpha.brand.id}/calendar?month=2027-03"
    assert day_cells(client.get(base).get_data(as_text=True))[3].count("calendar-item ") == 2
    page = client.get(f"{base}&plan={second.plan_id}").get_data(as_text=True)
    assert day_cells(page)[3].count("calendar-item ") == 1
    assert f'<option value="{second.plan_id}" selected>' in page


def test_another_agency_gets_404_on_the_brand_calendar(plan_world, alpha, bravo, login_as):
    client = login_as(bravo.owner)
    resp = client.get(f"/brands/{alpha.brand.id}/calendar?month=2027-03")
    assert resp.status_code == 404
    assert "Spring launch" not in resp.get_data(as_text=True)


def test_client_user_gets_404_on_another_brand(alpha, login_as):
    make_plan(alpha, brand=alpha.other_brand)
    client = login_as(alpha.team)
    assert client.get(f"/brands/{alpha.other_brand.id}/calendar?month=2027-03").status_code == 404


def _fill_month(world, n: int) -> None:
    from saas.models import CalendarItem, PlanRevision

    with tenant_scope(world.agency_id):
        rev = db.session.scalar(select(PlanRevision).where(PlanRevision.plan_id == world.plan_id))
        db.session.add_all(
            CalendarItem(
                brand_id=world.brand_id,
                revision_id=rev.id,
                date=date(2027, 3, 1) + timedelta(days=i % 31),
                network=("instagram", "x", "tiktok")[i % 3],
                format="post",
                pillar=f"Pillar {i % 7}",
                campaign_key=("spring", "ramadan", None)[i % 3],
            )
            for i in range(n)
        )
        db.session.commit()


def test_month_view_queries_do_not_grow_with_items(alpha, login_as, count_queries):
    small = make_plan(alpha)
    big = make_plan(alpha, brand=alpha.other_brand)
    _fill_month(small, 30)
    _fill_month(big, 600)
    client = login_as(alpha.owner)
    totals = []
    for world, expected in ((small, 30), (big, 600)):
        url = f"/brands/{world.brand_id}/calendar?month=2027-03"
        client.get(url)  # warm up (locale, caches)
        with count_queries() as n:
            page = client.get(url).get_data(as_text=True)
        totals.append(n[0])
        grid = page.split('class="calendar-agenda"', 1)[0]
        assert grid.count('<li class="calendar-item ') == expected + 3
    assert totals[0] == totals[1], totals
    assert totals[0] <= 10, totals
