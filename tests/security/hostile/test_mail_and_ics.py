"""Injection into e-mail (subjects, HTML parts) and ICS invitations.

Issue 14 item 3.  People's text may hold line breaks (the JSON API and textareas allow CR
and LF): in a subject they must not start a header of their own, and in an ICS file a CR
must not end a content line (which would let a title add an ATTENDEE or ORGANIZER).
"""

from __future__ import annotations

import email
import os
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
from flask import current_app
from jinja2 import meta

from saas.domain import ics
from saas.services import mail
from tests.conftest import wait_for_jobs
from tests.ics_check import assert_valid_ics
from tests.mailbox import inbox
from tests.sessions.conftest import BODY, sessions_path

CRLF_HEADER = "Eve\r\nBcc: evil@attacker.example\r\n\r\n"
HTML = "\"'><i x=pwn><img src=x onerror=alert(1)>"
PAYLOAD = CRLF_HEADER + HTML
CR_PROPERTY = "Q1\rATTENDEE;RSVP=TRUE:mailto:evil@attacker.example\rX"

# Context values that are not text in any template (numbers, dates, lists, choices).
TYPED = {
    "ttl_minutes": 30,
    "days_waiting": 3,
    "stage": 1,
    "failures": 10,
    "minutes": 15,
    "tokens_revoked": 2,
    "expires_at": datetime(2027, 1, 1, tzinfo=UTC),
    "due_at": datetime(2027, 1, 1, tzinfo=UTC),
    "submitted_at": datetime(2027, 1, 1, tzinfo=UTC),
    "brand_names": [PAYLOAD],
    "all_brands": False,
    "requested_by": PAYLOAD,
}


def _templates() -> list[str]:
    folder = Path(current_app.root_path).parent / "templates" / "email"
    return sorted(p.stem for p in folder.glob("*.html") if p.stem != "base")


def test_every_email_template_keeps_subjects_on_one_line_and_escapes_html(db_app):
    env = db_app.jinja_env
    checked = 0
    with db_app.test_request_context():
        for name in _templates():
            source = env.loader.get_source(env, f"email/{name}.html")[0]
            context = {
                n: TYPED.get(n, PAYLOAD) for n in meta.find_undeclared_variables(env.parse(source))
            }
            subject, text, html = mail.render_email(name, "en", **context)
            assert "\r" not in subject and "\n" not in subject, name
            assert "<i x=pwn>" not in html and "<img src=x" not in html, name
            message = mail._build("to@client.example", subject, text, html or None)
            parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
            assert parsed["Bcc"] is None, name
            assert list(parsed.keys()).count("Subject") == 1, name
            checked += 1
    assert checked >= 15


def test_a_subject_stored_with_a_line_break_is_still_one_header(db_app):
    """Rows written before the fix: the message is still built, on one line."""
    message = mail._build("to@client.example", "Hi " + CRLF_HEADER + "there", "t", None)
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["Bcc"] is None
    assert str(parsed["Subject"]) == "Hi Eve Bcc: evil@attacker.example there"


def _invite(**changes) -> ics.Invite:
    values = dict(
        uid="s-1@tandem.test",
        sequence=0,
        title=CR_PROPERTY,
        description="Line 1\rORGANIZER:mailto:evil@attacker.example\r\nLine 3\nEND:VEVENT",
        location="Room\r\nX-EVIL:1",
        starts_at_utc=datetime(2027, 3, 11, 7, 0, tzinfo=UTC),
        duration_minutes=60,
        timezone="Asia/Riyadh",
        organiser_email="consultant@alpha.test",
        organiser_name='Con"sul\r\ntant:mailto:evil@attacker.example',
        attendees=[
            ics.InviteAttendee(
                email="leader@alpha.test", name="Lea;der\rATTENDEE:mailto:x@y", part="leader"
            )
        ],
        dtstamp_utc=datetime(2027, 3, 1, tzinfo=UTC),
    )
    values.update(changes)
    return ics.Invite(**values)


def _content_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert "\r" not in text.replace("\r\n", ""), "a bare CR in the file"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF in the file"
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


@pytest.mark.parametrize("make", [ics.request, ics.cancel], ids=["REQUEST", "CANCEL"])
def test_line_breaks_in_ics_text_cannot_add_properties(make):
    lines = _content_lines(make(_invite(sequence=1)))
    attendees = [ln for ln in lines if ln.startswith("ATTENDEE")]
    organisers = [ln for ln in lines if ln.startswith("ORGANIZER")]
    assert len(attendees) == 1 and "leader@alpha.test" in attendees[0]
    assert len(organisers) == 1 and organisers[0].endswith("mailto:consultant@alpha.test")
    assert not any(ln.startswith(("X-EVIL", "END:VEVENT:")) for ln in lines)
    assert sum(ln == "END:VEVENT" for ln in lines) == 1
    summary = next(ln for ln in lines if ln.startswith("SUMMARY"))
    assert "\\nATTENDEE" in summary  # kept as text, escaped


def test_the_feed_escapes_the_same_way():
    lines = _content_lines(ics.feed([_invite()], "Alpha"))
    assert not any(ln.startswith("ATTENDEE") and "evil" in ln for ln in lines)
    assert all(
        "evil@attacker.example" not in ln or ln.startswith(("SUMMARY", "DESCRIPTION"))
        for ln in lines
    )


def test_a_hostile_session_title_through_the_api_reaches_mail_and_calendar_safely(
    db_app, alpha, api
):
    """End to end: the title goes in through the API; the invitation is delivered with a
    one-line subject, an escaped HTML part and a calendar file libical accepts."""
    body = {
        **BODY,
        "title": "Q1\rATTENDEE:mailto:evil@attacker.example\r\nBcc: evil@attacker.example",
        "attendees": [{"email": "leader@alpha.test", "role": "leader"}],
        "confirm_conflicts": True,
    }
    client = api(alpha.tokens["consultant"])
    resp = client.post(sessions_path(alpha.brand), json=body)
    assert resp.status_code == 422  # a title is one line: the API refuses the line breaks
    assert "title" in resp.get_json()["error"]["fields"]
    body["title"] = "Q1 ATTENDEE:mailto:evil@attacker.example; Bcc: x \"'><i x=pwn>"
    resp = client.post(sessions_path(alpha.brand), json=body)
    assert resp.status_code == 201, resp.get_json()
    wait_for_jobs(db_app, expire=False)
    assert inbox("leader@alpha.test", wait_for=1)
    folder = Path(db_app.config["MAIL_FILE_DIR"])
    found = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"), key=os.path.getmtime)
    ]
    invitation = [m for m in found if str(m["To"]) == "leader@alpha.test"][-1]
    assert invitation["Bcc"] is None
    assert "\n" not in str(invitation["Subject"])
    html = invitation.get_body(preferencelist=("html",)).get_content()
    assert "<i x=pwn>" not in html
    part = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
    data = part.get_payload(decode=True)
    lines = _content_lines(data)
    assert not any("evil@attacker.example" in ln for ln in lines if ln.startswith("ATTENDEE"))
    assert_valid_ics(data)
