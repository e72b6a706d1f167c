"""Series keep their local wall time across daylight-saving changes, clamp month ends, and move
an occurrence that falls in a gap instead of failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from saas.domain.sessions import (
    NonexistentLocalTime,
    Recurrence,
    SchedulingError,
    UnknownTimeZone,
    local_view,
    occurrences,
    parse_recurrence,
    rrule,
    series,
)

NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def walls(starts: list[datetime], zone: str) -> list[datetime]:
    return [local_view(s, zone).wall for s in starts]


def test_a_weekly_new_york_series_stays_at_ten_local_and_shifts_in_utc():
    starts = occurrences(datetime(2027, 3, 4, 10, 0), NEW_YORK, Recurrence("week", 4))
    assert starts == [
        utc(2027, 3, 4, 15),
        utc(2027, 3, 11, 15),
        utc(2027, 3, 18, 14),  # summer time from the 14th
        utc(2027, 3, 25, 14),
    ]
    assert all(s.tzinfo is UTC for s in starts)
    assert {w.time() for w in walls(starts, NEW_YORK)} == {datetime(2000, 1, 1, 10).time()}
    # and back in the autumn (first Sunday of November)
    autumn = occurrences(datetime(2027, 10, 28, 10), NEW_YORK, Recurrence("week", 2))
    assert autumn == [utc(2027, 10, 28, 14), utc(2027, 11, 4, 14)]
    autumn = occurrences(datetime(2027, 10, 30, 10), NEW_YORK, Recurrence("week", 2))
    assert autumn == [utc(2027, 10, 30, 14), utc(2027, 11, 6, 14)]
    assert occurrences(datetime(2027, 11, 6, 10), NEW_YORK, Recurrence("week", 2))[1] == utc(
        2027, 11, 13, 15
    )


def test_a_series_seen_from_another_zone_moves_with_that_zone_s_changes():
    starts = occurrences(datetime(2027, 3, 4, 10, 0), "Asia/Riyadh", Recurrence("week", 3))
    assert [w.hour for w in walls(starts, NEW_YORK)] == [2, 2, 3]


def test_count_includes_the_first_and_no_recurrence_is_one_session():
    assert len(occurrences(datetime(2027, 1, 6, 9), NEW_YORK, Recurrence("week", 1))) == 1
    assert len(occurrences(datetime(2027, 1, 6, 9), NEW_YORK, Recurrence("week", 52))) == 52
    assert occurrences(datetime(2027, 1, 6, 9), NEW_YORK, None) == [utc(2027, 1, 6, 14)]


def test_monthly_steps_count_from_the_first_date_and_clamp_to_the_month_end():
    starts = occurrences(datetime(2027, 1, 31, 10), "Asia/Riyadh", Recurrence("month", 5))
    assert [w.date().isoformat() for w in walls(starts, "Asia/Riyadh")] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",  # back to the 31st, not stuck on the 28th
        "2027-04-30",
        "2027-05-31",
    ]
    leap = occurrences(datetime(2027, 12, 31, 10), "Asia/Riyadh", Recurrence("month", 3))
    assert [w.date().isoformat() for w in walls(leap, "Asia/Riyadh")] == [
        "2027-12-31",
        "2028-01-31",
        "2028-02-29",
    ]


def test_quarterly_steps_are_three_months_and_cross_years():
    items = series(datetime(2027, 11, 30, 9, 30), "Asia/Dubai", Recurrence("quarter", 4))
    assert [o.local.isoformat() for o in items] == [
        "2027-11-30T09:30:00",
        "2028-02-29T09:30:00",
        "2028-05-30T09:30:00",
        "2028-08-30T09:30:00",
    ]
    assert [o.index for o in items] == [0, 1, 2, 3]
    assert all(o.moved_by == timedelta(0) for o in items)


def test_monthly_new_york_series_keeps_local_time_through_both_changes():
    starts = occurrences(datetime(2027, 1, 10, 9), NEW_YORK, Recurrence("month", 12))
    assert {w.hour for w in walls(starts, NEW_YORK)} == {9}
    assert {s.hour for s in starts} == {13, 14}


def test_an_occurrence_in_a_gap_moves_forward_by_the_gap_and_says_so():
    # weekly at 02:30 from 7 March 2027: the 14th has no 02:30 in New York
    items = series(datetime(2027, 3, 7, 2, 30), NEW_YORK, Recurrence("week", 3))
    assert [o.local.isoformat() for o in items] == [
        "2027-03-07T02:30:00",
        "2027-03-14T03:30:00",
        "2027-03-21T02:30:00",  # the series goes back to its own time
    ]
    assert [o.moved_by for o in items] == [timedelta(0), timedelta(hours=1), timedelta(0)]
    assert items[1].planned == datetime(2027, 3, 14, 2, 30)
    assert items[1].starts_at == utc(2027, 3, 14, 7, 30)


def test_a_skipped_day_moves_an_occurrence_a_whole_day():
    # Samoa moved across the date line: 30 December 2011 never happened in Apia
    items = series(datetime(2011, 12, 23, 10), "Pacific/Apia", Recurrence("week", 2))
    assert items[1].planned == datetime(2011, 12, 30, 10)
    assert items[1].local == datetime(2011, 12, 31, 10)
    assert items[1].moved_by == timedelta(days=1)


def test_a_half_hour_gap_moves_half_an_hour():
    items = series(datetime(2026, 9, 27, 2, 15), "Australia/Lord_Howe", Recurrence("week", 2))
    assert items[1].moved_by == timedelta(minutes=30)


def test_a_first_start_in_the_gap_is_refused_because_a_person_chose_it():
    with pytest.raises(NonexistentLocalTime):
        occurrences(datetime(2027, 3, 14, 2, 30), NEW_YORK, Recurrence("week", 3))


def test_occurrences_in_the_fall_back_hour_are_their_first_reading():
    items = series(datetime(2027, 10, 31, 1, 30), NEW_YORK, Recurrence("week", 2))
    assert items[1].starts_at == utc(2027, 11, 7, 5, 30)  # 01:30 EDT, not EST


def test_an_aware_or_stored_first_start_is_read_on_the_zone_s_clock():
    stored = utc(2027, 3, 4, 15)  # 10:00 EST
    assert occurrences(stored, NEW_YORK, Recurrence("week", 3))[2] == utc(2027, 3, 18, 14)
    # a naive first start is a person's local time, not a stored instant
    assert occurrences(datetime(2027, 3, 4, 15), NEW_YORK, None) == [utc(2027, 3, 4, 20)]
    second_reading = datetime(2027, 11, 7, 1, 30, tzinfo=timezone(timedelta(hours=-5)))
    items = series(second_reading, NEW_YORK, Recurrence("week", 2))
    assert items[0].starts_at == utc(2027, 11, 7, 6, 30)
    assert items[1].starts_at == utc(2027, 11, 14, 6, 30)


def test_a_series_beyond_the_calendar_is_refused():
    with pytest.raises(SchedulingError) as caught:
        occurrences(datetime(9998, 1, 15, 10), "Asia/Riyadh", Recurrence("quarter", 52))
    assert caught.value.code == "out_of_range"


def test_an_unknown_zone_is_refused():
    with pytest.raises(UnknownTimeZone):
        occurrences(datetime(2027, 1, 1, 10), "Nowhere/City", Recurrence("week", 2))


# --- Recurrence and parse_recurrence ------------------------------------------------------


@pytest.mark.parametrize("every", ["day", "WEEK", "weekly", "", None, 7])
def test_recurrence_refuses_other_periods(every):
    with pytest.raises(SchedulingError) as caught:
        Recurrence(every, 3)
    assert (caught.value.code, caught.value.field) == (
        "invalid_recurrence_every",
        "recurrence.every",
    )


@pytest.mark.parametrize("count", [0, -1, 53, 1000, True, 2.0, "3", None])
def test_recurrence_counts_are_whole_numbers_from_1_to_52(count):
    with pytest.raises(SchedulingError) as caught:
        Recurrence("week", count)
    assert (caught.value.code, caught.value.field) == (
        "invalid_recurrence_count",
        "recurrence.count",
    )
    assert dict(caught.value.params) == {"min": 1, "max": 52}


def test_parse_recurrence_reads_the_api_body():
    assert parse_recurrence(None) is None
    assert parse_recurrence({"every": "quarter", "count": 4}) == Recurrence("quarter", 4)
    for raw in ({"every": "week", "count": 2, "until": "2027-01-01"}, "week", [("every", "week")]):
        with pytest.raises(SchedulingError) as caught:
            parse_recurrence(raw)
        assert (caught.value.code, caught.value.field) == ("invalid_recurrence", "recurrence")
    with pytest.raises(SchedulingError) as caught:
        parse_recurrence({"every": "week"})
    assert caught.value.field == "recurrence.count"


# --- rrule -----------------------------------------------------------------------------------


def test_rrule_is_offered_only_when_rfc_5545_expands_to_the_same_occurrences():
    first = datetime(2027, 3, 4, 10)
    assert rrule(first, NEW_YORK, Recurrence("week", 4)) == "FREQ=WEEKLY;COUNT=4"
    assert rrule(first, NEW_YORK, Recurrence("month", 3)) == "FREQ=MONTHLY;COUNT=3"
    assert rrule(first, NEW_YORK, Recurrence("quarter", 2)) == "FREQ=MONTHLY;INTERVAL=3;COUNT=2"
    assert rrule(first, NEW_YORK, None) is None
    assert rrule(first, NEW_YORK, Recurrence("week", 1)) is None
    # RFC 5545 drops 31 February and 02:30 on the change night; Tandem clamps and moves them
    assert rrule(datetime(2027, 1, 31, 10), NEW_YORK, Recurrence("month", 3)) is None
    assert rrule(datetime(2027, 3, 7, 2, 30), NEW_YORK, Recurrence("week", 2)) is None
    second_reading = datetime(2027, 11, 7, 1, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert rrule(second_reading, NEW_YORK, Recurrence("week", 2)) is None
