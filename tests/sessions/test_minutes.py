"""Minutes as people meet them: the edit page (rows added without script, errors next to
the field with nothing lost, refused before the session starts), the panel on the session
page, and the minutes email each attendee gets in their own language."""

from __future__ import annotations

from datetime import timedelta

from flask import g, render_template
from sqlalchemy import select

from saas.extensions import db
from saas.models import Brand, Membership, User
from saas.web.sessions import minutes as minutes_web
from tenants.context import tenant_scope
from tests.mailbox import inbox
from tests.sessions.test_minutes_api import BODY, make_session, minutes_path, read


def edit_path(world, sid: int) -> str:
    return f"/brands/{world.brand.id}/sessions/{sid}/minutes"


def test_the_edit_page_refuses_a_session_that_has_not_started(alpha, login_as):
    sid = make_session(alpha, starts_in=timedelta(days=2))
    client = login_as(alpha.consultant)
    page = client.get(edit_path(alpha, sid))
    assert page.status_code == 409
    assert "has not started yet" in page.get_data(as_text=True)
    resp = client.post(edit_path(alpha, sid), data={"minutes": "Too early"})
    assert resp.status_code == 409
    assert read(alpha, sid)[0].minutes is None


def test_a_client_leader_cannot_write_minutes(alpha, login_as):
    sid = make_session(alpha)
    client = login_as(alpha.leader)
    assert client.get(edit_path(alpha, sid)).status_code == 403
    assert client.post(edit_path(alpha, sid), data={"minutes": "Mine"}).status_code == 403
    assert read(alpha, sid)[0].minutes is None


def test_writing_minutes_in_the_form_saves_rows_and_marks_the_session_done(alpha, login_as):
    sid = make_session(alpha)
    client = login_as(alpha.consultant)
    page = client.get(edit_path(alpha, sid))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="decisions-0-text"' in html and 'name="action_items-0-title"' in html
    assert "Alpha Leader" in html  # a member of the brand to choose as owner

    form = {
        "minutes": "Agreed the Q2 focus.",
        "decisions-0-text": "Pause TikTok until June",
        "decisions-0-status": "decided",
        "action_items-0-title": "Draft the Q2 plan",
        "action_items-0-owner_id": str(alpha.leader.user_id),
        "action_items-0-due_on": "2030-04-15",
        "action_items-0-status": "open",
    }
    more = client.post(edit_path(alpha, sid), data={**form, "add_action_item": "1"})
    assert more.status_code == 200
    html = more.get_data(as_text=True)
    assert 'name="action_items-1-title"' in html and "Draft the Q2 plan" in html
    assert read(alpha, sid)[2] == []  # adding a row saves nothing

    saved = client.post(
        edit_path(alpha, sid),
        data={**form, "action_items-1-title": "", "action_items-1-status": "open"},
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    assert saved.headers["Location"].endswith(f"/brands/{alpha.brand.id}/sessions/{sid}")
    session, decisions, items = read(alpha, sid)
    assert session.status == "done" and session.minutes == "Agreed the Q2 focus."
    assert [d.text for d in decisions] == ["Pause TikTok until June"]
    assert [(i.title, i.owner_id, str(i.due_on)) for i in items] == [
        ("Draft the Q2 plan", alpha.leader.user_id, "2030-04-15")
    ]

    again = client.get(edit_path(alpha, sid)).get_data(as_text=True)
    assert "Edit minutes" in again and "Pause TikTok until June" in again


def test_a_refused_row_shows_its_error_next_to_the_field_and_keeps_the_input(
    alpha, bravo, login_as
):
    sid = make_session(alpha)
    client = login_as(alpha.consultant)
    resp = client.post(
        edit_path(alpha, sid),
        data={
            "minutes": "Notes worth keeping",
            "decisions-0-text": "Keep this decision",
            "decisions-0-status": "decided",
            "action_items-0-title": "Call the CFO",
            "action_items-0-owner_id": str(bravo.leader.user_id),
            "action_items-0-due_on": "2030-13-01",
            "action_items-0-status": "open",
        },
    )
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="action_items-0-owner_id-error"' in html
    assert 'id="action_items-0-due_on-error"' in html
    assert "Notes worth keeping" in html and "Keep this decision" in html
    assert "Call the CFO" in html
    assert "Bravo" not in html
    session, decisions, items = read(alpha, sid)
    assert session.minutes is None and decisions == [] and items == []


def _set(world, **changes):
    """Change users' locales and the brand's language, as stored."""
    with tenant_scope(world.agency.id):
        for user_id, locale in changes.get("locales", {}).items():
            db.session.scalar(select(User).where(User.id == user_id)).locale = locale
        if "brand_language" in changes:
            brand = db.session.scalar(select(Brand).where(Brand.id == world.brand.id))
            brand.language = changes["brand_language"]
        db.session.commit()


def test_the_minutes_email_reaches_each_attendee_in_their_language(alpha, api, run_jobs):
    """The Arabic-speaking leader reads them in Arabic, the team member in English, and the
    guest in the brand's language with the organiser's zone and UTC, without a link."""
    _set(
        alpha,
        locales={alpha.leader.user_id: "ar", alpha.team.user_id: "en"},
        brand_language="ar",
    )
    sid = make_session(
        alpha,
        attendees=[
            (alpha.leader, "leader"),
            (alpha.team, "senior_social"),
            ("cfo@client.example", "guest"),
        ],
    )
    body = {
        **BODY,
        "action_items": [
            {
                "title": "Approve the budget",
                "owner_id": alpha.leader.user_id,
                "due_on": "2030-04-15",
            }
        ],
        "send": True,
    }
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=body)
    assert resp.status_code == 200, resp.get_json()
    run_jobs()

    (leader,) = inbox("leader@alpha.test", wait_for=1)
    (team,) = inbox("team@alpha.test", wait_for=1)
    (guest,) = inbox("cfo@client.example", wait_for=1)
    assert "محضر" in leader.subject
    assert "Approve the budget" in leader.text and "Alpha Leader" in leader.text
    assert "قرار" in leader.text
    assert team.subject.startswith("Minutes of") and "Pause TikTok until June" in team.text
    assert "Apr 15, 2030" in team.text  # the due date, in the reader's words
    assert "Owner: Alpha Leader" in team.text
    assert "محضر" in guest.subject  # the brand's language
    assert "UTC" in guest.text and "/login?next=" not in guest.text
    assert "/login?next=" in team.text
    assert inbox("consultant@alpha.test") == []  # not an attendee


