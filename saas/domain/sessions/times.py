"""Local times and UTC instants: the one place where a wall-clock time meets a time zone.

A session is stored as a UTC instant plus the organiser's IANA zone, and shown to each person
in their own zone with the zone named.  Converting a person's wall-clock time to an instant
has two traps, and calendars that get them wrong put events "a few hours off after a
daylight-saving change":

- **The spring-forward gap.**  When clocks jump from 02:00 to 03:00, 02:30 never happens.
  A start typed by a person is refused (``NonexistentLocalTime``, a 422 in the API) rather
  than guessed.  Only generated times (the later occurrences of a series, working hours)
  move forward by the gap (``resolve_forward``), so one odd night never fails a whole series.
- **The fall-back hour.**  When clocks go from 02:00 back to 01:00, 01:30 happens twice.  An
  ambiguous time means its **first** occurrence (``fold=0``, still on summer time).

Both rules are RFC 5545's (section 3.3.5, DATE-TIME with a TZID), so an invitation that
carries the local time with a ``VTIMEZONE`` lands on the same instant in every calendar.

Conventions, shared with the rest of the package:

- a *local* time is a naive ``datetime`` read in a named zone (or an aware one whose offset
  must agree with that zone);
- an *instant* is an aware ``datetime``; a naive one is read as UTC, because that is how the
  database stores them (``tenants.models.utcnow``).  Every instant returned is aware UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from .errors import NonexistentLocalTime, OffsetMismatch, SchedulingError, UnknownTimeZone
from .vocabulary import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES

# Names the tz database ships that are not places: "localtime" is whatever the server's
# clock says (it would differ between machines), "Factory" is the "-00" placeholder.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})

# tzdata writes numeric abbreviations ("+03") for zones where no English abbreviation is
# in common use there; people in the Gulf still say AST (Arabia Standard Time) and GST (Gulf
# Standard Time).  Keyed by offset too, so a zone that changes its offset is never mislabelled.
_ARABIA = ("Asia/Riyadh", "Asia/Kuwait", "Asia/Qatar", "Asia/Bahrain", "Asia/Aden", "Asia/Baghdad")
_GULF = ("Asia/Dubai", "Asia/Muscat")
_ABBREVIATIONS = {
    **{(zone, timedelta(hours=3)): "AST" for zone in _ARABIA},
    **{(zone, timedelta(hours=4)): "GST" for zone in _GULF},
}

# Enough for any ISO 8601 start a form or API client sends; longer input is refused unread.
_MAX_TEXT = 40
_ISO_LOCAL = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[T ]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})?"
)

# A start further ahead than this is a typo (year 2207), not a plan.
MAX_AHEAD = timedelta(days=5 * 366)


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA name accepted as a zone: the tz database's names (aliases included, so a
    browser's "Asia/Calcutta" works) without the ones that are not places."""
    return frozenset(available_timezones()) - _NOT_ZONES


def is_time_zone(name: object) -> bool:
    """True when ``name`` is a zone ``zone_info`` accepts (exact spelling, case included)."""
    return isinstance(name, str) and name.strip() in zone_names()


