"""A person's own clock: their time zone and working hours (profile settings).

Sessions are shown on this clock and suggested times fall inside these hours
(``saas.services.strategy_sessions.people``).  Stored on ``User.timezone`` and
``User.working_hours`` (``{"days": [0-6, Monday = 0], "start": "09:00", "end": "17:00"}``).
Hours equal to the default of the person's language are stored as ``None``, so they keep
following that default (Sunday–Thursday in Arabic, Monday–Friday otherwise) if the person
changes language later; anything else is kept as chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Any

from saas.domain.sessions import (
    SchedulingError,
    WorkingHours,
    default_working_hours,
    is_time_zone,
    pick_zone,
)
from saas.i18n import gettext as _
from saas.models import User
from saas.services import audit
from saas.services.errors import ValidationFailed
from saas.services.strategy_sessions import working_hours_of
from saas.transactions import use_case

_HH_MM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class TimeSettings:
    """What the profile form shows: the zone, the working days (0 = Monday) and hours."""

    timezone: str
    days: tuple[int, ...]
    start: str
    end: str
    zone_is_set: bool  # False: the zone is a fallback (the browser may offer a better one)


def current(user: User, fallback_zone: str | None) -> TimeSettings:
    """The person's settings, or the defaults: ``fallback_zone`` (the browser's or the
    brand's) for the zone, their language's working week, 09:00–17:00."""
    zone = pick_zone(user.timezone, fallback_zone)
    hours = working_hours_of(user, zone)
    return TimeSettings(
        timezone=zone,
        days=tuple(sorted(hours.days)),
        start=hours.start.strftime("%H:%M"),
        end=hours.end.strftime("%H:%M"),
        zone_is_set=is_time_zone(user.timezone),
    )


def _clock(value: Any, field: str, errors: dict[str, str]) -> time | None:
    match = _HH_MM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        errors[field] = _("Enter a time of day such as 09:00.")
        return None
    return time(int(match[1]), int(match[2]))


def _days(raw: Iterable[Any] | None, errors: dict[str, str]) -> frozenset[int]:
    days: set[int] = set()
    for value in raw or ():
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and 0 <= int(text) <= 6):
            errors["days"] = _("Choose working days from the list.")
            return frozenset()
        days.add(int(text))
    if not days and "days" not in errors:
        errors["days"] = _("Choose at least one working day.")
    return frozenset(days)


@use_case
def save(user: User, *, timezone: Any, days: Iterable[Any] | None, start: Any, end: Any) -> User:
    """Set the person's time zone and working hours; nothing changes unless all are valid."""
    errors: dict[str, str] = {}
    zone = timezone.strip() if isinstance(timezone, str) else ""
    if not is_time_zone(zone):
        errors["timezone"] = _("Choose a time zone from the list, such as Asia/Riyadh.")
    chosen = _days(days, errors)
    begins = _clock(start, "start", errors)
    ends = _clock(end, "end", errors)
    if begins is not None and ends is not None and begins >= ends:
        errors["end"] = _("The working day must end after it starts.")
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    assert begins is not None and ends is not None
    try:
        hours = WorkingHours(days=chosen, start=begins, end=ends, zone=zone)
    except SchedulingError:  # the checks above are the domain's; this is a second wall
        raise ValidationFailed(
            _("Please correct the highlighted fields."),
            {"end": _("The working day must end after it starts.")},
        ) from None
    default = default_working_hours(user.locale, zone)
    stored = (
        None
        if (hours.days, hours.start, hours.end) == (default.days, default.start, default.end)
        else {
            "days": sorted(hours.days),
            "start": begins.strftime("%H:%M"),
            "end": ends.strftime("%H:%M"),
        }
    )
    if (user.timezone, user.working_hours) != (zone, stored):
        user.timezone = zone
        user.working_hours = stored
        audit.record("user.profile_updated", user, actor=user, time_settings=True)
    return user