def test_recording_without_send_emails_nobody(alpha, api, run_jobs):
    sid = make_session(alpha, attendees=[(alpha.team, "senior_social")])
    resp = api(alpha.tokens["consultant"])._call("PUT", minutes_path(sid), json=BODY)
    assert resp.status_code == 200
    run_jobs()
    assert inbox("team@alpha.test") == []


def test_the_panel_shows_the_minutes_and_mark_done_only_to_whoever_may(alpha, api, db_app):
    sid = make_session(alpha)
    staff = api(alpha.tokens["consultant"])
    staff._call(
        "PUT",
        minutes_path(sid),
        json={
            "minutes": "First paragraph.\n\nSecond paragraph.",
            "decisions": [{"text": "Budget for paid reach", "status": "pending"}],
            "action_items": [
                {"title": "Her task", "owner_id": alpha.leader.user_id},
                {"title": "Team task", "owner_id": alpha.team.user_id},
            ],
        },
    )

    def render_for(membership_id: int) -> str:
        with db_app.test_request_context("/"), tenant_scope(alpha.agency.id):
            g.membership = db.session.scalar(
                select(Membership).where(Membership.id == membership_id)
            )
            session, _d, _i = read(alpha, sid)
            brand = db.session.scalar(select(Brand).where(Brand.id == alpha.brand.id))
            ctx = minutes_web.panel(session, brand)
            return render_template("sessions/_minutes.html", session=session, brand=brand, **ctx)

    leader_html = render_for(alpha.leader.id)
    assert "<p>First paragraph.</p>" in leader_html and "Second paragraph." in leader_html
    assert "Budget for paid reach" in leader_html and "Pending" in leader_html
    assert leader_html.count("Mark done") == 1  # her own item only
    assert "Edit minutes" not in leader_html
    staff_html = render_for(alpha.consultant.id)
    assert staff_html.count("Mark done") == 2 and "Edit minutes" in staff_html


def test_the_session_page_offers_minutes_to_staff_once_started(alpha, api, login_as):
    sid = make_session(alpha)
    later = make_session(alpha, starts_in=timedelta(days=3), title="Next QBR")
    staff = login_as(alpha.consultant)
    page = staff.get(f"/brands/{alpha.brand.id}/sessions/{sid}").get_data(as_text=True)
    assert "Write minutes" in page
    upcoming = staff.get(f"/brands/{alpha.brand.id}/sessions/{later}").get_data(as_text=True)
    assert "Write minutes" not in upcoming and "once the session has started" in upcoming
    api(alpha.tokens["consultant"])._call(
        "PUT",
        minutes_path(sid),
        json={
            "minutes": "Agreed.",
            "action_items": [{"title": "Her task", "owner_id": alpha.leader.user_id}],
        },
    )
    leader = login_as(alpha.leader)
    page = leader.get(f"/brands/{alpha.brand.id}/sessions/{sid}").get_data(as_text=True)
    assert "Agreed." in page and "Her task" in page and "Mark done" in page
    assert "Edit minutes" not in page
