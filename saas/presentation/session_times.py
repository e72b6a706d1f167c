"""A session's time on one reader's clock, with the zone named: the same words in pages,
emails and reports ("Thursday 11 March 2027, 03:00–04:00, New York time (UTC−04:00)").

Stored times are naive UTC; every function here takes that and the reader's IANA zone.
External attendees have no zone of their own: they are shown the organiser's zone and UTC
(``for_guest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from saas.i18n import lazy_gettext as _l
from saas.presentation import timezones


@dataclass(frozen=True)
class LocalTime:
    """The parts of one session's time in one zone, already in the reader's language."""

    date: str  # "Thursday 11 March 2027"
    start: str  # "03:00"
    end: str  # "04:00"
    zone: str  # "New York (UTC−04:00)"
    zone_name: str  # "America/New_York"
    starts_at: datetime  # aware, in the zone

    @property
    def text(self) -> str:
        """One line: the date, the hours and the zone."""
        return str(
            _l(
                "%(date)s, %(start)s–%(end)s, %(zone)s",
                date=self.date,
                start=self.start,
                end=self.end,
                zone=self.zone,
            )
        )


def _aware(starts_at: datetime) -> datetime:
    return starts_at.replace(tzinfo=UTC) if starts_at.tzinfo is None else starts_at.astimezone(UTC)


def local(starts_at: datetime, duration_minutes: int, zone: str, locale: str) -> LocalTime:
    """``starts_at`` (UTC) on the clock of ``zone``, in ``locale``'s words."""
    tz = ZoneInfo(zone)
    start = _aware(starts_at).astimezone(tz)
    end = start + timedelta(minutes=duration_minutes)
    end = end.astimezone(tz)  # the end may fall on the other side of a clock change
    return LocalTime(
        date=format_date(start, "full", locale=locale),
        start=format_time(start, "HH:mm", locale=locale),
        end=format_time(end, "HH:mm", locale=locale),
        zone=timezones.label(zone, locale, start),
        zone_name=zone,
        starts_at=start,
    )


def for_guest(
    starts_at: datetime, duration_minutes: int, organiser_zone: str, locale: str
) -> tuple[LocalTime, LocalTime]:
    """What an external attendee sees: the organiser's zone, then UTC."""
    return (
        local(starts_at, duration_minutes, organiser_zone, locale),
        local(starts_at, duration_minutes, "UTC", locale),
    )
