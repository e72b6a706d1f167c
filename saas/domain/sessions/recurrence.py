"""Recurring series: the occurrences of "every week / month / quarter, n times".

A series keeps its **local wall time** fixed: a weekly 10:00 meeting in New York is at 10:00
on New York's clocks every week, so its UTC instant moves by an hour when the clocks change
(15:00Z in winter, 14:00Z in summer).  This is what people mean by "every Thursday at ten",
and what calendars do with an ``RRULE`` on a ``TZID`` start; a series stepped in UTC would
drift an hour for half the year, one of the complaints this package exists to avoid.

Rules, in the order they apply to each occurrence after the first:

1. **Dates.**  Every step is counted from the first date, not from the previous occurrence:
   a monthly series from 31 January falls on 28 (or 29) February, then 31 March, not 28
   March.  A day the month lacks is clamped to the month's last day.
2. **Times.**  The first occurrence is the person's choice and goes through ``to_utc``
   (a start in a spring-forward gap is refused).  A later occurrence that falls in a gap is
   **moved forward by the gap** (02:30 → 03:30 on the night clocks jump from 02:00 to 03:00;
   a whole skipped day, as in Samoa on 30 December 2011, moves it a day) instead of failing
   the series: the person chose a time that exists, the calendar made one night odd.
   ``Occurrence.moved_by`` says so, so a page can mention it.  An ambiguous time (the
   fall-back hour) is its first occurrence.

``count`` is the number of occurrences, the first included (as ``COUNT`` in RFC 5545).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import SchedulingError
from .times import as_utc, resolve_forward, to_utc, zone_info
from .vocabulary import choice

EVERY = ("week", "month", "quarter")
MIN_COUNT = 1
MAX_COUNT = 52  # a year of weeks; thirteen years of quarters

_MONTHS = {"month": 1, "quarter": 3}
_RRULE = {"week": "FREQ=WEEKLY", "month": "FREQ=MONTHLY", "quarter": "FREQ=MONTHLY;INTERVAL=3"}


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: ``every`` one of ``EVERY``, ``count`` occurrences (1–52)."""

    every: str
    count: int

    def __post_init__(self) -> None:
        check_every(self.every)
        check_count(self.count)


def check_every(every: object, *, field: str = "recurrence.every") -> str:
    """``every`` if it is ``week``, ``month`` or ``quarter``."""
    return choice(every, EVERY, field=field, code="invalid_recurrence_every")


def check_count(count: object, *, field: str = "recurrence.count") -> int:
    """A whole number of occurrences from 1 to 52 (a bool is not a number here)."""
    if isinstance(count, bool) or not isinstance(count, int) or not MIN_COUNT <= count <= MAX_COUNT:
        raise SchedulingError(
            f"Enter a number of occurrences from {MIN_COUNT} to {MAX_COUNT}.",
            field=field,
            code="invalid_recurrence_count",
            params={"min": MIN_COUNT, "max": MAX_COUNT},
        )
    return count


def parse_recurrence(raw: object, *, field: str = "recurrence") -> Recurrence | None:
    """A ``Recurrence`` from an API body's ``{"every": …, "count": …}``; None for None.

    Unknown keys are refused, so a typo ("evry") is not silently a one-off session.
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) - {"every", "count"}:
        raise SchedulingError(
            'Send the recurrence as {"every": "week" | "month" | "quarter", "count": n}.',
            field=field,
            code="invalid_recurrence",
        )
    every = check_every(raw.get("every"), field=f"{field}.every")
    count = check_count(raw.get("count"), field=f"{field}.count")
    return Recurrence(every, count)


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: its instant, and the local time it was meant for and is at."""

    index: int  # 0 for the first
    starts_at: datetime  # aware UTC
    local: datetime  # naive wall time in the series' zone it actually starts at
    planned: datetime  # naive wall time the rule asked for (differs only in a gap)

    @property
    def moved_by(self) -> timedelta:
        """How far a spring-forward gap moved it (zero almost always)."""
        return self.local - self.planned


def _step(first: date, every: str, index: int, field: str) -> date:
    """The date of occurrence ``index``, counted from the first date (rule 1)."""
    try:
        if every == "week":
            return first + timedelta(weeks=index)
        year, month = divmod(first.month - 1 + _MONTHS[every] * index, 12)
        year += first.year
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(first.day, last))
    except (OverflowError, ValueError):
        raise SchedulingError(
            "The series runs past the last date the calendar can hold.",
            field=field,
            code="out_of_range",
        ) from None


def series(
    first_local: datetime,
    zone: str,
    recurrence: Recurrence | None,
    *,
    field: str = "starts_at",
) -> list[Occurrence]:
    """Every occurrence of the series that starts at ``first_local`` in ``zone``.

    ``first_local`` is naive local time (checked as ``to_utc`` checks a person's start), or
    an aware instant (a stored start): then its wall time on ``zone``'s clock is the series'
    time, and the first occurrence is that very instant (also when it is the second reading
    of a fall-back hour).  No ``recurrence`` is a single occurrence.
    """
    tz = zone_info(zone)
    if first_local.tzinfo is None or first_local.utcoffset() is None:
        first = to_utc(first_local, zone, field=field)
    else:
        first = as_utc(first_local)
    wall = first.astimezone(tz).replace(tzinfo=None, fold=0)
    result = [Occurrence(0, first, wall, wall)]
    if recurrence is None:
        return result
    for index in range(1, recurrence.count):
        planned = datetime.combine(_step(wall.date(), recurrence.every, index, field), wall.time())
        instant, moved = resolve_forward(planned, zone, field=field)
        result.append(Occurrence(index, instant, planned + moved, planned))
    return result


def occurrences(
    first_local: datetime,
    zone: str,
    recurrence: Recurrence | None,
    *,
    field: str = "starts_at",
) -> list[datetime]:
    """The UTC starts of the series, in order (see ``series`` and the module's rules)."""
    return [o.starts_at for o in series(first_local, zone, recurrence, field=field)]


def rrule(first_local: datetime, zone: str, recurrence: Recurrence | None) -> str | None:
    """An RFC 5545 ``RRULE`` value that expands to exactly ``series``, or None.

    RFC 5545 *drops* generated instances that do not exist ("February 30", a time in a gap,
    section 3.3.10) where this package clamps and moves them, so a rule is offered only when
    no occurrence was clamped or moved and the first start is the local time's first
    reading.  Otherwise (or for a single session) an invitation lists its instances
    (``RDATE`` or one event per occurrence) rather than let calendars disagree with Tandem.
    """
    if recurrence is None or recurrence.count == 1:
        return None
    items = series(first_local, zone, recurrence)
    first = items[0]
    if resolve_forward(first.local, zone)[0] != first.starts_at:
        return None  # a fall-back start chosen on its second occurrence (by offset)
    if any(o.moved_by for o in items):
        return None
    if recurrence.every != "week" and any(o.local.day != first.local.day for o in items):
        return None  # clamped to a month's last day
    return f"{_RRULE[recurrence.every]};COUNT={recurrence.count}"
