"""Calendar invitations that calendars accept: RFC 5545 objects and RFC 5546 (iTIP) messages.

Pure: it takes an :class:`Invite` (plain values, times already in UTC) and answers with the bytes
of a ``.ics`` file.  The rules that scheduling tools get wrong, and that this module keeps:

- one **stable UID** per session (:func:`uid_for`), so an update moves the event instead of
  adding a second one;
- **SEQUENCE** comes from the caller and is raised on every change of time or place; a cancel
  carries a higher one than the last request;
- a cancellation is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``, never a REQUEST with a cancelled
  status (which leaves the event in the attendee's calendar) - :func:`request` refuses one;
- times are written in the **organiser's zone** with a ``TZID`` and a ``VTIMEZONE`` built from
  the zone's transitions, so a client shows the right hour on both sides of a daylight-saving
  change; ``DTSTAMP`` is UTC.

Escaping of text (commas, semicolons, newlines), UTF-8 and folding at 75 octets are the
``icalendar`` library's; tests/ics_validate.py checks the result with libical, which is stricter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vRecur, vText

PRODID = "-//Tandem//Leadership sessions//EN"
METHODS = ("REQUEST", "CANCEL")
RSVP_STATUSES = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE")
_UTC_KEYS = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"}
# RRULE for each recurrence the sessions offer.  RFC 5545 skips a month without the start's
# day (a series on the 31st has no February occurrence): the caller's series must agree.
_RRULES = {
    "week": {"FREQ": "WEEKLY"},
    "month": {"FREQ": "MONTHLY"},
    "quarter": {"FREQ": "MONTHLY", "INTERVAL": 3},
}

RsvpStatus = Literal["NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE"]


@dataclass(frozen=True)
class InviteAttendee:
    """One person invited; ``part`` is their part in the session (kept for the caller, not sent)."""

    email: str
    name: str
    part: str
    rsvp_status: RsvpStatus = "NEEDS-ACTION"


@dataclass(frozen=True)
class Recurrence:
    """A series: ``every`` week, month or quarter, ``count`` occurrences in all."""

    every: Literal["week", "month", "quarter"]
    count: int


@dataclass(frozen=True, kw_only=True)
class Invite:
    """A session as a calendar sees it.  Datetimes are aware and in UTC; ``dtstamp_utc`` is when
    the message is made (the caller's clock: the domain reads none)."""

    uid: str
    sequence: int
    title: str
    description: str
    location: str
    starts_at_utc: datetime
    duration_minutes: int
    timezone: str  # the organiser's IANA zone, e.g. "Asia/Riyadh"
    organiser_email: str
    organiser_name: str
    attendees: tuple[InviteAttendee, ...] | list[InviteAttendee] = ()
    status: Literal["scheduled", "cancelled"] = "scheduled"
    url: str | None = None
    dtstamp_utc: datetime
    # One occurrence of a series (its original start): the message is about that one only.
    occurrence_recurrence_id_utc: datetime | None = None
    recurrence: Recurrence | None = field(default=None)


def uid_for(session_id: int | str, domain: str) -> str:
    """The session's UID: depends on nothing an edit can change, so updates replace the event."""
    session = str(session_id).strip()
    host = domain.strip().lower()
    if not session or not host or "@" in host:
        raise ValueError("uid_for needs a session id and a bare domain")
    return f"tandem-session-{session}@{host}"


def mime_part_headers(method: str) -> dict[str, str]:
    """Headers of the e-mail part that makes mail clients show accept / decline."""
    method = _method(method)
    return {"Content-Type": f"text/calendar; method={method}; charset=UTF-8"}


def request(invite: Invite) -> bytes:
    """``METHOD:REQUEST``: a new invitation, or an update of one (same UID, higher SEQUENCE)."""
    if invite.status == "cancelled":
        raise ValueError("a cancelled session is sent with cancel(), not as a REQUEST")
    return _message("REQUEST", invite)


def cancel(invite: Invite) -> bytes:
    """``METHOD:CANCEL`` for the attendees given; the caller passes a SEQUENCE above the last."""
    if invite.sequence < 1:
        raise ValueError("a cancel follows a request, so its SEQUENCE is at least 1")
    return _message("CANCEL", invite)


def feed(events: list[Invite], name: str, *, method: Literal["PUBLISH"] | None = None) -> bytes:
    """A personal calendar feed: one VEVENT per session, a plain VCALENDAR or ``PUBLISH``.

    No ATTENDEE: a subscribed calendar is read-only, and attendees make some clients treat each
    event as an invitation to answer.  ``METHOD:PUBLISH`` (RFC 5546 3.2.1) requires the
    ORGANIZER, so a published feed names it, and nothing else about the people.
    """
    if method not in (None, "PUBLISH"):
        raise ValueError("a feed is published, or has no METHOD")
    calendar = _calendar(method=method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    # a bare timedelta here comes out as "1:00:00", which libical drops: say it is a duration
    calendar.add(
        "refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", "PT1H")
    zones: dict[str, tuple[int, int]] = {}
    vevents = []
    for invite in events:
        _check(invite)
        vevents.append(_event(invite, method=method))
        key = _zone_key(invite.timezone)
        if key is not None:
            first, last = _years(invite)
            old = zones.get(key, (first, last))
            zones[key] = (min(old[0], first), max(old[1], last))
    for key in sorted(zones):
        calendar.add_component(_vtimezone(key, *zones[key]))
    for vevent in vevents:
        calendar.add_component(vevent)
    return calendar.to_ical()


# --- building ---------------------------------------------------------------------------------


def _method(method: str) -> str:
    upper = method.upper()
    if upper not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}: one of {', '.join(METHODS)}")
    return upper


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _message(method: str, invite: Invite) -> bytes:
    _check(invite)
    calendar = _calendar(method)
    key = _zone_key(invite.timezone)
    if key is not None:
        calendar.add_component(_vtimezone(key, *_years(invite)))
    calendar.add_component(_event(invite, method=method))
    return calendar.to_ical()


def _event(invite: Invite, method: str | None) -> Event:
    zone = _zone(invite.timezone)
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", _utc(invite.dtstamp_utc, "dtstamp_utc"))
    event.add("dtstart", _local(invite.starts_at_utc, zone))
    event.add(
        "dtend", _local(invite.starts_at_utc + timedelta(minutes=invite.duration_minutes), zone)
    )
    if invite.occurrence_recurrence_id_utc is not None:
        recurrence_id = _utc(invite.occurrence_recurrence_id_utc, "occurrence_recurrence_id_utc")
        event.add("recurrence-id", _local(recurrence_id, zone))
    elif invite.recurrence is not None:
        rule = dict(_RRULES[invite.recurrence.every], COUNT=invite.recurrence.count)
        event.add("rrule", vRecur(rule))
    event.add("sequence", invite.sequence)
    event.add("summary", _text(invite.title))
    if invite.description:
        event.add("description", _text(invite.description))
    if invite.location:
        event.add("location", _text(invite.location))
    if invite.url:
        event.add("url", invite.url)
    cancelled = method == "CANCEL" or invite.status == "cancelled"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if method is not None:
        event.add("organizer", _address(invite.organiser_email, invite.organiser_name))
    if method in METHODS:
        for attendee in invite.attendees:
            event.add(
                "attendee",
                _address(
                    attendee.email,
                    attendee.name,
                    CUTYPE="INDIVIDUAL",
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT=attendee.rsvp_status,
                    RSVP="TRUE",
                ),
            )
    return event


def _local(moment: datetime, zone: ZoneInfo | type[UTC]) -> datetime:
    """The moment in the organiser's zone, or in UTC when the local time names two moments.

    A TZID time cannot say which 01:30 of a fall-back night it means (libical reads the
    second, zoneinfo's default is the first), so an ambiguous one is written with ``Z``.
    """
    local = moment.astimezone(zone)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email.strip()}")
    cn = _param_text(name)
    if cn:
        address.params["CN"] = vText(cn)
    for key, value in params.items():
        address.params[key] = value
    return address


