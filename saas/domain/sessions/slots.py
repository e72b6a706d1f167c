"""Suggested slots: times inside every attendee's working hours, in their own zone, that clash
with nobody's other sessions.

Working hours belong to a person and are read on that person's clock: "09:00–17:00,
Sunday–Thursday, Asia/Riyadh" and "09:00–17:00, Monday–Friday, Europe/London" overlap
Monday–Thursday 09:00–11:00 London time in winter (12:00–14:00 in Riyadh), and the
overlap moves when London changes its clocks, which is why each person's day is converted
separately instead of once as an offset.

The work is bounded: the window is at most 31 days, so each person has at most ~33 working
intervals, and the search is a merge of sorted lists (no minute-by-minute scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .errors import SchedulingError
from .times import as_utc, resolve_forward, validate_duration, zone_info

MAX_WINDOW = timedelta(days=31)
MIN_STEP_MINUTES = 5
MAX_STEP_MINUTES = 24 * 60
MAX_LIMIT = 100

SUNDAY_TO_THURSDAY = frozenset({6, 0, 1, 2, 3})
MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})
DEFAULT_START = time(9, 0)
DEFAULT_END = time(17, 0)

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkingHours:
    """When one person works, on their own clock: ``days`` are ``date.weekday()`` numbers
    (0 = Monday … 6 = Sunday), ``start`` < ``end`` on the same day (no overnight shifts)."""

    days: frozenset[int]
    start: time
    end: time
    zone: str

    def __post_init__(self) -> None:
        days = self.days
        if not isinstance(days, frozenset) or any(
            isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days
        ):
            raise SchedulingError(
                "Working days are numbers from 0 (Monday) to 6 (Sunday).",
                field="working_hours.days",
                code="invalid_working_days",
            )
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise SchedulingError(
                    "Enter working hours as a time of day such as 09:00.",
                    field=f"working_hours.{name}",
                    code="invalid_working_time",
                )
        if self.start >= self.end:
            raise SchedulingError(
                "The working day must end after it starts.",
                field="working_hours.end",
                code="working_hours_order",
            )
        zone_info(self.zone, field="working_hours.zone")


def is_arabic_locale(locale: str | None) -> bool:
    """``ar``, ``ar_SA``, ``ar-EG``… (any case)."""
    return bool(locale) and str(locale).replace("-", "_").lower().split("_")[0] == "ar"


def default_working_hours(locale: str | None, zone: str) -> WorkingHours:
    """09:00–17:00, Sunday–Thursday for an Arabic-locale user, Monday–Friday otherwise.

    The locale is a proxy for the working week (most of the Gulf works Sunday–Thursday;
    the UAE and the Maghreb work Monday–Friday), which is why a person can edit theirs;
    this is only the value until they do.
    """
    days = SUNDAY_TO_THURSDAY if is_arabic_locale(locale) else MONDAY_TO_FRIDAY
    return WorkingHours(days=days, start=DEFAULT_START, end=DEFAULT_END, zone=zone)


def _check_whole(value: object, low: int, high: int, *, field: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SchedulingError(
            f"Enter a whole number from {low} to {high}.",
            field=field,
            code=code,
            params={"min": low, "max": high},
        )
    return value


def working_intervals(hours: WorkingHours, window: Interval) -> list[Interval]:
    """The person's working intervals in UTC that meet ``window``, clipped to it, in order.

    Each local day is converted on its own (a DST change moves that day's hours in UTC).  A
    working start or end in a spring-forward gap moves forward by the gap; in the fall-back
    hour it is the first occurrence.
    """
    start, end = window
    tz = zone_info(hours.zone)
    day: date = start.astimezone(tz).date() - timedelta(days=1)
    last: date = end.astimezone(tz).date() + timedelta(days=1)
    result: list[Interval] = []
    while day <= last:
        if day.weekday() in hours.days:
            a = resolve_forward(datetime.combine(day, hours.start), hours.zone)[0]
            b = resolve_forward(datetime.combine(day, hours.end), hours.zone)[0]
            a, b = max(a, start), min(b, end)
            if a < b:
                result.append((a, b))
        day += timedelta(days=1)
    return result


def _intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """Both sorted, disjoint lists' common time (a merge walk)."""
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a = max(left[i][0], right[j][0])
        b = min(left[i][1], right[j][1])
        if a < b:
            result.append((a, b))
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return result


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted and joined where they overlap or touch."""
    result: list[Interval] = []
    for a, b in sorted(intervals):
        if result and a <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], b))
        else:
            result.append((a, b))
    return result


def _subtract(free: Sequence[Interval], busy: Sequence[Interval]) -> list[Interval]:
    """``free`` without ``busy`` (both sorted; ``busy`` merged)."""
    result: list[Interval] = []
    j = 0
    for a, b in free:
        while j < len(busy) and busy[j][1] <= a:
            j += 1
        k, cursor = j, a
        while k < len(busy) and busy[k][0] < b:
            if busy[k][0] > cursor:
                result.append((cursor, busy[k][0]))
            cursor = max(cursor, busy[k][1])
            k += 1
        if cursor < b:
            result.append((cursor, b))
    return result


def _on_grid(instant: datetime, zone: str, step: timedelta) -> datetime:
    """The first instant at or after ``instant`` whose time on ``zone``'s clock is a multiple
    of ``step`` after midnight (so suggestions are at 09:00, 09:30…, not 09:07)."""
    local = instant.astimezone(zone_info(zone))
    since_midnight = timedelta(
        hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )
    remainder = since_midnight % step
    return instant if not remainder else instant + (step - remainder)


def suggest_slots(
    people: Sequence[WorkingHours],
    busy: Iterable[Interval],
    duration_minutes: int,
    window_from_utc: datetime,
    window_to_utc: datetime,
    step_minutes: int = 30,
    limit: int = 10,
) -> list[Interval]:
    """The earliest ``limit`` (start, end) slots, in UTC and in order, that lie inside every
    person's working hours and overlap no ``busy`` interval (touching ends do not clash).

    Starts are on a ``step_minutes`` grid of the **first** person's clock (pass the organiser
    first), re-aligned after each busy interval.  The caller passes ``busy`` for all the
    attendees together (whose session it is does not matter here) and starts the window no
    earlier than now.  Refuses an empty ``people``, a window that ends before it starts or
    spans more than 31 days, and a bad duration, step or limit.
    """
    duration = timedelta(minutes=validate_duration(duration_minutes))
    step = timedelta(
        minutes=_check_whole(
            step_minutes,
            MIN_STEP_MINUTES,
            MAX_STEP_MINUTES,
            field="step_minutes",
            code="invalid_step",
        )
    )
    limit = _check_whole(limit, 1, MAX_LIMIT, field="limit", code="invalid_limit")
    if not people:
        raise SchedulingError(
            "Choose at least one attendee.", field="attendees", code="no_attendees"
        )
    start, end = as_utc(window_from_utc), as_utc(window_to_utc)
    if end <= start:
        raise SchedulingError(
            "The end of the search must be after its start.", field="to", code="window_order"
        )
    if end - start > MAX_WINDOW:
        raise SchedulingError(
            f"Search at most {MAX_WINDOW.days} days at a time.",
            field="to",
            code="window_too_long",
            params={"days": MAX_WINDOW.days},
        )

    free = working_intervals(people[0], (start, end))
    for person in people[1:]:
        if not free:
            break
        free = _intersect(free, working_intervals(person, (start, end)))
    clashes = _merge(
        (a, b)
        for a, b in ((as_utc(a), as_utc(b)) for a, b in busy)
        if a < b and a < end and b > start
    )
    free = _subtract(free, clashes)

    slots: list[Interval] = []
    for a, b in free:
        candidate = _on_grid(a, people[0].zone, step)
        while candidate + duration <= b:
            slots.append((candidate, candidate + duration))
            if len(slots) == limit:
                return slots
            candidate += step
    return slots
