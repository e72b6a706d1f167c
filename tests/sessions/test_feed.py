"""The personal calendar feed: does my secret URL list my sessions (cancelled ones marked so)
as a file calendars accept, does resetting revoke the old URL and turning it off end it,
and does nothing of another agency or of a brand I cannot see ever appear in it?"""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.extensions import db
from saas.models import User
from tenants.context import system_scope
from tests.ics_check import assert_valid_ics, run_validator
from tests.sessions.conftest import BODY, sessions_path
from tests.sessions.test_invitation_mail import LEADER, schedule

FEED = re.compile(r'value="http://tandem\.test(/calendar/[A-Za-z0-9_-]+\.ics)"')
ONE_UID = re.compile(r"^METHOD:PUBLISH carries \d+ UIDs; an iTIP message is about one$")


def assert_valid_feed(data: bytes) -> list[dict]:
    """The feed through libical's strict check.

    A published calendar may hold many events (RFC 5546 3.2.1), which the validator allows
    for PUBLISH only; on top, each event, alone in a copy of the feed with every VTIMEZONE,
    must pass ``assert_valid_ics`` as a one-event message would."""
    assert b"\r\nMETHOD:PUBLISH\r\n" in data
    status, times, messages = run_validator(data)
    problems = [m for m in messages.splitlines() if m.strip() and not ONE_UID.match(m)]
    assert status == 0 or not problems, messages
    lines = data.split(b"\r\n")
    head, zones, events, block = [], [], [], None
    for line in lines:
        if line in (b"BEGIN:VTIMEZONE", b"BEGIN:VEVENT"):
            block = [line]
        elif block is not None:
            block.append(line)
            if line in (b"END:VTIMEZONE", b"END:VEVENT"):
                (zones if line == b"END:VTIMEZONE" else events).append(block)
                block = None
        elif line not in (b"END:VCALENDAR", b""):
            head.append(line)
    for event in events:
        alone = [*head, *(x for z in zones for x in z), *event, b"END:VCALENDAR", b""]
        assert_valid_ics(b"\r\n".join(alone))
    return times


def turn_on(login_as, member) -> tuple[object, str]:
    client = login_as(member)
    page = client.post("/settings/calendar")
    assert page.status_code == 200
    found = FEED.search(page.get_data(as_text=True))
    assert found, "the new feed URL is shown"
    assert page.headers["Cache-Control"] == "no-store"
    return client, found.group(1)


def feed_hash(user_id: int) -> str | None:
    db.session.expire_all()
    with system_scope():
        return db.session.scalar(select(User.calendar_feed_hash).where(User.id == user_id))


def test_the_feed_lists_my_sessions_as_a_published_calendar(alpha, api, login_as):
    kept = schedule(api, alpha)
    gone = schedule(api, alpha, title="Called off", starts_at="2027-04-11T10:00")
    api(alpha.tokens["consultant"]).post(f"/api/v1/sessions/{gone['id']}/cancel")
    leader_id = alpha.leader.user_id
    client, path = turn_on(login_as, alpha.leader)
    assert feed_hash(leader_id) not in (None, path)  # stored hashed
    client.get("/logout")
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    times = assert_valid_feed(resp.data)
    by_start = {t["start"]: t for t in times}
    assert by_start["2027-03-11T07:00:00Z"]["status"] == "CONFIRMED"
    assert by_start["2027-04-11T07:00:00Z"]["status"] == "CANCELLED"
    assert len(times) == 2
    text = resp.data.decode().replace("\r\n ", "")
    assert "Q1 business review" in text and "ATTENDEE" not in text
    assert "ORGANIZER" in text  # PUBLISH requires it (RFC 5546 3.2.1)
    assert f"/brands/{alpha.brand.id}/sessions/{kept['id']}" in text
    # the organiser's feed has them too
    with system_scope():
        consultant = db.session.scalar(select(User).where(User.email == "consultant@alpha.test"))
    _client, organiser_path = turn_on(login_as, consultant)
    assert len(assert_valid_feed(_client.get(organiser_path).data)) == 2


def test_the_url_is_shown_once(alpha, login_as):
    client, path = turn_on(login_as, alpha.leader)
    again = client.get("/settings/calendar").get_data(as_text=True)
    assert path not in again and "not shown again" in again


def test_reset_asks_first_then_revokes_the_old_url(alpha, api, login_as):
    schedule(api, alpha)
    leader_id = alpha.leader.user_id
    client, old = turn_on(login_as, alpha.leader)
    before = feed_hash(leader_id)
    question = client.get("/settings/calendar/reset")
    assert question.status_code == 200 and "Reset your calendar feed address?" in (
        question.get_data(as_text=True)
    )
    assert feed_hash(leader_id) == before  # asking changes nothing
    done = client.post("/settings/calendar/reset")
    new = FEED.search(done.get_data(as_text=True)).group(1)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_it_off_ends_the_url(alpha, login_as):
    leader_id = alpha.leader.user_id
    client, path = turn_on(login_as, alpha.leader)
    assert "Turn your calendar feed off?" in client.get("/settings/calendar/off").get_data(
        as_text=True
    )
    assert client.get(path).status_code == 200
    client.post("/settings/calendar/off")
    assert feed_hash(leader_id) is None
    assert client.get(path).status_code == 404
    assert "Create my calendar feed" in client.get("/settings/calendar").get_data(as_text=True)


def test_an_unknown_url_is_not_found(client, db_app):
    assert client.get("/calendar/not-a-real-secret.ics").status_code == 404


def test_nothing_of_another_agency_or_a_hidden_brand_appears(alpha, bravo, api, login_as):
    schedule(api, alpha)
    # Bravo invites Alpha's leader by email: a guest there, not a member.
    bravo_body = {
        **BODY,
        "title": "Bravo secret review",
        "starts_at": "2027-05-11T10:00",
        "attendees": [{"email": LEADER, "role": "guest"}],
    }
    resp = api(bravo.tokens["consultant"]).post(sessions_path(bravo.brand), json=bravo_body)
    assert resp.status_code == 201, resp.get_json()
    # Alpha's other brand, which the leader cannot see, lists their email too.
    hidden = {**bravo_body, "title": "Alpha other brand review", "starts_at": "2027-06-11T10:00"}
    resp = api(alpha.tokens["consultant"]).post(sessions_path(alpha.other_brand), json=hidden)
    assert resp.status_code == 201, resp.get_json()
    client, path = turn_on(login_as, alpha.leader)
    data = client.get(path).data
    times = assert_valid_feed(data)
    text = data.decode().replace("\r\n ", "")
    assert "Q1 business review" in text
    assert "Bravo" not in text and "other brand" not in text
    assert len(times) == 1
