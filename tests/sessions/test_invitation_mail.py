"""Invitations by email: does each attendee get one email, in their language, with the time
on their clock and an iTIP file their calendar accepts, and do updates, removals and
cancellations replace or remove the event instead of adding a second one?

Mail is read where its recipient reads it (the delivered .eml files), waiting for the real
worker under PostgreSQL + Redis (``inbox(to, wait_for=n)``)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, StrategySession, User
from tenants.context import system_scope, tenant_scope
from tests.conftest import wait_for_jobs
from tests.ics_check import assert_valid_ics
from tests.mailbox import inbox
from tests.sessions.conftest import BODY, sessions_path

GUEST = "cfo@client.example"
LEADER = "leader@alpha.test"  # alpha's client leader (tests.factories.world)


def _people(world, *extra):
    return [
        {"email": f"leader@{world.agency.name.split()[0].lower()}.test", "role": "leader"},
        {"email": GUEST, "role": "guest", "name": "The CFO"},
        *extra,
    ]


def schedule(api, world, **changes):
    body = {**BODY, "attendees": _people(world), "confirm_conflicts": True, **changes}
    resp = api(world.tokens["consultant"]).post(sessions_path(world.brand), json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def set_user(user_id: int, **values) -> None:
    with system_scope():
        user = db.session.scalar(select(User).where(User.id == user_id))
        for key, value in values.items():
            setattr(user, key, value)
        db.session.commit()


def delivered(to: str, count: int) -> list[EmailMessage]:
    """The ``count`` messages delivered to ``to`` (waiting for them, and for the real
    worker's queue to drain, so a message still on its way is counted), parsed."""
    wait_for_jobs(current_app, expire=False)
    assert len(inbox(to, wait_for=count)) == count, [m.subject for m in inbox(to)]
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    found = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]
    return [m for m in found if str(m["To"]) == to]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_of(message: EmailMessage) -> tuple[str, bytes, bytes]:
    """(the calendar part's Content-Type, its bytes, the attached invite.ics's bytes)."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    attached = next(p for p in message.iter_attachments() if p.get_filename() == "invite.ics")
    assert attached.get_content_type() == "application/ics"
    return str(part["Content-Type"]), part.get_payload(decode=True), attached.get_content()


def uid_of(world, session_id: int) -> str:
    with tenant_scope(world.agency.id):
        return db.session.scalar(
            select(StrategySession.uid).where(StrategySession.id == session_id)
        )


def outbox_rows(world) -> list[OutboxMessage]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_each_attendee_gets_one_request_their_calendar_accepts(alpha, api):
    session = schedule(api, alpha)
    uid = uid_of(alpha, session["id"])
    for to in (LEADER, GUEST):
        (message,) = delivered(to, 1)
        assert message["Subject"] == "Invitation: Q1 business review"
        content_type, data, attached = calendar_of(message)
        assert "text/calendar" in content_type and 'method="REQUEST"' in content_type
        assert data == attached
        (event,) = assert_valid_ics(data)
        assert event["uid"] == uid and event["sequence"] == 0
        assert event["start"] == "2027-03-11T07:00:00Z"
        body = text_of(message)
        assert "https://meet.example/qbr" in body and "The CFO" in body
        assert "/sessions/rsvp/personal-link" not in body  # the real, signed link
        assert body.count("http://tandem.test/sessions/rsvp/") == 3
    member_body = text_of(delivered(LEADER, 1)[0])
    guest_body = text_of(delivered(GUEST, 1)[0])
    page = f"http://tandem.test/brands/{alpha.brand.id}/sessions/{session['id']}"
    assert page in member_body and page not in guest_body
    # the owner's outbox holds the file and the method, but nobody's working RSVP link
    rows = outbox_rows(alpha)
    assert {r.to_email for r in rows} == {LEADER, GUEST}
    for row in rows:
        assert row.kind == "session_invitation" and row.calendar_method == "REQUEST"
        assert_valid_ics(row.calendar_ics.encode())
        assert "/sessions/rsvp/personal-link?answer=accepted" in row.body_text


def test_the_time_is_on_each_readers_clock_on_both_sides_of_the_us_change(alpha, api):
    set_user(alpha.leader.user_id, timezone="America/New_York")
    schedule(api, alpha, starts_at="2027-03-11T10:00")  # New York still on EST (UTC-5)
    schedule(api, alpha, starts_at="2027-03-18T10:00", title="After the change")  # EDT
    before, after = delivered(LEADER, 2)
    assert after["Subject"] == "Invitation: After the change"
    assert "02:00–03:00" in text_of(before) and "New York" in text_of(before)
    assert "03:00–04:00" in text_of(after) and "New York" in text_of(after)
    assert "10:00" not in text_of(after)
    # a guest has no zone here: the organiser's and UTC
    guest_before, guest_after = delivered(GUEST, 2)
    for message, utc in ((guest_before, "07:00–08:00"), (guest_after, "07:00–08:00")):
        body = text_of(message)
        assert "10:00–11:00" in body and utc in body and "UTC" in body
        assert "New York" not in body


def test_an_arabic_member_gets_the_invitation_in_arabic(alpha, api):
    set_user(alpha.leader.user_id, locale="ar")
    schedule(api, alpha)
    (arabic,) = delivered(LEADER, 1)
    assert arabic["Subject"].startswith("دعوة")
    body = text_of(arabic)
    assert "الخميس" in body  # Thursday, in Babel's Arabic
    assert "قبول" in body and "اعتذار" in body and "ربما" in body
    html = arabic.get_body(preferencelist=("html",)).get_content()
    assert 'dir="rtl"' in html
    (english,) = delivered(GUEST, 1)  # the brand's language for a guest
    assert english["Subject"].startswith("Invitation")


def test_an_update_keeps_the_uid_and_raises_the_sequence(alpha, api):
    session = schedule(api, alpha)
    uid = uid_of(alpha, session["id"])
    moved = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{session['id']}",
        json={"starts_at": "2027-03-11T11:00", "confirm_conflicts": True},
    )
    assert moved.status_code == 200, moved.get_json()
    for to in (LEADER, GUEST):
        first, update = delivered(to, 2)
        assert update["Subject"] == "Updated: Q1 business review"
        assert "What changed: the time." in text_of(update)
        (old,) = assert_valid_ics(calendar_of(first)[1])
        (new,) = assert_valid_ics(calendar_of(update)[1])
        assert new["uid"] == old["uid"] == uid
        assert new["sequence"] > old["sequence"]
        assert new["start"] == "2027-03-11T08:00:00Z"


def test_a_change_of_kind_alone_sends_nothing(alpha, api):
    session = schedule(api, alpha)
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{session['id']}", json={"kind": "strategy_workshop"}
    )
    assert resp.status_code == 200
    assert len(delivered(GUEST, 1)) == 1
    assert len(outbox_rows(alpha)) == 2


def test_cancelling_sends_a_cancel_with_the_same_uid(alpha, api):
    session = schedule(api, alpha)
    uid = uid_of(alpha, session["id"])
    resp = api(alpha.tokens["consultant"]).post(f"/api/v1/sessions/{session['id']}/cancel")
    assert resp.status_code == 200
    for to in (LEADER, GUEST):
        first, cancelled = delivered(to, 2)
        assert cancelled["Subject"] == "Cancelled: Q1 business review"
        content_type, data, _attached = calendar_of(cancelled)
        assert 'method="CANCEL"' in content_type
        assert b"METHOD:CANCEL\r\n" in data
        (event,) = assert_valid_ics(data)
        (request,) = assert_valid_ics(calendar_of(first)[1])
        assert event["uid"] == uid and event["status"] == "CANCELLED"
        assert event["sequence"] > request["sequence"]


def test_a_removed_attendee_gets_a_cancel_for_them_alone_and_a_new_one_the_request(alpha, api):
    session = schedule(api, alpha)
    newcomer = "coo@client.example"
    resp = api(alpha.tokens["consultant"]).patch(
        f"/api/v1/sessions/{session['id']}",
        json={
            "attendees": [
                {"email": LEADER, "role": "leader"},
                {"email": newcomer, "role": "guest"},
            ],
            "confirm_conflicts": True,
        },
    )
    assert resp.status_code == 200, resp.get_json()
    _invited, removed = delivered(GUEST, 2)
    assert removed["Subject"] == "No longer invited: Q1 business review"
    _type, data, _attached = calendar_of(removed)
    (event,) = assert_valid_ics(data)
    assert event["status"] == "CANCELLED" and event["sequence"] >= 1
    unfolded = data.decode().replace("\r\n ", "")
    assert f"mailto:{GUEST}" in unfolded and LEADER not in unfolded
    (welcome,) = delivered(newcomer, 1)
    assert welcome["Subject"] == "Invitation: Q1 business review"
    assert assert_valid_ics(calendar_of(welcome)[1])[0]["uid"] == uid_of(alpha, session["id"])
    # the attendee who stayed is not told about someone else's invitation
    assert len(delivered(LEADER, 1)) == 1


def test_someone_who_declined_hears_only_of_the_cancellation(alpha, api):
    session = schedule(api, alpha)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(StrategySession).where(StrategySession.id == session["id"]))
        from saas.models import SessionAttendee

        guest = db.session.scalar(
            select(SessionAttendee).where(
                SessionAttendee.session_id == row.id, SessionAttendee.email == GUEST
            )
        )
        guest.rsvp = "declined"
        db.session.commit()
    path = f"/api/v1/sessions/{session['id']}"
    owner = api(alpha.tokens["consultant"])
    moved = owner.patch(path, json={"location": "Riyadh office", "confirm_conflicts": True})
    assert moved.status_code == 200
    assert len(delivered(LEADER, 2)) == 2
    assert owner.post(f"{path}/cancel").status_code == 200
    _first, cancelled = delivered(GUEST, 2)
    assert cancelled["Subject"].startswith("Cancelled")


def test_a_guest_with_an_account_in_another_agency_is_only_a_guest(alpha, bravo, api):
    outsider = "leader@bravo.test"
    set_user(bravo.leader.user_id, locale="ar", timezone="America/New_York")
    schedule(api, alpha, attendees=[{"email": outsider, "role": "guest"}])
    (message,) = delivered(outsider, 1)
    body = text_of(message)
    assert message["Subject"].startswith("Invitation")  # the brand's language, not theirs
    assert "10:00–11:00" in body and "07:00–08:00" in body and "New York" not in body
    assert "Bravo Leader" not in body and "/brands/" not in body


def test_a_retried_delivery_sends_the_same_calendar_part_and_link(alpha, api):
    from saas.services import mail

    schedule(api, alpha)
    (first,) = delivered(GUEST, 1)
    with tenant_scope(alpha.agency.id):
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_email == GUEST))
        row.status = "retrying"  # as after a failed attempt
        db.session.commit()
        mail.deliver(row.id)
        db.session.commit()
    _first, retried = delivered(GUEST, 2)
    assert calendar_of(retried)[1] == calendar_of(first)[1]
    assert text_of(retried) == text_of(first)  # the same signed RSVP links
