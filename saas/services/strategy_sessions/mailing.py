"""Invitations, updates and cancellations by email: one message per attendee, each with the
iTIP file calendars act on (``REQUEST`` or ``CANCEL``, the session's UID and SEQUENCE).

- **Scheduled**: every attendee gets the invitation (``METHOD:REQUEST``).
- **Updated** (time, place, title or attendees): the attendees still invited get the update
  (same UID, the raised SEQUENCE); a person added by this change gets an invitation instead;
  a person removed gets a ``CANCEL`` naming only them, and nothing more after it.  A person
  who declined is not written to about changes (only a cancellation reaches them).
- **Cancelled**: everyone gets the ``CANCEL``.

Each email is in the recipient's language, with the time on their clock: a member's own zone
(else the brand's); a guest has none in Tandem, so the organiser's zone and UTC.  A guest is
only an email address: nothing is read from any account it may belong to.  Invitations are
required mail (not ``PRODUCT_MAIL``): nobody can turn them off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from saas.domain import ics
from saas.extensions import db
from saas.i18n import LANGUAGES
from saas.i18n import lazy_gettext as _l
from saas.models import (
    Agency,
    Brand,
    Membership,
    OutboxMessage,
    SessionAttendee,
    StrategySession,
    User,
)
from saas.presentation import session_times
from saas.services import mail
from saas.services.strategy_sessions import rsvp
from saas.services.strategy_sessions.invites import invite_of
from saas.services.strategy_sessions.people import zone_of
from tenants.models import utcnow

# What an update email says changed, in the reader's language (lazy: rendered per locale).
CHANGE_LABELS: dict[str, Any] = {
    "starts_at": _l("the time"),
    "duration_minutes": _l("the length"),
    "timezone": _l("the time zone"),
    "location": _l("the place"),
    "title": _l("the title"),
    "attendees": _l("the attendees"),
}

if TYPE_CHECKING:
    from saas.services.strategy_sessions.effects import Change

INVITATION = "session_invitation"
CANCELLATION = "session_cancelled"
# An update of any of these is worth an email; the kind alone changes nothing in calendars.
MAILED_FIELDS = frozenset(
    {"starts_at", "duration_minutes", "location", "timezone", "title", "attendees"}
)


def send_invitations(changes: Sequence[Change], *, now: datetime) -> None:
    """Queue one REQUEST or CANCEL email per attendee of each changed session."""
    for change in changes:
        _send_for(change, now=now)


def _send_for(change: Change, *, now: datetime) -> None:
    session = change.session
    what = change.what
    if what == "updated" and not (change.fields & MAILED_FIELDS) and not change.removed:
        return
    if session.ends_at <= utcnow():
        # Recorded after it took place (the clock set back): nobody's calendar needs it.
        return
    brand = db.session.scalar(select(Brand).where(Brand.id == session.brand_id))
    agency = db.session.scalar(select(Agency).where(Agency.id == session.agency_id))
    if brand is None or agency is None:
        return
    organiser = _organiser(session)
    invite = invite_of(session, now=now, organiser=organiser)
    attendees = list(session.attendees)
    members = _members(attendees)
    changed = [label for key, label in CHANGE_LABELS.items() if key in change.fields]
    sender = _Sender(session, brand, agency, organiser, members, changed)

    if what == "cancelled":
        data = ics.cancel(invite)
        for attendee in attendees:
            sender.send(attendee, CANCELLATION, "cancelled", data, "CANCEL")
        return

    if what == "updated":
        for email in change.removed:
            gone = ics.InviteAttendee(email=email, name=email, part="guest")
            # A CANCEL follows a REQUEST; an attendee change alone need not raise SEQUENCE.
            alone = dataclasses.replace(
                invite, attendees=(gone,), sequence=max(session.sequence, 1)
            )
            sender.send_removed(email, ics.cancel(alone))
    if not attendees:
        return
    data = ics.request(invite)
    if what == "scheduled":
        for attendee in attendees:
            sender.send(attendee, INVITATION, "invitation", data, "REQUEST")
        return
    invited = _already_invited(session.uid, [a.email for a in attendees])
    others_changed = bool((change.fields & MAILED_FIELDS) - {"attendees"})
    for attendee in attendees:
        if attendee.email not in invited:
            sender.send(attendee, INVITATION, "invitation", data, "REQUEST")
        elif others_changed and attendee.rsvp != "declined":
            sender.send(attendee, INVITATION, "updated", data, "REQUEST")


def _organiser(session: StrategySession) -> User | None:
    if not session.created_by_id:
        return None
    return db.session.scalar(select(User).where(User.id == session.created_by_id))


def _members(attendees: Sequence[SessionAttendee]) -> dict[int, User]:
    """The accounts of the attendees who are members (``user_id``); guests have none here."""
    ids = sorted({a.user_id for a in attendees if a.user_id is not None})
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _already_invited(uid: str, emails: Sequence[str]) -> set[str]:
    """Who was sent this session's invitation and not uninvited since (the outbox keeps it)."""
    if not emails:
        return set()
    rows = db.session.execute(
        select(OutboxMessage.to_email, OutboxMessage.kind)
        .where(
            OutboxMessage.kind.in_((INVITATION, CANCELLATION)),
            OutboxMessage.to_email.in_(list(emails)),
            OutboxMessage.context[("rsvp", "uid")].as_string() == uid,
        )
        .order_by(OutboxMessage.id)
    ).all()
    last: dict[str, str] = {}
    for email, kind in rows:
        last[email] = kind
    return {email for email, kind in last.items() if kind == INVITATION}


