"""The session pages through the HTTP client: the list, scheduling with the form (errors
that keep every input, clashes, suggested times), edits of one occurrence or a series,
cancelling behind a confirmation, read-only pages for client users, and other brands' and
agencies' ids as 404s."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.extensions import db
from saas.models import StrategySession
from tenants.context import tenant_scope
from tests.sessions.web.conftest import FORM, new_path, page_path


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


def test_an_empty_list_teaches_and_offers_to_schedule(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.get(f"/brands/{alpha.brand.id}/sessions")
    assert resp.status_code == 200
    page = text_of(resp)
    assert "No strategy sessions yet" in page
    assert new_path(alpha.brand) in page


def sessions_of(world) -> list[StrategySession]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(
                select(StrategySession)
                .options(selectinload(StrategySession.attendees))
                .order_by(StrategySession.id)
            )
        )


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_upcoming_sessions_soonest_first_then_past_ones(alpha, login_as, schedule):
    later = schedule(alpha, title="Later review", starts_at="2027-06-10T10:00")
    sooner = schedule(alpha, title="Sooner review", starts_at="2027-03-11T10:00")
    with tenant_scope(alpha.agency.id):
        past = db.session.get(StrategySession, later["id"])
        past.starts_at = datetime(2025, 1, 5, 7, 0)  # as if its time had come and gone
        past.title = "Old review"
        db.session.commit()
    client = login_as(alpha.consultant)
    page = text_of(client.get(f"/brands/{alpha.brand.id}/sessions"))
    assert page.index("Upcoming") < page.index("Sooner review") < page.index("Past")
    assert page.index("Past") < page.index("Old review")
    assert "Schedule a session" in page
    assert page_path(alpha.brand, sooner["id"]) in page
    # On the viewer's clock: no zone of their own nor a browser's, so the brand's (UTC).
    assert "07:00–08:00" in page and "Coordinated Universal Time" in page


def test_the_list_is_paginated(alpha, login_as, schedule):
    for n in range(23):
        schedule(alpha, title=f"Weekly sync {n:02d}", starts_at=f"2027-04-{n + 1:02d}T10:00")
    client = login_as(alpha.consultant)
    first = text_of(client.get(f"/brands/{alpha.brand.id}/sessions"))
    assert "Weekly sync 00" in first and "Weekly sync 19" in first
    assert "Weekly sync 20" not in first and "Page 1 of 2" in first
    second = text_of(client.get(f"/brands/{alpha.brand.id}/sessions?page=2"))
    assert "Weekly sync 22" in second and "Weekly sync 00" not in second


def test_the_brand_menu_links_to_sessions(alpha, login_as):
    client = login_as(alpha.leader)
    page = text_of(client.get(f"/brands/{alpha.brand.id}/sessions"))
    assert re.search(r'data-section="sessions"[^>]*aria-current="page"', page)


# --- scheduling -------------------------------------------------------------------------


def test_scheduling_through_the_form_creates_the_session_and_shows_it(alpha, login_as):
    client = login_as(alpha.consultant)
    form = text_of(client.get(new_path(alpha.brand)))
    assert "Quarterly business review" in form and "Suggest times" in form
    leader = alpha.leader.user_id
    resp = client.post(
        new_path(alpha.brand),
        data={
            **FORM,
            "member": [str(leader), str(alpha.consultant.user_id)],
            f"part-{leader}": "leader",
            "guests": "The CFO <cfo@client.example>\nboard@client.example",
        },
    )
    assert resp.status_code == 303, text_of(resp)
    (session,) = sessions_of(alpha)
    assert session.title == "Q1 business review" and session.timezone == "Asia/Riyadh"
    assert session.starts_at.isoformat() == "2027-03-11T07:00:00"
    people = {a.email: (a.part, a.name) for a in session.attendees}
    assert people == {
        "leader@alpha.test": ("leader", "Alpha Leader"),
        "consultant@alpha.test": ("consultant", "Alpha Consultant"),
        "cfo@client.example": ("guest", "The CFO"),
        "board@client.example": ("guest", None),
    }
    assert resp.headers["Location"].endswith(page_path(alpha.brand, session.id))
    page = text_of(client.get(resp.headers["Location"]))
    assert "Q1 business review" in page and "The session was scheduled." in page
    assert 'href="https://meet.example/qbr"' in page
    assert "Senior social" not in page and "Leader" in page and "Guest" in page


def test_a_weekly_series_schedules_every_occurrence(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(new_path(alpha.brand), data={**FORM, "repeat": "week", "count": "3"})
    assert resp.status_code == 303
    rows = sessions_of(alpha)
    assert len(rows) == 3 and len({r.series_id for r in rows}) == 1


def test_errors_show_next_to_the_fields_and_keep_every_input(alpha, login_as):
    client = login_as(alpha.consultant)
    leader = alpha.leader.user_id
    resp = client.post(
        new_path(alpha.brand),
        data={
            **FORM,
            "title": "Kick-off with the board",
            "date": "2020-01-05",
            "duration_minutes": "900",
            "member": [str(leader)],
            f"part-{leader}": "guest",
            "guests": "good@client.example\nnot an email",
        },
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "The start cannot be in the past." in page
    assert "A session lasts from 15 to 480 minutes." in page
    assert "Line 2: Enter a valid email address." in page
    assert 'value="Kick-off with the board"' in page and 'value="2020-01-05"' in page
    assert 'value="900"' in page and "not an email" in page
    assert re.search(rf'name="member" value="{leader}" checked', page)
    assert re.search(rf'name="part-{leader}".*?<option value="guest" selected', page, re.S)
    assert sessions_of(alpha) == []


def test_a_time_in_the_spring_forward_gap_is_refused_with_the_reason(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(
        new_path(alpha.brand),
        data={**FORM, "date": "2027-03-14", "time": "02:30", "timezone": "America/New_York"},
    )
    assert resp.status_code == 422
    assert "the clocks jump forward then" in text_of(resp)
    assert sessions_of(alpha) == []


def test_a_clash_lists_the_other_session_and_scheduling_anyway_confirms(alpha, login_as, schedule):
    schedule(
        alpha,
        title="Board prep",
        attendees=[{"email": "leader@alpha.test", "role": "leader"}],
    )
    seen = schedule(
        alpha,
        brand=alpha.other_brand,
        title="Secret launch",
        starts_at="2027-03-11T10:30",
        attendees=[{"email": "consultant@alpha.test", "role": "consultant"}],
    )
    client = login_as(alpha.consultant)
    leader = alpha.leader.user_id
    data = {**FORM, "member": [str(leader), str(alpha.consultant.user_id)]}
    resp = client.post(new_path(alpha.brand), data=data)
    assert resp.status_code == 409
    page = text_of(resp)
    assert "Some attendees are busy then" in page and "Board prep" in page
    assert "Schedule anyway" in page and 'value="Q1 business review"' in page
    assert seen["id"]  # the consultant may see the other brand, so its title shows too
    assert "Secret launch" in page
    assert len(sessions_of(alpha)) == 2
    resp = client.post(new_path(alpha.brand), data={**data, "confirm_conflicts": "y"})
    assert resp.status_code == 303
    assert len(sessions_of(alpha)) == 3


def test_a_clash_in_a_brand_the_organiser_cannot_see_says_only_busy(
    alpha, login_as, schedule, db_app
):
    from tests import factories

    outsider = factories.member(
        alpha.agency, "consultant", factories.user("solo@alpha.test", "Solo"), brands=[alpha.brand]
    )
    db.session.commit()
    schedule(
        alpha,
        role="owner",
        brand=alpha.other_brand,
        title="Secret launch",
        attendees=[{"email": "leader@alpha.test", "role": "guest"}],
    )
    client = login_as(outsider)
    leader = alpha.leader.user_id
    resp = client.post(new_path(alpha.brand), data={**FORM, "member": [str(leader)]})
    assert resp.status_code == 409
    page = text_of(resp)
    assert "Secret launch" not in page and "<strong>Busy</strong>" in page


def test_suggested_times_are_listed_and_picking_one_schedules_then(alpha, login_as):
    client = login_as(alpha.consultant)
    leader = alpha.leader.user_id
    data = {**FORM, "date": "", "time": "", "member": [str(leader)], "suggest": "1"}
    resp = client.post(new_path(alpha.brand), data=data)
    assert resp.status_code == 200, text_of(resp)
    page = text_of(resp)
    slots = re.findall(r'name="slot" value="([0-9T:\-]+Z)"', page)
    assert slots, page
    assert sessions_of(alpha) == []
    chosen = slots[1]
    del data["suggest"]
    resp = client.post(new_path(alpha.brand), data={**data, "slot": chosen})
    assert resp.status_code == 303, text_of(resp)
    (session,) = sessions_of(alpha)
    assert session.starts_at.strftime("%Y-%m-%dT%H:%MZ") == chosen


# --- changing and cancelling ------------------------------------------------------------


def test_editing_one_occurrence_leaves_the_rest_of_the_series(alpha, login_as, schedule):
    first = schedule(alpha, recurrence={"every": "week", "count": 3})
    client = login_as(alpha.consultant)
    form = text_of(client.get(page_path(alpha.brand, first["id"], "/edit")))
    assert 'value="Q1 business review"' in form and "This and the later sessions" in form
    assert 'value="2027-03-11"' in form and 'value="10:00"' in form
    resp = client.post(
        page_path(alpha.brand, first["id"], "/edit"),
        data={**FORM, "title": "Moved review", "time": "11:00", "scope": "one"},
    )
    assert resp.status_code == 303, text_of(resp)
    rows = sessions_of(alpha)
    assert [r.title for r in rows] == ["Moved review", "Q1 business review", "Q1 business review"]
    assert rows[0].starts_at.hour == 8 and rows[1].starts_at.hour == 7


def test_editing_the_series_changes_every_later_occurrence(alpha, login_as, schedule):
    first = schedule(alpha, recurrence={"every": "week", "count": 3})
    client = login_as(alpha.consultant)
    resp = client.post(
        page_path(alpha.brand, first["id"], "/edit"),
        data={**FORM, "title": "Weekly alignment", "time": "11:00", "scope": "series"},
    )
    assert resp.status_code == 303, text_of(resp)
    rows = sessions_of(alpha)
    assert [r.title for r in rows] == ["Weekly alignment"] * 3
    assert [r.starts_at.hour for r in rows] == [8, 8, 8]


def test_cancelling_asks_first_then_cancels(alpha, login_as, schedule):
    made = schedule(alpha)
    client = login_as(alpha.consultant)
    path = page_path(alpha.brand, made["id"], "/cancel")
    ask = client.get(path)
    assert ask.status_code == 200 and "Are you sure?" in text_of(ask)
    assert sessions_of(alpha)[0].status == "scheduled"
    resp = client.post(path, data={})
    assert resp.status_code == 303
    assert sessions_of(alpha)[0].status == "cancelled"
    page = text_of(client.get(page_path(alpha.brand, made["id"])))
    assert "Cancelled" in page and "/edit" not in page


def test_the_invitation_downloads_from_the_page(alpha, login_as, schedule):
    made = schedule(alpha)
    client = login_as(alpha.leader)
    resp = client.get(page_path(alpha.brand, made["id"], "/invite.ics"))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/calendar")
    assert b"METHOD:REQUEST" in resp.data and made["uid"].encode() in resp.data


# --- who may do what --------------------------------------------------------------------


def test_a_client_leader_sees_read_only_pages(alpha, login_as, schedule):
    made = schedule(alpha)
    client = login_as(alpha.leader)
    listing = text_of(client.get(f"/brands/{alpha.brand.id}/sessions"))
    assert "Q1 business review" in listing and "Schedule a session" not in listing
    page = text_of(client.get(page_path(alpha.brand, made["id"])))
    assert "Q1 business review" in page and "Download invitation" in page
    assert "/edit" not in page and "/cancel" not in page
    assert client.get(new_path(alpha.brand)).status_code == 403
    assert client.post(new_path(alpha.brand), data=FORM).status_code == 403
    edit = client.post(page_path(alpha.brand, made["id"], "/edit"), data=FORM)
    assert edit.status_code == 403
    assert client.post(page_path(alpha.brand, made["id"], "/cancel")).status_code == 403
    assert sessions_of(alpha)[0].status == "scheduled"


def test_other_brands_and_agencies_are_not_found(alpha, bravo, login_as, schedule):
    theirs = schedule(bravo)
    other = schedule(alpha, brand=alpha.other_brand, title="Other brand")
    client = login_as(alpha.owner)
    assert client.get(f"/brands/{bravo.brand.id}/sessions").status_code == 404
    assert client.get(page_path(bravo.brand, theirs["id"])).status_code == 404
    # An id of another agency's session under one's own brand: still not found.
    assert client.get(page_path(alpha.brand, theirs["id"])).status_code == 404
    assert client.get(page_path(alpha.brand, theirs["id"], "/edit")).status_code == 404
    assert client.post(page_path(alpha.brand, theirs["id"], "/cancel")).status_code == 404
    # A session of another brand of the same agency is not found under this brand.
    assert client.get(page_path(alpha.brand, other["id"])).status_code == 404
    leader = login_as(alpha.leader)
    assert leader.get(f"/brands/{alpha.other_brand.id}/sessions").status_code == 404
    assert leader.get(page_path(alpha.other_brand, other["id"])).status_code == 404
    assert leader.get(page_path(alpha.other_brand, other["id"], "/invite.ics")).status_code == 404


# --- times on the reader's clock (the "done when") ------------------------------


def test_a_riyadh_10am_shows_02_00_then_03_00_in_new_york_across_the_us_change(
    alpha, login_as, schedule, set_user
):
    before = schedule(alpha, starts_at="2027-03-11T10:00")  # US still on EST (UTC−5)
    after = schedule(alpha, starts_at="2027-03-18T10:00", title="After the change")
    set_user(alpha.leader, timezone="America/New_York", locale="en")
    client = login_as(alpha.leader)
    page = text_of(client.get(page_path(alpha.brand, before["id"])))
    assert "02:00–03:00" in page and "New York" in page
    assert "10:00–11:00" in page and "Riyadh" in page  # the organiser's zone, too
    page = text_of(client.get(page_path(alpha.brand, after["id"])))
    assert "03:00–04:00" in page and "UTC\u221204:00" in page
    listing = text_of(client.get(f"/brands/{alpha.brand.id}/sessions"))
    assert "02:00–03:00" in listing and "03:00–04:00" in listing


def test_the_same_times_in_arabic(alpha, login_as, schedule, set_user):
    before = schedule(alpha, starts_at="2027-03-11T10:00")
    after = schedule(alpha, starts_at="2027-03-18T10:00")
    set_user(alpha.leader, timezone="America/New_York", locale="ar")
    client = login_as(alpha.leader)
    page = text_of(client.get(page_path(alpha.brand, before["id"])))
    assert 'dir="rtl"' in page and "02:00–03:00" in page and "نيويورك" in page
    page = text_of(client.get(page_path(alpha.brand, after["id"])))
    assert "03:00–04:00" in page


def test_without_a_zone_of_ones_own_the_browsers_zone_is_used(alpha, login_as, schedule):
    made = schedule(alpha, starts_at="2027-03-18T10:00")
    client = login_as(alpha.leader)
    client.set_cookie("tz", "America/New_York")
    page = text_of(client.get(page_path(alpha.brand, made["id"])))
    assert "03:00–04:00" in page
    client.set_cookie("tz", "Not/AZone")
    page = text_of(client.get(page_path(alpha.brand, made["id"])))
    assert "07:00–08:00" in page  # the brand's zone (UTC) when the cookie names no zone


def test_a_weekly_series_across_the_us_change_keeps_10_00_in_riyadh(
    alpha, login_as, schedule, set_user
):
    schedule(alpha, recurrence={"every": "week", "count": 2})  # 11 and 18 March 2027
    set_user(alpha.leader, timezone="America/New_York")
    listing = text_of(login_as(alpha.leader).get(f"/brands/{alpha.brand.id}/sessions"))
    assert listing.index("02:00–03:00") < listing.index("03:00–04:00")
    assert "UTC\u221205:00" in listing and "UTC\u221204:00" in listing


def test_cancelling_the_series_cancels_every_later_occurrence(alpha, login_as, schedule):
    first = schedule(alpha, recurrence={"every": "month", "count": 3})
    client = login_as(alpha.consultant)
    ask = text_of(client.get(page_path(alpha.brand, first["id"], "/cancel")))
    assert "This and the later sessions of the series" in ask
    resp = client.post(page_path(alpha.brand, first["id"], "/cancel"), data={"scope": "series"})
    assert resp.status_code == 303
    assert [s.status for s in sessions_of(alpha)] == ["cancelled"] * 3


def test_cancelling_one_occurrence_keeps_the_others(alpha, login_as, schedule):
    first = schedule(alpha, recurrence={"every": "month", "count": 3})
    client = login_as(alpha.consultant)
    resp = client.post(page_path(alpha.brand, first["id"], "/cancel"), data={"scope": "one"})
    assert resp.status_code == 303
    assert [s.status for s in sessions_of(alpha)] == ["cancelled", "scheduled", "scheduled"]


def test_an_edit_that_fails_keeps_what_was_typed_and_changes_nothing(alpha, login_as, schedule):
    made = schedule(alpha)
    client = login_as(alpha.consultant)
    resp = client.post(
        page_path(alpha.brand, made["id"], "/edit"),
        data={**FORM, "title": "Renamed", "duration_minutes": "0", "guests": "bad@"},
    )
    assert resp.status_code == 422
    page = text_of(resp)
    assert "A session lasts from 15 to 480 minutes." in page
    assert "Line 1: Enter a valid email address." in page
    assert 'value="Renamed"' in page and 'value="0"' in page
    (session,) = sessions_of(alpha)
    assert session.title == "Q1 business review" and session.duration_minutes == 60


def test_a_title_change_of_a_started_session_does_not_move_it(alpha, login_as, schedule):
    made = schedule(alpha)
    with tenant_scope(alpha.agency.id):
        db.session.get(StrategySession, made["id"]).starts_at = datetime(2025, 1, 5, 7, 0)
        db.session.commit()
    client = login_as(alpha.consultant)
    form = text_of(client.get(page_path(alpha.brand, made["id"], "/edit")))
    assert 'value="2025-01-05"' in form
    resp = client.post(
        page_path(alpha.brand, made["id"], "/edit"),
        data={**FORM, "title": "Kick-off (held)", "date": "2025-01-05", "time": "10:00"},
    )
    assert resp.status_code == 303, text_of(resp)
    (session,) = sessions_of(alpha)
    assert session.title == "Kick-off (held)" and session.starts_at == datetime(2025, 1, 5, 7, 0)


def test_a_series_too_long_is_refused_next_to_its_count(alpha, login_as):
    client = login_as(alpha.consultant)
    resp = client.post(new_path(alpha.brand), data={**FORM, "repeat": "week", "count": "99"})
    assert resp.status_code == 422
    page = text_of(resp)
    assert re.search(
        r'id="count"[^>]*value="99".*?A series has from 1 to 52 sessions\.', page, re.S
    )
    assert sessions_of(alpha) == []