def _text(text: str) -> str:
    """A TEXT value with every line break as LF, which ``icalendar`` writes as ``\\n``.

    ``icalendar`` escapes LF and CRLF but leaves a bare CR as it is, and a CR inside a
    content line is a line end to some readers: a title ``"x\\rATTENDEE:mailto:…"`` would
    add a property of its own (RFC 5545 3.3.11 allows no control character in TEXT).
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _param_text(text: str) -> str:
    """A parameter value cannot hold a double quote or a line break (RFC 5545 3.1)."""
    return " ".join(text.replace('"', "'").split())


def _check(invite: Invite) -> None:
    """Refuse what would make a file calendars reject or misread."""
    if not invite.uid.strip():
        raise ValueError("an invite needs a UID")
    if invite.sequence < 0:
        raise ValueError("SEQUENCE is never negative")
    if not invite.title.strip():
        raise ValueError("an invite needs a title")
    if invite.duration_minutes <= 0:
        raise ValueError("the duration must be positive")
    if not invite.organiser_email.strip() or "@" not in invite.organiser_email:
        raise ValueError("an invite needs the organiser's e-mail address")
    _utc(invite.starts_at_utc, "starts_at_utc")
    _utc(invite.dtstamp_utc, "dtstamp_utc")
    _zone(invite.timezone)
    for attendee in invite.attendees:
        if attendee.rsvp_status not in RSVP_STATUSES:
            raise ValueError(f"unknown RSVP status {attendee.rsvp_status!r}")
        if "@" not in attendee.email:
            raise ValueError(f"not an e-mail address: {attendee.email!r}")
    recurrence = invite.recurrence
    if recurrence is not None and (recurrence.every not in _RRULES or recurrence.count < 1):
        raise ValueError("a recurrence is every week, month or quarter, with a positive count")


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime in UTC")
    return value.astimezone(UTC)


def _zone(name: str) -> ZoneInfo | type[UTC]:
    if name in _UTC_KEYS:
        return UTC
    return ZoneInfo(name)  # raises for an unknown zone


def _zone_key(name: str) -> str | None:
    """The TZID to describe, or None when times are written in UTC (``Z``) instead."""
    return None if name in _UTC_KEYS else name


def _years(invite: Invite) -> tuple[int, int]:
    """The years the event's times fall in, a whole series included."""
    start = invite.starts_at_utc
    last = start + timedelta(minutes=invite.duration_minutes)
    if invite.recurrence is not None and invite.occurrence_recurrence_id_utc is None:
        steps = invite.recurrence.count - 1
        if invite.recurrence.every == "week":
            last += timedelta(weeks=steps)
        else:
            months = steps * (3 if invite.recurrence.every == "quarter" else 1)
            last += timedelta(days=31 * months)
    if invite.occurrence_recurrence_id_utc is not None:
        start = min(start, invite.occurrence_recurrence_id_utc)
        last = max(last, invite.occurrence_recurrence_id_utc)
    # a day either side: the local date can be in the year before or after the UTC one
    return (start - timedelta(days=1)).year, (last + timedelta(days=1)).year


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    return Timezone.from_ical(_vtimezone_ical(tzid, first_year, last_year))


@lru_cache(maxsize=256)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """The zone's transitions from 1 January of the first year to 1 January after the last.

    Building one walks the zone's rules, so it is cached per zone and span.  The library adds a
    COMMENT saying so, which RFC 5545 does not allow in a VTIMEZONE (libical's iTIP check
    refuses it), so it is removed.
    """
    first, last = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    timezone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    timezone.pop("COMMENT", None)
    return timezone.to_ical()
