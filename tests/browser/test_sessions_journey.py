"""Issue 11's browser journey, in Arabic: the consultant schedules the quarterly business
review → its agenda drafts itself from the brand's data → minutes with a decision and an
action item → the next session's agenda carries the open item, linked to the earlier
session → the Arabic report shows the decision and the open item.

What is checked is what a person sees (the pages' Arabic words, the downloaded PDF's
text); the database is read only to confirm it.  One step is set up by hand: the first
session is scheduled a few days ahead (the form refuses a start in the past), then moved
into the past by writing its ``starts_at`` in the database, as if those days had passed,
so that its minutes can be written.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import ActionItem, AgendaItem, Brand, SessionDecision, StrategySession
from saas.services import goals as goals_service
from tenants.context import tenant_scope
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PO = Path(__file__).resolve().parents[2] / "saas/translations/ar/LC_MESSAGES/messages.po"
ZONE = "Asia/Riyadh"

# What the consultant types, in Arabic, as an Arabic-speaking consultant would.
FIRST_TITLE = "مراجعة الأعمال للربع الأول"
NEXT_TITLE = "مراجعة الأعمال للربع الثاني"
GOAL_TITLE = "زيادة متابعي إنستغرام"
NOTES = "راجعنا نتائج الربع واتفقنا على أولويات الحملات القادمة."
DECISION = "اعتماد حملة رمضان على إنستغرام وتيك توك"
ACTION = "إرسال موجز حملة رمضان إلى الفريق"
GUEST = "noura@partner.example"


@cache
def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="ar")


def ar(msgid: str, **values: object) -> str:
    """The interface's Arabic for ``msgid`` (the catalogue the app compiles at start-up);
    a missing translation fails here rather than passing on English."""
    message = _catalogue().get(msgid)
    assert message is not None and message.string, f"no Arabic for {msgid!r}"
    assert "fuzzy" not in message.flags, f"fuzzy Arabic for {msgid!r}"
    return message.string % values if values else message.string


def _plain(text: str) -> str:
    """Text as a reader compares it: presentation forms folded (PDF extraction), bidi
    isolates dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u2066-\u2069\u200e\u200f\u061c]", "", text)
    return " ".join(text.split())


def _riyadh_today():
    return datetime.now(ZoneInfo(ZONE)).date()


# --- set-up through the services ---------------------------------------------------------


def _seed_brand(alpha) -> int:
    """A brand in Riyadh with one goal far behind its target: something real to discuss."""
    today = _riyadh_today()
    with tenant_scope(alpha.agency.id):
        db.session.get(Brand, alpha.brand.id).timezone = ZONE
        db.session.commit()
        goal = goals_service.create(
            alpha.consultant,
            alpha.brand,
            {
                "title": GOAL_TITLE,
                "metric": "Instagram followers",
                "baseline": "1000",
                "target": "5000",
                "start_date": (today - timedelta(days=300)).isoformat(),
                "due_date": (today + timedelta(days=60)).isoformat(),
                "priority": "high",
            },
        )
        db.session.commit()
        return goal.id


def _move_into_the_past(alpha, session_id: int) -> datetime:
    """Test set-up: the session was held yesterday at 10:00 in Riyadh (07:00 UTC)."""
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    held = datetime.combine(yesterday, time(7, 0))
    with tenant_scope(alpha.agency.id):
        db.session.execute(
            update(StrategySession).where(StrategySession.id == session_id).values(starts_at=held)
        )
        db.session.commit()
    return held


def _rows(alpha, model, **where):
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        stmt = select(model).execution_options(populate_existing=True)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return list(db.session.scalars(stmt.order_by(model.id)))


# --- the browser ---------------------------------------------------------------------------


