"""Answering an invitation without signing in: a signed link per attendee and session.

The token names the session's UID and the attendee's email, signed with the app's key and a
salt of its own (so an unsubscribe token is no RSVP token, nor the reverse).  It stores
nothing and is the same on every delivery attempt; it stops working when the session ends
(its *current* end: a reschedule moves it), when the session is cancelled, or when the person
is no longer invited.  Opening the link only shows the question (mail scanners follow
links); the answer is a POST, idempotent: answering the same again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from saas.domain.sessions import as_utc
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, SessionAttendee, StrategySession, User
from saas.services import audit
from saas.services.errors import Conflict, Gone, NotFound, ValidationFailed
from saas.transactions import use_case
from tenants.context import system_scope
from tenants.models import utcnow

SALT = "tandem.session-rsvp"
# What the stored email says instead of the recipient's token (see saas.services.mail).
PLACEHOLDER = "personal-link"
ANSWERS = ("accepted", "declined", "tentative")
TOKEN_MAX = 600


@dataclass(frozen=True)
class Where:
    """Which tenant a token's session lives in, found without any tenant scope."""

    agency_id: int
    brand_id: int
    uid: str
    email: str


@dataclass
class Invitation:
    """What the RSVP page shows: the session, the person's row, and whose clock to use."""

    session: StrategySession
    attendee: SessionAttendee
    brand: Brand
    agency: Agency
    member: User | None
    organiser_name: str | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(uid: str, email: str) -> str:
    return _serializer().dumps([str(uid), str(email).strip().lower()])


def read_token(token: str) -> tuple[str, str] | None:
    """``(uid, email)`` of a genuine token, else ``None`` (tampered, truncated, foreign)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        value: Any = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, str) and v for v in value)
    ):
        return None
    return value[0], value[1]


def url(token: str, answer: str | None = None) -> str:
    """The absolute link, built without a request (emails render in jobs too)."""
    values = {"token": token}
    if answer is not None:
        values["answer"] = answer
    path = current_app.url_map.bind("localhost").build("session_links.rsvp", values)
    return f"{current_app.config['BASE_URL']}{path}"


def locate(token: str) -> Where | None:
    """The tenant of a token's session, looked up across agencies (the link names none).

    Only plain columns are read, so nothing enters the identity map without its criteria."""
    found = read_token(token)
    if found is None:
        return None
    uid, email = found
    with system_scope():
        row = db.session.execute(
            select(StrategySession.agency_id, StrategySession.brand_id).where(
                StrategySession.uid == uid
            )
        ).first()
    if row is None:
        return None
    return Where(agency_id=row[0], brand_id=row[1], uid=uid, email=email)


def load(where: Where) -> Invitation:
    """In the session's tenant scope: the session and this person's place in it.

    ``NotFound`` when the person is no longer invited."""
    session = db.session.scalar(
        select(StrategySession)
        .where(StrategySession.uid == where.uid)
        .options(selectinload(StrategySession.attendees))
    )
    attendee = next(
        (a for a in (session.attendees if session else []) if a.email == where.email), None
    )
    if session is None or attendee is None:
        raise NotFound(_("This invitation is no longer valid. Ask the organiser for a new one."))
    brand = db.session.scalar(select(Brand).where(Brand.id == session.brand_id))
    agency = db.session.scalar(select(Agency).where(Agency.id == session.agency_id))
    member = (
        db.session.scalar(select(User).where(User.id == attendee.user_id))
        if attendee.user_id is not None
        else None
    )
    organiser = (
        db.session.scalar(select(User.name).where(User.id == session.created_by_id))
        if session.created_by_id
        else None
    )
    assert brand is not None and agency is not None  # the session's own tenant
    return Invitation(session, attendee, brand, agency, member, organiser)


def check_open(invitation: Invitation, *, now: datetime | None = None) -> None:
    """Refuse an answer to a session that was cancelled or has ended."""
    session = invitation.session
    if session.status == "cancelled":
        raise Conflict(
            _("This session was cancelled: there is nothing to answer."), code="cancelled"
        )
    clock = as_utc(now) if now is not None else as_utc(utcnow())
    if clock >= as_utc(session.ends_at) or session.status == "done":
        raise Gone(_("This session has ended, so the link no longer works."))


@use_case
def respond(
    invitation: Invitation, answer: str, *, now: datetime | None = None
) -> tuple[Invitation, bool]:
    """Record the answer; ``(invitation, changed)``.  The same answer again changes nothing."""
    if answer not in ANSWERS:
        raise ValidationFailed(
            _("Please correct the highlighted fields."),
            {"answer": _("Choose accept, decline or tentative.")},
        )
    check_open(invitation, now=now)
    attendee = invitation.attendee
    if attendee.rsvp == answer:
        return invitation, False
    previous = attendee.rsvp
    attendee.rsvp = answer
    attendee.responded_at = (as_utc(now).replace(tzinfo=None)) if now is not None else utcnow()
    audit.record(
        "session.rsvp",
        invitation.session,
        brand_id=invitation.session.brand_id,
        attendee=attendee.email,
        answer=answer,
        previous=previous,
    )
    db.session.flush()
    return invitation, True