@dataclasses.dataclass
class _Sender:
    """Renders and queues each recipient's email for one session."""

    session: StrategySession
    brand: Brand
    agency: Agency
    organiser: User | None
    members: dict[int, User]
    changed: list[Any]

    def locale_for(self, user: User | None) -> str:
        """A member's own language, else the brand's, else the agency's; a guest has only
        the last two."""
        for locale in (
            user.locale if user is not None else None,
            self.brand.language,
            self.agency.default_locale,
        ):
            if locale in LANGUAGES:
                return locale
        return "en"

    def times_for(self, user: User | None, locale: str) -> list[session_times.LocalTime]:
        s = self.session
        if user is None:
            return list(
                session_times.for_guest(s.starts_at, s.duration_minutes, s.timezone, locale)
            )
        zone = zone_of(user, self.brand.timezone)
        return [session_times.local(s.starts_at, s.duration_minutes, zone, locale)]

    def context(self, user: User | None, locale: str) -> dict[str, Any]:
        s = self.session
        return {
            "agency_name": self.agency.name,
            "accent_color": self.agency.accent_color,
            "brand_name": self.brand.name,
            "title": s.title,
            "session_kind": s.kind,
            "location": s.location or "",
            "organiser_name": self.organiser.name if self.organiser is not None else None,
            "changed": self.changed,
            "times": self.times_for(user, locale),
            "is_member": user is not None,
            "attendee_names": [a.name or a.email for a in s.attendees],
            "session_url": mail.app_url("sessions.show", brand_id=s.brand_id, session_id=s.id)
            if user is not None
            else None,
        }

    def send(
        self, attendee: SessionAttendee, kind: str, what: str, data: bytes, method: str
    ) -> None:
        user = self.members.get(attendee.user_id) if attendee.user_id is not None else None
        locale = self.locale_for(user)
        links = (
            {answer: rsvp.url(rsvp.PLACEHOLDER, answer) for answer in rsvp.ANSWERS}
            if method == "REQUEST"
            else {}
        )
        mail.queue_email(
            to=attendee.email,
            template=kind,
            kind=kind,
            locale=locale,
            calendar=(data, method),
            rsvp={"uid": self.session.uid, "email": attendee.email},
            what=what,
            recipient_name=attendee.name,
            rsvp_urls=links,
            **self.context(user, locale),
        )

    def send_removed(self, email: str, data: bytes) -> None:
        """A person taken off the list: the CANCEL for them alone.  Their row is gone, so a
        member is recognised among this agency's members only (anyone else is a guest)."""
        user = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(User.email == email, User.is_active_user.is_(True))
        )
        locale = self.locale_for(user)
        mail.queue_email(
            to=email,
            template=CANCELLATION,
            kind=CANCELLATION,
            locale=locale,
            calendar=(data, "CANCEL"),
            rsvp={"uid": self.session.uid, "email": email},
            what="removed",
            recipient_name=user.name if user is not None else None,
            rsvp_urls={},
            **self.context(user, locale),
        )
