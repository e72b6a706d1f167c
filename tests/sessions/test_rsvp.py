"""Answering by the link in the email: does opening it change nothing, does the button record
the answer once (and let me change it), do a tampered, expired or cancelled link say so, and
does the organiser see who answered what?"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, Brand, SessionAttendee, StrategySession
from saas.services.strategy_sessions import queries
from saas.services.strategy_sessions import rsvp as rsvp_service
from saas.web.sessions import responses
from tenants.context import tenant_scope
from tests.mailbox import inbox
from tests.sessions.test_invitation_mail import GUEST, LEADER, schedule, set_user, uid_of

LINK = re.compile(r"http://tandem\.test(/sessions/rsvp/[A-Za-z0-9._-]+)\?answer=accepted")


def link_for(to: str) -> str:
    (message,) = inbox(to, wait_for=1)
    found = LINK.search(message.text)
    assert found, message.text
    return found.group(1)


def attendee(world, email: str) -> SessionAttendee:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(SessionAttendee).where(SessionAttendee.email == email))


def rsvp_audits(world) -> list[AuditEvent]:
    with tenant_scope(world.agency.id):
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "session.rsvp")
                .order_by(AuditEvent.id)
            )
        )


def test_opening_the_link_shows_the_session_and_changes_nothing(alpha, api, client):
    schedule(api, alpha)
    path = link_for(GUEST)
    page = client.get(f"{path}?answer=declined")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Q1 business review" in html and "Alpha Brand One" in html
    assert "10:00–11:00" in html and "07:00–08:00" in html and "UTC" in html  # guest: both
    for answer in ("accepted", "tentative", "declined"):
        assert f'name="answer" value="{answer}"' in html
    assert 'value="declined" class="button primary"' in html  # ?answer= only preselects
    assert page.headers["Cache-Control"] == "no-store"
    row = attendee(alpha, GUEST)
    assert row.rsvp == "needs_action" and row.responded_at is None
    assert rsvp_audits(alpha) == []


def test_a_member_sees_the_time_on_their_own_clock(alpha, api, client):
    set_user(alpha.leader.user_id, timezone="America/New_York")
    schedule(api, alpha)
    html = client.get(link_for(LEADER)).get_data(as_text=True)
    assert "02:00–03:00" in html and "New York" in html


def test_the_button_records_the_answer_once_and_it_can_change(alpha, api, client):
    schedule(api, alpha)
    path = link_for(GUEST)
    done = client.post(path, data={"answer": "accepted"})
    assert done.status_code == 200
    assert "your answer is recorded" in done.get_data(as_text=True)
    first = attendee(alpha, GUEST)
    assert first.rsvp == "accepted" and first.responded_at is not None
    again = client.post(path, data={"answer": "accepted"})
    assert again.status_code == 200
    assert attendee(alpha, GUEST).responded_at == first.responded_at
    assert len(rsvp_audits(alpha)) == 1
    client.post(path, data={"answer": "tentative"})
    assert attendee(alpha, GUEST).rsvp == "tentative"
    events = rsvp_audits(alpha)
    assert [e.details["answer"] for e in events] == ["accepted", "tentative"]
    assert events[-1].details["attendee"] == GUEST
    # the other attendee's answer is untouched
    assert attendee(alpha, LEADER).rsvp == "needs_action"


def test_an_unknown_answer_is_refused(alpha, api, client):
    schedule(api, alpha)
    resp = client.post(link_for(GUEST), data={"answer": "maybe-later"})
    assert resp.status_code == 422
    assert "Choose accept, decline or tentative." in resp.get_data(as_text=True)
    assert attendee(alpha, GUEST).rsvp == "needs_action"


def test_the_form_carries_its_csrf_token(alpha, api, client, db_app, monkeypatch):
    schedule(api, alpha)
    path = link_for(GUEST)
    monkeypatch.setitem(db_app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(path, data={"answer": "accepted"})
    assert refused.status_code == 400
    assert attendee(alpha, GUEST).rsvp == "needs_action"
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    accepted = client.post(path, data={"answer": "accepted", "csrf_token": token})
    assert accepted.status_code == 200
    assert attendee(alpha, GUEST).rsvp == "accepted"


def test_a_tampered_or_foreign_token_is_refused(alpha, api, client):
    session = schedule(api, alpha)
    path = link_for(GUEST)
    token = path.rsplit("/", 1)[1]
    forged = rsvp_service.token_for("tandem-session-999@tandem.test", GUEST)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", forged):
        resp = client.post(f"/sessions/rsvp/{bad}", data={"answer": "accepted"})
        assert resp.status_code == 404
        assert "not valid" in resp.get_data(as_text=True)
    # signed for someone else's address: this session does not invite them
    other = rsvp_service.token_for(uid_of(alpha, session["id"]), "intruder@x.test")
    assert client.get(f"/sessions/rsvp/{other}").status_code == 404
    assert attendee(alpha, GUEST).rsvp == "needs_action"


def test_an_expired_link_is_gone(alpha, api, client, monkeypatch):
    schedule(api, alpha)
    path = link_for(GUEST)
    monkeypatch.setattr(rsvp_service, "utcnow", lambda: datetime(2027, 3, 11, 8, 0))  # the end
    page = client.get(path)
    assert page.status_code == 410
    assert "has ended" in page.get_data(as_text=True)
    assert client.post(path, data={"answer": "accepted"}).status_code == 410
    assert attendee(alpha, GUEST).rsvp == "needs_action"
    monkeypatch.setattr(
        rsvp_service, "utcnow", lambda: datetime(2027, 3, 11, 8) - timedelta(minutes=1)
    )
    assert client.get(path).status_code == 200


def test_a_cancelled_session_says_so(alpha, api, client):
    session = schedule(api, alpha)
    path = link_for(GUEST)
    api(alpha.tokens["consultant"]).post(f"/api/v1/sessions/{session['id']}/cancel")
    page = client.post(path, data={"answer": "accepted"})
    assert page.status_code == 410
    assert "was cancelled" in page.get_data(as_text=True)
    assert attendee(alpha, GUEST).rsvp == "needs_action"


def test_a_removed_attendees_link_stops_working(alpha, api, client):
    session = schedule(api, alpha)
    path = link_for(GUEST)
    api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{session['id']}",
        json={"attendees": [{"email": LEADER, "role": "leader"}], "confirm_conflicts": True},
    )
    assert client.post(path, data={"answer": "accepted"}).status_code == 404


def test_the_organiser_sees_each_response(alpha, api, client, db_app):
    session = schedule(api, alpha)
    client.post(link_for(GUEST), data={"answer": "declined"})
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        row = queries.load(session["id"])
        brand = db.session.scalar(select(Brand).where(Brand.id == row.brand_id))
        context = responses.panel(row, brand)
        assert isinstance(row, StrategySession)
    counts = {c["answer"]: c["count"] for c in context["responses_counts"]}
    assert counts == {"accepted": 0, "tentative": 0, "declined": 1, "needs_action": 1}
    declined = next(r for r in context["responses"] if r["email"] == GUEST)
    assert declined["answer"] == "declined" and declined["responded_at"] is not None
    assert declined["name"] == "The CFO"
    with db_app.test_request_context():
        html = render_template("sessions/_responses.html", **context)
    assert "The CFO" in html and "Declined" in html and "No answer yet" in html
