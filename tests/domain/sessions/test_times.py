"""Local times ↔ UTC: the gap is refused, the fall-back hour is its first occurrence, and
a 10:00 Riyadh session reads 02:00 / 03:00 in New York on either side of the US change."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from saas.domain.sessions import (
    NonexistentLocalTime,
    OffsetMismatch,
    Recurrence,
    SchedulingError,
    UnknownTimeZone,
    as_utc,
    is_time_zone,
    local_view,
    occurrences,
    parse_starts_at,
    pick_zone,
    resolve_forward,
    to_utc,
    validate_duration,
    validate_start_not_past,
    zone_info,
)

RIYADH, NEW_YORK, LONDON = "Asia/Riyadh", "America/New_York", "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the "done when" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected_ny", "abbreviation", "offset"),
    [
        (11, time(2, 0), "EST", "-05:00"),  # before the second Sunday of March 2027 (the 14th)
        (15, time(3, 0), "EDT", "-04:00"),  # after it
    ],
)
def test_ten_in_riyadh_is_two_before_and_three_after_the_us_change(
    day, expected_ny, abbreviation, offset
):
    start = to_utc(datetime(2027, 3, day, 10, 0), RIYADH)
    assert start == utc(2027, 3, day, 7, 0)  # Riyadh has no daylight time: always 07:00Z

    seen = local_view(start, NEW_YORK)
    assert seen.wall == datetime(2027, 3, day, expected_ny.hour, 0)
    assert (seen.zone, seen.abbreviation, seen.utc_offset) == (NEW_YORK, abbreviation, offset)

    own = local_view(start, RIYADH)
    assert (own.wall.hour, own.abbreviation, own.utc_offset, own.short_name) == (
        10,
        "AST",
        "+03:00",
        "AST",
    )


def test_a_weekly_riyadh_series_across_the_us_change_moves_for_new_york_only():
    starts = occurrences(datetime(2027, 3, 4, 10, 0), RIYADH, Recurrence("week", 3))
    assert starts == [utc(2027, 3, 4, 7), utc(2027, 3, 11, 7), utc(2027, 3, 18, 7)]
    assert [local_view(s, RIYADH).wall.hour for s in starts] == [10, 10, 10]
    assert [local_view(s, NEW_YORK).wall.hour for s in starts] == [2, 2, 3]
    assert [local_view(s, NEW_YORK).abbreviation for s in starts] == ["EST", "EST", "EDT"]
    # London changes two weeks after New York: 07:00 GMT on both sides of the US change
    assert [local_view(s, LONDON).short_name for s in starts] == ["GMT", "GMT", "GMT"]


def test_the_change_day_itself():
    # 2027-03-14 07:00Z is 03:00 EDT: the US clocks jumped at 07:00Z (02:00 EST)
    start = to_utc(datetime(2027, 3, 14, 10, 0), RIYADH)
    assert local_view(start, NEW_YORK).wall == datetime(2027, 3, 14, 3, 0)
    assert local_view(start - timedelta(microseconds=1), NEW_YORK).wall.hour == 1


# --- to_utc --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "zone", "gap"),
    [
        (datetime(2027, 3, 14, 2, 0), NEW_YORK, 60),
        (datetime(2027, 3, 14, 2, 30), NEW_YORK, 60),
        (datetime(2027, 3, 14, 2, 59, 59), NEW_YORK, 60),
        (datetime(2027, 3, 28, 1, 30), LONDON, 60),
        (datetime(2026, 10, 4, 2, 15), "Australia/Lord_Howe", 30),  # a half-hour change
        (datetime(2011, 12, 30, 10, 0), "Pacific/Apia", 24 * 60),  # Samoa skipped a day
    ],
)
def test_a_start_in_the_spring_forward_gap_is_refused(local, zone, gap):
    with pytest.raises(NonexistentLocalTime) as caught:
        to_utc(local, zone)
    error = caught.value
    assert isinstance(error, SchedulingError) and isinstance(error, ValueError)
    assert (error.code, error.field) == ("nonexistent_local_time", "starts_at")
    assert error.params["gap_minutes"] == gap
    assert error.params["zone"] == zone


def test_the_edges_of_the_gap_exist():
    assert to_utc(datetime(2027, 3, 14, 1, 59), NEW_YORK) == utc(2027, 3, 14, 6, 59)
    assert to_utc(datetime(2027, 3, 14, 3, 0), NEW_YORK) == utc(2027, 3, 14, 7, 0)


@pytest.mark.parametrize(
    ("local", "zone", "first"),
    [
        (datetime(2027, 11, 7, 1, 30), NEW_YORK, utc(2027, 11, 7, 5, 30)),  # EDT, not EST
        (datetime(2027, 11, 7, 1, 0), NEW_YORK, utc(2027, 11, 7, 5, 0)),
        (datetime(2027, 10, 31, 1, 15), LONDON, utc(2027, 10, 31, 0, 15)),  # BST, not GMT
        (datetime(2027, 4, 4, 2, 30), "Australia/Sydney", utc(2027, 4, 3, 15, 30)),  # AEDT
    ],
)
def test_an_ambiguous_start_means_its_first_occurrence(local, zone, first):
    assert to_utc(local, zone) == first
    # fold=1 on a naive input does not sneak the second reading in
    assert to_utc(local.replace(fold=1), zone) == first


def test_the_result_is_aware_utc():
    result = to_utc(datetime(2027, 6, 1, 9, 0), "Asia/Kolkata")
    assert result.tzinfo is UTC and result == utc(2027, 6, 1, 3, 30)


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus",
        "asia/riyadh",
        "America",
        "",
        "localtime",
        "Factory",
        "../etc/passwd",
        "/etc/localtime",
        None,
        3,
    ],
)
def test_an_unknown_zone_is_refused_on_the_timezone_field(zone):
    with pytest.raises(UnknownTimeZone) as caught:
        to_utc(datetime(2027, 6, 1, 9), zone)
    assert (caught.value.code, caught.value.field) == ("unknown_time_zone", "timezone")
    assert not is_time_zone(zone)


def test_zone_names_accept_aliases_and_surrounding_space():
    assert is_time_zone("Asia/Calcutta") and is_time_zone("UTC") and is_time_zone(" Asia/Dubai ")
    assert zone_info(" Asia/Dubai ").key == "Asia/Dubai"


def test_an_aware_start_must_agree_with_the_zone():
    plus3 = timezone(timedelta(hours=3))
    assert to_utc(datetime(2027, 3, 11, 10, tzinfo=plus3), RIYADH) == utc(2027, 3, 11, 7)
    assert to_utc(datetime(2027, 3, 11, 10, tzinfo=zone_info(RIYADH)), RIYADH) == utc(
        2027, 3, 11, 7
    )
    with pytest.raises(OffsetMismatch) as caught:
        to_utc(datetime(2027, 3, 11, 10, tzinfo=UTC), RIYADH)
    error = caught.value
    assert (error.code, error.field) == ("offset_mismatch", "starts_at")
    assert error.params["offset"] == "+00:00" and error.params["expected"] == ("+03:00",)


def test_an_offset_picks_either_reading_of_the_fall_back_hour():
    edt, est = timezone(timedelta(hours=-4)), timezone(timedelta(hours=-5))
    wall = datetime(2027, 11, 7, 1, 30)
    assert to_utc(wall.replace(tzinfo=edt), NEW_YORK) == utc(2027, 11, 7, 5, 30)
    assert to_utc(wall.replace(tzinfo=est), NEW_YORK) == utc(2027, 11, 7, 6, 30)
    with pytest.raises(OffsetMismatch) as caught:
        to_utc(wall.replace(tzinfo=timezone(timedelta(hours=-6))), NEW_YORK)
    assert caught.value.params["expected"] == ("-04:00", "-05:00")


def test_an_offset_does_not_rescue_a_time_in_the_gap():
    with pytest.raises(NonexistentLocalTime):
        to_utc(datetime(2027, 3, 14, 2, 30, tzinfo=timezone(timedelta(hours=-5))), NEW_YORK)


def test_dates_at_the_ends_of_the_calendar_are_refused_not_crashed():
    with pytest.raises(SchedulingError) as caught:
        to_utc(datetime(1, 1, 1, 0, 0), RIYADH)
    assert caught.value.code == "out_of_range"
    with pytest.raises(SchedulingError) as caught:
        to_utc(datetime(9999, 12, 31, 23, 0), NEW_YORK)
    assert caught.value.code == "out_of_range"


def test_to_utc_refuses_what_is_not_a_datetime():
    with pytest.raises(TypeError):
        to_utc("2027-03-11T10:00", RIYADH)  # type: ignore[arg-type]


def test_the_field_can_be_named_by_the_caller():
    with pytest.raises(NonexistentLocalTime) as caught:
        to_utc(datetime(2027, 3, 14, 2, 30), NEW_YORK, field="from")
    assert caught.value.field == "from"


# --- resolve_forward: generated times ----------------------------------------------------


def test_resolve_forward_moves_a_gap_time_by_the_gap_and_leaves_others():
    assert resolve_forward(datetime(2027, 3, 14, 2, 30), NEW_YORK) == (
        utc(2027, 3, 14, 7, 30),  # 03:30 EDT
        timedelta(hours=1),
    )
    assert resolve_forward(datetime(2027, 3, 14, 10, 0), NEW_YORK) == (
        utc(2027, 3, 14, 14, 0),
        timedelta(0),
    )
    assert resolve_forward(datetime(2027, 11, 7, 1, 30), NEW_YORK)[0] == utc(2027, 11, 7, 5, 30)


# --- parse_starts_at -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2027-03-11T10:00", RIYADH, utc(2027, 3, 11, 7)),
        ("2027-03-11 10:00", RIYADH, utc(2027, 3, 11, 7)),
        ("  2027-03-11T10:00  ", RIYADH, utc(2027, 3, 11, 7)),
        ("2027-03-11T10:00:30", RIYADH, utc(2027, 3, 11, 7, 0, 30)),
        ("2027-03-11T10:00:30.5", RIYADH, datetime(2027, 3, 11, 7, 0, 30, 500000, tzinfo=UTC)),
        ("2027-03-11T10:00+03:00", RIYADH, utc(2027, 3, 11, 7)),
        ("2027-03-11T07:00Z", "UTC", utc(2027, 3, 11, 7)),
        ("2027-03-11T07:00+00:00", "Europe/London", utc(2027, 3, 11, 7)),
        ("2027-11-07T01:30", NEW_YORK, utc(2027, 11, 7, 5, 30)),
        ("2027-11-07T01:30-05:00", NEW_YORK, utc(2027, 11, 7, 6, 30)),
        ("2027-06-01T09:00+05:45", "Asia/Kathmandu", utc(2027, 6, 1, 3, 15)),
    ],
)
def test_parse_starts_at_reads_local_time_or_an_agreeing_offset(text, zone, expected):
    assert parse_starts_at(text, zone) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2027-03-11",  # a date alone would be midnight by accident
        "2027-03-11T10",
        "2027-03-11T25:00",
        "2027-02-30T10:00",
        "2027-03-11T10:60",
        "2027-03-11T10:00:60",
        "2027-W10-4T10:00",
        "20270311T1000",
        "2027-03-11T10:00+0300",
        "2027-03-11T10:00+03",
        "2027-03-11T10:00+24:00",
        "2027-03-11T10:00+03:60",
        "٢٠٢٧-٠٣-١١T10:00",  # Arabic-Indic digits: \d would have let them through
        "2027-03-11T10:00 tomorrow",
        "2027-03-11T10:00:00.1234567",
        "x" * 1000,
        None,
        20270311,
    ],
)
def test_parse_starts_at_refuses_other_shapes(text):
    with pytest.raises(SchedulingError) as caught:
        parse_starts_at(text, RIYADH)
    assert (caught.value.code, caught.value.field) == ("invalid_datetime", "starts_at")


def test_parse_starts_at_reports_gap_offset_and_zone_errors():
    with pytest.raises(NonexistentLocalTime):
        parse_starts_at("2027-03-14T02:30", NEW_YORK)
    with pytest.raises(OffsetMismatch):
        parse_starts_at("2027-03-11T10:00+04:00", RIYADH)
    with pytest.raises(OffsetMismatch):
        parse_starts_at("2027-03-11T10:00Z", RIYADH)
    with pytest.raises(UnknownTimeZone):
        parse_starts_at("2027-03-11T10:00", "Asia/Atlantis")


# --- local_view -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "abbreviation", "short_name", "offset"),
    [
        ("Asia/Riyadh", "AST", "AST", "+03:00"),
        ("Asia/Kuwait", "AST", "AST", "+03:00"),
        ("Asia/Dubai", "GST", "GST", "+04:00"),
        ("Africa/Cairo", "EET", "EET", "+02:00"),
        ("America/New_York", "EST", "EST", "-05:00"),
        ("UTC", "UTC", "UTC", "+00:00"),
        ("Asia/Kathmandu", None, "UTC+05:45", "+05:45"),  # tzdata says "+0545"
        ("Asia/Amman", None, "UTC+03:00", "+03:00"),  # not "Arabia" time: no borrowed name
    ],
)
def test_local_view_names_the_zone(zone, abbreviation, short_name, offset):
    seen = local_view(utc(2027, 1, 15, 12), zone)
    assert (seen.abbreviation, seen.short_name, seen.utc_offset) == (
        abbreviation,
        short_name,
        offset,
    )
    assert seen.zone == zone and seen.local == utc(2027, 1, 15, 12)


def test_local_view_reads_a_naive_instant_as_utc_the_way_the_database_stores_it():
    assert local_view(datetime(2027, 3, 15, 7, 0), NEW_YORK).wall == datetime(2027, 3, 15, 3, 0)


def test_local_view_of_a_historical_offset_with_seconds():
    assert local_view(utc(1900, 1, 1), RIYADH).utc_offset == "+03:06:52"  # local mean time


def test_local_view_keeps_the_second_reading_of_the_fall_back_hour():
    first, second = (
        local_view(utc(2027, 11, 7, 5, 30), NEW_YORK),
        local_view(utc(2027, 11, 7, 6, 30), NEW_YORK),
    )
    assert first.wall == second.wall == datetime(2027, 11, 7, 1, 30)
    assert (first.abbreviation, second.abbreviation) == ("EDT", "EST")


# --- pick_zone, as_utc ----------------------------------------------------------------------


def test_pick_zone_falls_through_empty_and_unknown_values():
    assert pick_zone(None, "", "Mars/Base", "Asia/Dubai", RIYADH) == "Asia/Dubai"
    assert pick_zone(None, "nope") == "UTC"
    assert pick_zone(None, default=RIYADH) == RIYADH


def test_as_utc():
    assert as_utc(datetime(2027, 1, 1, 12)) == utc(2027, 1, 1, 12)
    assert as_utc(datetime(2027, 1, 1, 15, tzinfo=timezone(timedelta(hours=3)))) == utc(
        2027, 1, 1, 12
    )
    with pytest.raises(TypeError):
        as_utc("2027-01-01")  # type: ignore[arg-type]


# --- durations and the start --------------------------------------------------------------


@pytest.mark.parametrize("minutes", [15, 30, 90, 480])
def test_durations_from_15_to_480_minutes_are_accepted(minutes):
    assert validate_duration(minutes) == minutes


@pytest.mark.parametrize("minutes", [0, -30, 14, 481, 10**9])
def test_zero_negative_and_absurd_durations_are_out_of_range(minutes):
    with pytest.raises(SchedulingError) as caught:
        validate_duration(minutes)
    assert (caught.value.code, caught.value.field) == ("duration_out_of_range", "duration_minutes")
    assert dict(caught.value.params) == {"min": 15, "max": 480}


@pytest.mark.parametrize("minutes", [True, False, 30.0, 30.5, "30", None, [30]])
def test_durations_that_are_not_whole_numbers_are_refused_not_coerced(minutes):
    with pytest.raises(SchedulingError) as caught:
        validate_duration(minutes)
    assert caught.value.code == "invalid_duration"


def test_a_start_in_the_past_is_refused_and_now_is_not_the_past():
    now = utc(2027, 3, 1, 12)
    assert validate_start_not_past(now, now) == now
    assert validate_start_not_past(now + timedelta(minutes=1), now) == now + timedelta(minutes=1)
    with pytest.raises(SchedulingError) as caught:
        validate_start_not_past(now - timedelta(seconds=1), now)
    assert (caught.value.code, caught.value.field) == ("start_in_past", "starts_at")


def test_the_clock_is_passed_in_so_the_demo_can_seed_the_past():
    past = utc(2026, 9, 1, 7)
    assert validate_start_not_past(past, now=utc(2026, 8, 1)) == past
    # naive values are UTC, as stored: 12:00 naive vs 14:00+03:00 (11:00Z) is in the future
    assert validate_start_not_past(
        datetime(2027, 3, 1, 12), datetime(2027, 3, 1, 14, tzinfo=timezone(timedelta(hours=3)))
    ) == utc(2027, 3, 1, 12)


def test_a_start_years_ahead_is_a_typo():
    now = utc(2027, 3, 1, 12)
    with pytest.raises(SchedulingError) as caught:
        validate_start_not_past(utc(2207, 3, 1), now)
    assert caught.value.code == "start_too_far"
    assert validate_start_not_past(utc(2031, 3, 1), now) == utc(2031, 3, 1)
    assert validate_start_not_past(utc(2207, 3, 1), now, max_ahead=None) == utc(2207, 3, 1)
