"""Suggested slots: inside the organiser's and every member attendee's working hours, each on
their own clock, and clear of everyone's other sessions in the agency.

Guests have no working hours in Tandem, so they do not narrow the slots; their other
sessions here (if any) still count as busy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from saas.domain.sessions import (
    MAX_DURATION_MINUTES,
    SchedulingError,
    as_utc,
    suggest_slots,
    validate_duration,
)
from saas.i18n import gettext as _
from saas.models import Brand, Membership
from saas.services.errors import ValidationFailed
from saas.services.strategy_sessions import queries
from saas.services.strategy_sessions.messages import add_problems
from saas.services.strategy_sessions.people import resolve, working_hours_of

DEFAULT_WINDOW = timedelta(days=14)


def _instant(raw: Any, field: str, errors: dict[str, str]) -> datetime | None:
    """``from`` / ``to``: an ISO date (midnight UTC) or an ISO datetime (UTC unless an offset)."""
    if raw in (None, ""):
        return None
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), UTC)
        return as_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
    except ValueError:
        errors[field] = _("Enter a date such as 2027-03-11 or a time such as 2027-03-11T09:00Z.")
        return None


def suggest(
    actor: Membership, brand: Brand, params: Mapping[str, Any], *, now: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The earliest free slots (UTC) for ``params``: ``duration_minutes``, ``attendees``
    (comma-separated emails), ``from`` and ``to``."""
    clock = as_utc(now) if now is not None else datetime.now(UTC)
    errors: dict[str, str] = {}
    raw_minutes = params.get("duration_minutes") or 60
    minutes: int | None = None
    try:
        minutes = validate_duration(
            int(raw_minutes)
            if isinstance(raw_minutes, str) and raw_minutes.isdigit()
            else raw_minutes
        )
    except SchedulingError as err:
        add_problems(err, errors)
    emails = [e.strip() for e in str(params.get("attendees") or "").split(",") if e.strip()]
    people = resolve(brand, [{"email": e} for e in emails], errors) if emails else []
    start = _instant(params.get("from"), "from", errors) or clock
    end = _instant(params.get("to"), "to", errors) or (max(start, clock) + DEFAULT_WINDOW)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    start = max(start, clock)
    organiser = actor.user
    hours = [working_hours_of(organiser, brand.timezone)]
    hours += [
        working_hours_of(p.user, brand.timezone)
        for p in people
        if p.user is not None and p.user.id != organiser.id
    ]
    everyone = {p.email for p in people} | {organiser.email.lower()}
    busy = queries.busy(actor, everyone, start - timedelta(minutes=MAX_DURATION_MINUTES), end)
    intervals = [(b.start, b.end) for spans in busy.values() for b in spans]
    try:
        return suggest_slots(hours, intervals, minutes or 60, start, end)
    except SchedulingError as err:
        add_problems(err, errors)
        raise ValidationFailed(_("Please correct the highlighted fields."), errors) from None
