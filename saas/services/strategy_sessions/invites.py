"""A session as an iTIP message: ``METHOD:REQUEST`` while it takes place, ``METHOD:CANCEL``
once cancelled, with the session's stable UID and current SEQUENCE (``saas.domain.ics``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from saas.domain import ics
from saas.domain.sessions import as_utc
from saas.extensions import db
from saas.models import StrategySession, User

RSVP = {
    "needs_action": "NEEDS-ACTION",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
}


_UNSET: Any = object()


def invite_of(
    session: StrategySession,
    *,
    now: datetime | None = None,
    organiser: User | None = _UNSET,
    url: str | None = None,
) -> ics.Invite:
    """The session as plain values for ``saas.domain.ics``.  ``organiser`` (the creator's
    account, or None) spares a query when the caller has it; ``url`` links the event."""
    if organiser is _UNSET:
        organiser = (
            db.session.scalar(select(User).where(User.id == session.created_by_id))
            if session.created_by_id
            else None
        )
    host = session.uid.rsplit("@", 1)[-1]
    return ics.Invite(
        uid=session.uid,
        sequence=session.sequence,
        title=session.title,
        description="",
        location=session.location or "",
        starts_at_utc=as_utc(session.starts_at),
        duration_minutes=session.duration_minutes,
        timezone=session.timezone,
        organiser_email=organiser.email if organiser else f"sessions@{host}",
        organiser_name=organiser.name if organiser else "Tandem",
        attendees=tuple(
            ics.InviteAttendee(
                email=a.email,
                name=a.name or a.email,
                part=a.part,
                rsvp_status=RSVP.get(a.rsvp, "NEEDS-ACTION"),  # type: ignore[arg-type]
            )
            for a in session.attendees
        ),
        status="cancelled" if session.status == "cancelled" else "scheduled",
        url=url,
        dtstamp_utc=as_utc(now) if now is not None else datetime.now(UTC),
    )


def invite_ics(session: StrategySession, *, now: datetime | None = None) -> tuple[bytes, str]:
    """(the file, its METHOD) for downloading or attaching to an email."""
    invite = invite_of(session, now=now)
    if session.status == "cancelled":
        return ics.cancel(invite), "CANCEL"
    return ics.request(invite), "REQUEST"
