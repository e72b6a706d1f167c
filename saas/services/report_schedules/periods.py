"""Schedule dates: months and quarters, each named by its first day."""

from __future__ import annotations

from datetime import date, timedelta


def period_start_of(day: date, frequency: str) -> date:
    """The first day of the month or quarter that contains ``day``."""
    if frequency == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def add_periods(start: date, frequency: str, count: int = 1) -> date:
    """``start`` (a first day) moved by ``count`` months or quarters."""
    months = count * (3 if frequency == "quarterly" else 1)
    index = start.year * 12 + (start.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def next_run_after(day: date, frequency: str) -> date:
    """The first day of the next month or quarter after ``day``."""
    return add_periods(period_start_of(day, frequency), frequency)


def previous_period(run_on: date, frequency: str) -> tuple[date, date]:
    """The month or quarter that ended just before the period containing ``run_on``."""
    this_start = period_start_of(run_on, frequency)
    start = add_periods(this_start, frequency, -1)
    return start, this_start - timedelta(days=1)