def _sign_in(browser, base: str, email: str):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="ar-SA",
        timezone_id=ZONE,
        accept_downloads=True,
    )
    # The browser's zone, as sessions.js would store it: no reload on the first session page.
    ctx.add_cookies([{"name": "tz", "value": ZONE, "url": base}])
    page = ctx.new_page()
    page.goto(f"{base}/login")
    form = page.locator("form[action$='/login']")
    form.locator("#email").fill(email)
    form.locator("#password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return ctx, page


def _phone_and_desktop(page, shot, name: str) -> None:
    """The page at 390 px and at 1280 px, from the top (a sticky header is drawn where
    the page was scrolled to otherwise)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, f"{name}-1280")


def _flash(page) -> str:
    return " ".join(page.locator(".flashes .flash-success").all_inner_texts())


def _fill_schedule_form(page, *, title: str, day, leader_id: int) -> None:
    form = page.locator("form.session-form")
    form.locator("#title").fill(title)
    form.locator("#kind").select_option("quarterly_business_review")
    form.locator("#date").fill(day.isoformat())
    form.locator("#time").fill("10:00")
    form.locator("#timezone").select_option(ZONE)
    form.locator("#duration_minutes").fill("60")
    form.locator("#location").fill("https://meet.example/qbr")
    form.locator(f"input[name=member][value='{leader_id}']").check()
    form.locator("#guests").fill(GUEST)


def _schedule(page) -> int:
    """Press "Schedule the session"; the session page opens.  Its id."""
    page.locator("form.session-form > .actions button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _agenda_rows(page, kind: str):
    return page.locator(f"#agenda tr[data-kind='{kind}']")


def _pdf_text(page) -> str:
    """Download the PDF as a person would, and read its text."""
    with page.expect_download() as download:
        page.get_by_role("link", name=ar("Download the PDF")).click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_arabic_qbr_agenda_minutes_carry_forward_and_report(
    browser, live_server, shot, alpha, run_jobs
):
    base = live_server
    brand_id = alpha.brand.id
    leader_id = alpha.leader.user_id
    leader_name = alpha.leader.user.name
    consultant_email = alpha.consultant.user.email
    goal_id = _seed_brand(alpha)
    today = _riyadh_today()

    ctx, page = _sign_in(browser, base, consultant_email)
    # The consultant chooses Arabic in "Profile and language" (the language links are on
    # the signed-out pages only, and a signed-in person's own choice wins over the brand's).
    page.locator("details.usermenu > summary").click()
    page.locator("details.usermenu a[href$='/settings/profile']").click()
    page.wait_for_load_state()
    profile = page.locator("form:has(#locale)")
    profile.locator("#locale").select_option("ar")
    profile.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"

    # 1. Schedule the QBR three days ahead, 10:00 in Riyadh, with the leader and a guest,
    # after asking for suggested times.
    page.goto(f"{base}/brands/{brand_id}/sessions")
    assert ar("Strategy sessions") in page.locator("main").inner_text()
    page.locator(f"a[href$='/brands/{brand_id}/sessions/new']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == ar("Schedule a strategy session")
    first_day = today + timedelta(days=3)
    _fill_schedule_form(page, title=FIRST_TITLE, day=first_day, leader_id=leader_id)
    page.get_by_role("button", name=ar("Suggest times")).click()
    page.wait_for_load_state()
    suggest = page.locator("section.session-suggest")
    assert (
        suggest.locator("fieldset.session-slots").count() == 1
        or suggest.locator(".session-none").count() == 1
    ), suggest.inner_text()
    # Nothing typed was lost, and "None: use the date and time above" is the choice.
    assert page.locator("#title").input_value() == FIRST_TITLE
    assert page.locator("#date").input_value() == first_day.isoformat()
    assert page.locator(f"input[name=member][value='{leader_id}']").is_checked()
    assert page.locator("#guests").input_value() == GUEST
    if suggest.locator("fieldset.session-slots").count():
        assert page.locator("input[name=slot][value='']").is_checked()
    shot(page, "sessions-journey-01-schedule-suggested-1280")
    first_id = _schedule(page)
    assert ar("The session was scheduled.") in _flash(page)
    assert page.locator("h1").inner_text().strip() == FIRST_TITLE
    when = page.locator("p.session-time").inner_text()
    assert "10:00–11:00" in when and "الرياض" in when, when
    attendees = page.locator("ul.session-attendees").inner_text()
    assert leader_name in attendees and GUEST in attendees
    assert ar("Leader") in attendees and ar("Guest") in attendees

    # 2. The agenda drafted itself, with the goal that is behind, linked to it.
    agenda = page.locator("#agenda")
    assert agenda.locator("h2").inner_text().strip() == ar("Agenda") == "جدول الأعمال"
    goal_row = _agenda_rows(page, "goal")
    assert goal_row.count() == 1, agenda.inner_text()
    assert GOAL_TITLE in goal_row.inner_text()
    assert ar("Goal: %(status)s", status=ar("Behind")) in goal_row.inner_text()
    assert goal_row.locator(f"a[href$='/goals/{goal_id}']").count() == 1
    # Before the session starts there are no minutes to write.
    assert page.locator(f"a[href$='/sessions/{first_id}/minutes']").count() == 0
    _phone_and_desktop(page, shot, "sessions-journey-02-session-agenda")
    drafted = _rows(alpha, AgendaItem, session_id=first_id)
    assert ("goal", goal_id) in [(r.source_kind, r.source_id) for r in drafted]

    # 3. The session was held (set-up: its start moved into the past in the database); the
    # consultant writes the minutes with one decision and one action item for the leader.
    _move_into_the_past(alpha, first_id)
    page.reload()
    page.locator(f"a[href$='/sessions/{first_id}/minutes']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == ar("Write minutes")
    form = page.locator("form.minutes-form")
    form.locator("#minutes").fill(NOTES)
    form.locator("#decisions-0-text").fill(DECISION)
    form.locator("#decisions-0-status").select_option("decided")
    due = today + timedelta(days=14)
    form.locator("#action_items-0-title").fill(ACTION)
    form.locator("#action_items-0-owner_id").select_option(str(leader_id))
    form.locator("#action_items-0-due_on").fill(due.isoformat())
    form.locator("#action_items-0-status").select_option("open")
    _phone_and_desktop(page, shot, "sessions-journey-03-minutes")
    form.locator("button[name=save]").click()
    page.wait_for_url(re.compile(rf"/sessions/{first_id}$"))
    assert ar("Minutes saved.") in _flash(page)
    assert ar("Minutes recorded") in page.locator(".page-head").first.inner_text()
    minutes = page.locator("section.minutes-panel")
    text = minutes.inner_text()
    assert NOTES in text and DECISION in text and ACTION in text
    assert ar("Decisions") in text and ar("Action items") in text and ar("Decided") in text
    item_row = minutes.locator("table.action-items tbody tr", has_text=ACTION)
    assert leader_name in item_row.inner_text()
    assert ar("Open") in item_row.inner_text()
    _phone_and_desktop(page, shot, "sessions-journey-04-minutes-recorded")
    decisions = _rows(alpha, SessionDecision, session_id=first_id)
    assert [(d.text, d.status) for d in decisions] == [(DECISION, "decided")]
    items = _rows(alpha, ActionItem, session_id=first_id)
    assert [(i.title, i.owner_id, i.due_on, i.status) for i in items] == [
        (ACTION, leader_id, due, "open")
    ]

    # 4. The next session: its agenda carries the open action item, linked to the first.
    page.goto(f"{base}/brands/{brand_id}/sessions/new")
    next_day = today + timedelta(days=24)
    _fill_schedule_form(page, title=NEXT_TITLE, day=next_day, leader_id=leader_id)
    next_id = _schedule(page)
    assert next_id != first_id
    carried = _agenda_rows(page, "action_item")
    assert carried.count() == 1, page.locator("#agenda").inner_text()
    row_text = carried.inner_text()
    assert ACTION in row_text
    # Due in 14 days: open, not overdue (overdue means due before today, not "will be late
    # by the session's day").
    badge = carried.locator(".badge").first.inner_text().strip()
    assert badge == ar("Action item"), badge
    assert leader_name in row_text  # "Owner: …" and the due date
    assert ar("Owner: %(name)s", name="").strip() in row_text
    link = carried.locator(f"a[href$='/brands/{brand_id}/sessions/{first_id}']")
    assert link.count() == 1
    _phone_and_desktop(page, shot, "sessions-journey-05-next-agenda")
    carried_rows = _rows(alpha, AgendaItem, session_id=next_id, source_kind="action_item")
    assert [r.source_id for r in carried_rows] == [items[0].id]
    link.click()
    page.wait_for_url(re.compile(rf"/sessions/{first_id}$"))
    assert page.locator("h1").inner_text().strip() == FIRST_TITLE
    # The brand's list: the next session under "Upcoming", the held one under "Past".
    page.goto(f"{base}/brands/{brand_id}/sessions")
    upcoming = page.locator("section:has(#group-upcoming)").inner_text()
    past = page.locator("section:has(#group-past)").inner_text()
    assert ar("Upcoming") in upcoming and NEXT_TITLE in upcoming and FIRST_TITLE not in upcoming
    assert ar("Past") in past and FIRST_TITLE in past and ar("Minutes recorded") in past
    _phone_and_desktop(page, shot, "sessions-journey-06-list")

    # 5. The report, in Arabic: requested on the reports page, rendered by the worker.
    page.goto(f"{base}/brands/{brand_id}/reports")
    request_form = page.locator("form:has(#locale)")
    request_form.locator("#locale").select_option("ar")
    assert request_form.locator("input[name=sections][value=sessions]").is_checked()
    request_form.get_by_role("button", name=ar("Request the report")).click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    run_jobs(timeout=120)
    # With a real worker the page was "queued" and refreshes itself every two seconds:
    # wait for the link rather than reloading (a reload would race the refresh).
    page.get_by_role("link", name=ar("Download the PDF")).wait_for(timeout=60_000)
    assert ar("Ready") in page.locator("main").inner_text()
    assert ar("Arabic") in page.locator("dl.report-facts").inner_text()
    shot(page, "sessions-journey-07-report-ready-1280")
    pdf = _plain(_pdf_text(page))
    for expected in (
        ar("Leadership sessions"),
        ar("Decisions"),
        DECISION,
        ar("Open action items"),
        ACTION,
        leader_name,
        ar("Next session"),
        NEXT_TITLE,
    ):
        assert _plain(expected) in pdf, (expected, pdf[-1500:])
    assert "Leadership sessions" not in pdf and "Open action items" not in pdf
    ctx.close()