def zone_info(zone: object, *, field: str = "timezone") -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name, or ``UnknownTimeZone``.

    Membership in ``zone_names`` rather than ``ZoneInfo(name)`` alone: on a case-insensitive
    file system "asia/riyadh" would load, and "America" is a directory, not a zone.
    """
    if not is_time_zone(zone):
        shown = zone[:64] if isinstance(zone, str) else type(zone).__name__
        raise UnknownTimeZone(
            f"Unknown time zone {shown!r}; use an IANA name such as Asia/Riyadh.",
            field=field,
            params={"zone": shown},
        )
    assert isinstance(zone, str)
    return ZoneInfo(zone.strip())


def pick_zone(*candidates: str | None, default: str = "UTC") -> str:
    """The first candidate that is a known zone, else ``default``.

    For "the user's setting, else the browser's, else the brand's": an empty or stale value
    falls through instead of failing the page.
    """
    for candidate in candidates:
        if is_time_zone(candidate):
            assert isinstance(candidate, str)
            return candidate.strip()
    return default


def as_utc(instant: datetime) -> datetime:
    """An instant as aware UTC; a naive value is read as UTC (the database's convention)."""
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def _out_of_range(field: str) -> SchedulingError:
    return SchedulingError("That date is out of range.", field=field, code="out_of_range")


def _wall(value: datetime) -> datetime:
    return value.replace(tzinfo=None, fold=0)


def resolve_forward(
    local: datetime, zone: str, *, field: str = "starts_at"
) -> tuple[datetime, timedelta]:
    """(the instant, how far it moved) for a naive local time, never refusing a gap.

    A time in a spring-forward gap is read with the offset before the change, which moves it
    forward by the length of the gap (02:30 on the night clocks jump 02:00 → 03:00 becomes
    03:30, the way RFC 5545 reads it); the second value says by how much (zero when the time
    exists).  An ambiguous time is its first occurrence.  For generated times only: a time a
    person chose goes through ``to_utc``, which refuses the gap.
    """
    tz = zone_info(zone)
    wall = _wall(local)
    try:
        instant = wall.replace(tzinfo=tz).astimezone(UTC)
        shown = _wall(instant.astimezone(tz))
    except (OverflowError, ValueError):
        raise _out_of_range(field) from None
    return instant, shown - wall


def offset_text(offset: timedelta | None) -> str:
    """``"+03:00"`` / ``"-04:00"`` / ``"+00:00"`` (seconds only when a historical zone has them)."""
    total = int((offset or timedelta()).total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def _offsets_at(wall: datetime, tz: ZoneInfo) -> list[str]:
    """The offsets the zone has at a wall time: one, or two in the fall-back hour."""
    offsets = []
    for fold in (0, 1):
        text = offset_text(wall.replace(tzinfo=tz, fold=fold).utcoffset())
        if text not in offsets:
            offsets.append(text)
    return offsets


def to_utc(local: datetime, zone: str, *, field: str = "starts_at") -> datetime:
    """The UTC instant of a local start in ``zone``, refusing what cannot be meant.

    - naive ``local``: the wall time in ``zone``; a time in the spring-forward gap raises
      ``NonexistentLocalTime``; an ambiguous one (the fall-back hour) is its first occurrence;
    - aware ``local``: its wall time must exist in ``zone`` and its offset must be one the zone
      has then, else ``OffsetMismatch``; in the fall-back hour the offset says which of the two
      occurrences is meant, so both are accepted;
    - an unknown zone raises ``UnknownTimeZone`` (on the ``timezone`` field).
    """
    if not isinstance(local, datetime):
        raise TypeError(f"expected a datetime, got {type(local).__name__}")
    tz = zone_info(zone)
    zone = tz.key
    wall = _wall(local)
    instant, moved = resolve_forward(wall, zone, field=field)
    if moved:
        raise NonexistentLocalTime(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks jump forward "
            f"{int(moved.total_seconds() // 60)} minutes then.",
            field=field,
            params={
                "local": wall.isoformat(timespec="minutes"),
                "zone": zone,
                "gap_minutes": int(moved.total_seconds() // 60),
            },
        )
    if local.tzinfo is None or local.utcoffset() is None:
        return instant
    try:
        given = local.astimezone(UTC)
        agrees = _wall(given.astimezone(tz)) == wall
    except (OverflowError, ValueError):
        raise _out_of_range(field) from None
    if not agrees:
        expected = _offsets_at(wall, tz)
        sent = offset_text(local.utcoffset())
        raise OffsetMismatch(
            f"The offset {sent} does not match {zone} at {wall:%Y-%m-%d %H:%M} "
            f"(expected {' or '.join(expected)}).",
            field=field,
            params={"offset": sent, "expected": tuple(expected), "zone": zone},
        )
    return given


def parse_starts_at(text: object, zone: str, *, field: str = "starts_at") -> datetime:
    """The UTC instant of an ISO 8601 start: ``2027-03-11T10:00`` (local in ``zone``) or
    ``2027-03-11T10:00+03:00`` (the offset must agree with ``zone``), then as ``to_utc``.

    Deliberately narrower than ``datetime.fromisoformat``: a date alone (midnight by
    accident), week dates and ``+0300`` are refused, so the API documents one shape.
    Seconds and fractions are allowed; ``Z`` means ``+00:00``.
    """
    if not isinstance(text, str) or len(text.strip()) > _MAX_TEXT:
        raise _invalid_datetime(field)
    match = _ISO_LOCAL.fullmatch(text.strip())
    if match is None:
        raise _invalid_datetime(field)
    parts = match.groupdict()
    try:
        value = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")),
        )
    except ValueError:
        raise _invalid_datetime(field) from None
    offset = parts["offset"]
    if offset:
        value = value.replace(tzinfo=_fixed_offset(offset, field))
    return to_utc(value, zone, field=field)


def _fixed_offset(text: str, field: str) -> tzinfo:
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise _invalid_datetime(field)
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _invalid_datetime(field: str) -> SchedulingError:
    return SchedulingError(
        "Enter the date and time as YYYY-MM-DDTHH:MM, optionally with an offset such as +03:00.",
        field=field,
        code="invalid_datetime",
    )


@dataclass(frozen=True)
class LocalTime:
    """An instant as one person reads it: their wall clock, with the zone named.

    ``abbreviation`` is None where the zone has no letters in common use (tzdata's "+03"),
    so a page never shows "10:00 +03 (UTC+03:00)"; ``short_name`` is then the UTC offset.
    """

    local: datetime  # aware, in ``zone``
    zone: str
    abbreviation: str | None
    utc_offset: str  # "+03:00"

    @property
    def wall(self) -> datetime:
        """The naive wall-clock time (what a form field shows)."""
        return _wall(self.local)

    @property
    def short_name(self) -> str:
        """ "AST", "EDT", or "UTC+05:45" where no abbreviation exists."""
        if self.abbreviation:
            return self.abbreviation
        return "UTC" if self.utc_offset == "+00:00" else f"UTC{self.utc_offset}"


def local_view(instant: datetime, zone: str) -> LocalTime:
    """``instant`` on ``zone``'s clock, for showing a time to a person in their own zone."""
    tz = zone_info(zone)
    try:
        local = as_utc(instant).astimezone(tz)
    except (OverflowError, ValueError):
        raise _out_of_range("starts_at") from None
    offset = local.utcoffset() or timedelta()
    name = local.tzname() or ""
    abbreviation = _ABBREVIATIONS.get((tz.key, offset))
    if abbreviation is None and name and name[0] not in "+-":
        abbreviation = name
    return LocalTime(
        local=local, zone=tz.key, abbreviation=abbreviation, utc_offset=offset_text(offset)
    )


def validate_duration(minutes: object, *, field: str = "duration_minutes") -> int:
    """Whole minutes from 15 to 480; a bool, float or string is refused, not coerced.

    ``True`` is an ``int`` to Python and ``"60"`` is what a careless client sends; the API's
    numbers are strict, so both are ``invalid_duration`` rather than 1 or 60 minutes.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise SchedulingError(
            "Enter the duration as a whole number of minutes.",
            field=field,
            code="invalid_duration",
        )
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise SchedulingError(
            f"Enter a duration from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes.",
            field=field,
            code="duration_out_of_range",
            params={"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES},
        )
    return minutes


def validate_start_not_past(
    instant: datetime,
    now: datetime,
    *,
    field: str = "starts_at",
    max_ahead: timedelta | None = MAX_AHEAD,
) -> datetime:
    """``instant`` (as aware UTC) unless it is before ``now`` or absurdly far ahead.

    ``now`` is passed in, never read from the clock, so the demo can seed a past session
    "with its clock set back" through the same check and tests need no freezing.  A start
    exactly at ``now`` is allowed.  ``max_ahead=None`` lifts the upper bound.
    """
    start, current = as_utc(instant), as_utc(now)
    if start < current:
        raise SchedulingError(
            "The start is in the past.",
            field=field,
            code="start_in_past",
            params={"now": current.isoformat()},
        )
    if max_ahead is not None and start - current > max_ahead:
        raise SchedulingError(
            f"The start is more than {max_ahead.days // 366} years ahead.",
            field=field,
            code="start_too_far",
            params={"years": max_ahead.days // 366},
        )
    return start
