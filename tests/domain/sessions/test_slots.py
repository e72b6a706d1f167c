"""Suggested slots lie inside every person's working hours on their own clock, avoid busy
time, come in order, and the search is bounded."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from saas.domain.sessions import (
    SchedulingError,
    UnknownTimeZone,
    WorkingHours,
    default_working_hours,
    local_view,
    suggest_slots,
    working_intervals,
)
from saas.domain.sessions.slots import MONDAY_TO_FRIDAY, SUNDAY_TO_THURSDAY

RIYADH, LONDON, NEW_YORK = "Asia/Riyadh", "Europe/London", "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hours(days, start, end, zone) -> WorkingHours:
    return WorkingHours(frozenset(days), time(*start), time(*end), zone)


# --- working hours ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["ar", "ar_SA", "ar-EG", "AR", "ar_AE"])
def test_arabic_locales_default_to_sunday_to_thursday(locale):
    default = default_working_hours(locale, RIYADH)
    assert default.days == SUNDAY_TO_THURSDAY == frozenset({6, 0, 1, 2, 3})
    assert (default.start, default.end, default.zone) == (time(9), time(17), RIYADH)


@pytest.mark.parametrize("locale", ["en", "en_GB", "fr", "", None, "arn", "ary_MA"])
def test_other_locales_default_to_monday_to_friday(locale):
    assert default_working_hours(locale, LONDON).days == MONDAY_TO_FRIDAY == frozenset(range(5))


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"days": frozenset({7})}, "invalid_working_days", "working_hours.days"),
        ({"days": frozenset({-1})}, "invalid_working_days", "working_hours.days"),
        ({"days": frozenset({True})}, "invalid_working_days", "working_hours.days"),
        ({"days": {0, 1}}, "invalid_working_days", "working_hours.days"),
        ({"start": "09:00"}, "invalid_working_time", "working_hours.start"),
        ({"end": time(17, tzinfo=UTC)}, "invalid_working_time", "working_hours.end"),
        ({"start": time(17), "end": time(9)}, "working_hours_order", "working_hours.end"),
        ({"start": time(9), "end": time(9)}, "working_hours_order", "working_hours.end"),
        ({"zone": "Nowhere/City"}, "unknown_time_zone", "working_hours.zone"),
    ],
)
def test_working_hours_are_validated(kwargs, code, field):
    values = {"days": frozenset({0}), "start": time(9), "end": time(17), "zone": RIYADH, **kwargs}
    with pytest.raises(SchedulingError) as caught:
        WorkingHours(**values)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_working_intervals_follow_the_person_s_clock_across_a_change():
    person = hours(range(7), (9, 0), (17, 0), NEW_YORK)
    found = working_intervals(person, (utc(2027, 3, 13, 0), utc(2027, 3, 15, 0)))
    assert found == [
        (utc(2027, 3, 13, 14), utc(2027, 3, 13, 22)),  # EST
        (utc(2027, 3, 14, 13), utc(2027, 3, 14, 21)),  # EDT
    ]


def test_working_intervals_are_clipped_to_the_window():
    person = hours(range(7), (9, 0), (17, 0), "UTC")
    assert working_intervals(person, (utc(2027, 1, 4, 10), utc(2027, 1, 4, 12))) == [
        (utc(2027, 1, 4, 10), utc(2027, 1, 4, 12))
    ]


# --- suggestions ----------------------------------------------------------------------------


def test_slots_lie_inside_everyone_s_hours_in_their_own_zones():
    riyadh = default_working_hours("ar_SA", RIYADH)  # Sun–Thu 09–17 = 06:00–14:00Z
    london = default_working_hours("en_GB", LONDON)  # Mon–Fri 09–17 = 09:00–17:00Z in winter
    # Sunday 10 to Saturday 16 January 2027
    slots = suggest_slots(
        [riyadh, london], [], 60, utc(2027, 1, 10), utc(2027, 1, 17), step_minutes=60, limit=100
    )
    # the common time: Monday–Thursday 09:00–14:00Z, so starts 09, 10, 11, 12, 13
    assert len(slots) == 4 * 5
    for start, end in slots:
        assert end - start == timedelta(minutes=60)
        for person in (riyadh, london):
            a, b = local_view(start, person.zone), local_view(end, person.zone)
            assert a.wall.weekday() in person.days
            assert time(9) <= a.wall.time() and b.wall.time() <= time(17)
    assert {s.weekday() for s, _ in slots} == {0, 1, 2, 3}
    assert slots[0] == (utc(2027, 1, 11, 9), utc(2027, 1, 11, 10))
    assert slots == sorted(slots)


def test_the_overlap_moves_when_one_person_s_clocks_change():
    ny = hours(range(5), (9, 0), (17, 0), NEW_YORK)
    london = hours(range(5), (9, 0), (17, 0), LONDON)
    before = suggest_slots([london, ny], [], 60, utc(2027, 3, 11), utc(2027, 3, 12), limit=100)
    after = suggest_slots([london, ny], [], 60, utc(2027, 3, 15), utc(2027, 3, 16), limit=100)
    # 14:00–17:00Z while New York is on EST; 13:00–17:00Z once it is on EDT (London still GMT)
    assert (before[0][0], before[-1][1]) == (utc(2027, 3, 11, 14), utc(2027, 3, 11, 17))
    assert (after[0][0], after[-1][1]) == (utc(2027, 3, 15, 13), utc(2027, 3, 15, 17))


def test_busy_time_is_avoided_and_touching_ends_are_fine():
    person = hours(range(7), (9, 0), (12, 0), "UTC")
    busy = [(utc(2027, 1, 4, 10), utc(2027, 1, 4, 10, 45))]
    slots = suggest_slots([person], busy, 30, utc(2027, 1, 4), utc(2027, 1, 5), limit=100)
    assert slots == [
        (utc(2027, 1, 4, 9), utc(2027, 1, 4, 9, 30)),
        (utc(2027, 1, 4, 9, 30), utc(2027, 1, 4, 10)),  # ends as the busy time starts
        (utc(2027, 1, 4, 11), utc(2027, 1, 4, 11, 30)),  # 10:45 rounds up to the grid
        (utc(2027, 1, 4, 11, 30), utc(2027, 1, 4, 12)),
    ]


def test_overlapping_and_unordered_busy_intervals_are_merged():
    person = hours(range(7), (9, 0), (17, 0), "UTC")
    busy = [
        (utc(2027, 1, 4, 13), utc(2027, 1, 4, 17)),
        (utc(2027, 1, 4, 9), utc(2027, 1, 4, 11)),
        (utc(2027, 1, 4, 10), utc(2027, 1, 4, 12)),
        (utc(2027, 1, 4, 15), utc(2027, 1, 4, 14)),  # backwards: ignored
        (utc(2026, 1, 1), utc(2026, 1, 2)),  # outside the window
    ]
    slots = suggest_slots([person], busy, 60, utc(2027, 1, 4), utc(2027, 1, 5), limit=100)
    assert slots == [(utc(2027, 1, 4, 12), utc(2027, 1, 4, 13))]


def test_naive_busy_times_are_utc_as_the_database_stores_them():
    person = hours(range(7), (9, 0), (10, 0), "UTC")
    busy = [(datetime(2027, 1, 4, 9), datetime(2027, 1, 4, 10))]
    assert suggest_slots([person], busy, 30, utc(2027, 1, 4), utc(2027, 1, 5)) == []


def test_the_grid_follows_the_first_person_s_clock():
    kathmandu = hours(range(7), (9, 0), (17, 0), "Asia/Kathmandu")  # +05:45
    anyone = hours(range(7), (0, 0), (23, 59), "UTC")
    first = suggest_slots([kathmandu, anyone], [], 30, utc(2027, 1, 4), utc(2027, 1, 5))[0]
    assert local_view(first[0], "Asia/Kathmandu").wall.time() == time(9, 0)
    first = suggest_slots([anyone, kathmandu], [], 30, utc(2027, 1, 4), utc(2027, 1, 5))[0]
    assert first[0] == utc(2027, 1, 4, 3, 30)  # 09:15 in Kathmandu, on the UTC person's grid


def test_the_window_clips_slots_and_a_slot_must_fit_before_the_working_day_ends():
    person = hours(range(7), (9, 0), (17, 0), "UTC")
    slots = suggest_slots([person], [], 90, utc(2027, 1, 4, 15), utc(2027, 1, 5), limit=100)
    assert slots == [
        (utc(2027, 1, 4, 15), utc(2027, 1, 4, 16, 30)),
        (utc(2027, 1, 4, 15, 30), utc(2027, 1, 4, 17)),
    ]
    assert suggest_slots([person], [], 60, utc(2027, 1, 4, 16, 30), utc(2027, 1, 5)) == []


def test_no_common_hours_means_no_slots():
    riyadh = hours({6}, (9, 0), (17, 0), RIYADH)  # Sunday only
    london = hours({0}, (9, 0), (17, 0), LONDON)  # Monday only
    assert suggest_slots([riyadh, london], [], 30, utc(2027, 1, 1), utc(2027, 2, 1)) == []


def test_limit_stops_the_search():
    person = hours(range(7), (0, 0), (23, 30), "UTC")
    slots = suggest_slots([person], [], 15, utc(2027, 1, 1), utc(2027, 2, 1), 5, limit=3)
    assert slots == [(utc(2027, 1, 1, 0, m), utc(2027, 1, 1, 0, m + 15)) for m in (0, 5, 10)]


def test_the_longest_window_is_31_days():
    person = hours(range(7), (9, 0), (17, 0), "UTC")
    assert suggest_slots([person], [], 30, utc(2027, 1, 1), utc(2027, 2, 1))  # exactly 31 days
    with pytest.raises(SchedulingError) as caught:
        suggest_slots([person], [], 30, utc(2027, 1, 1), utc(2027, 2, 1, 0, 0, 1))
    assert (caught.value.code, caught.value.field) == ("window_too_long", "to")


@pytest.mark.parametrize(
    ("args", "kwargs", "code"),
    [
        ((30, utc(2027, 1, 2), utc(2027, 1, 1)), {}, "window_order"),
        ((30, utc(2027, 1, 1), utc(2027, 1, 1)), {}, "window_order"),
        ((0, utc(2027, 1, 1), utc(2027, 1, 2)), {}, "duration_out_of_range"),
        ((600, utc(2027, 1, 1), utc(2027, 1, 2)), {}, "duration_out_of_range"),
        (("30", utc(2027, 1, 1), utc(2027, 1, 2)), {}, "invalid_duration"),
        ((30, utc(2027, 1, 1), utc(2027, 1, 2)), {"step_minutes": 0}, "invalid_step"),
        ((30, utc(2027, 1, 1), utc(2027, 1, 2)), {"step_minutes": True}, "invalid_step"),
        ((30, utc(2027, 1, 1), utc(2027, 1, 2)), {"limit": 0}, "invalid_limit"),
        ((30, utc(2027, 1, 1), utc(2027, 1, 2)), {"limit": 101}, "invalid_limit"),
    ],
)
def test_bad_search_input_is_refused(args, kwargs, code):
    person = hours(range(7), (9, 0), (17, 0), "UTC")
    with pytest.raises(SchedulingError) as caught:
        suggest_slots([person], [], *args, **kwargs)
    assert caught.value.code == code


def test_nobody_to_schedule_is_refused():
    with pytest.raises(SchedulingError) as caught:
        suggest_slots([], [], 30, utc(2027, 1, 1), utc(2027, 1, 2))
    assert (caught.value.code, caught.value.field) == ("no_attendees", "attendees")


def test_many_people_and_much_busy_time_stay_fast():
    people = [
        default_working_hours("ar" if i % 2 else "en", zone)
        for i, zone in enumerate([RIYADH, LONDON, "Asia/Dubai", "Europe/Paris"] * 25)
    ]
    busy = [
        (
            utc(2027, 1, 1) + timedelta(minutes=37 * i),
            utc(2027, 1, 1) + timedelta(minutes=37 * i + 20),
        )
        for i in range(1200)
    ]
    slots = suggest_slots(people, busy, 15, utc(2027, 1, 1), utc(2027, 2, 1), 5, limit=100)
    assert slots and all(not (s < b and a < e) for s, e in slots for a, b in busy)


def test_an_unknown_zone_in_working_hours_is_caught_early():
    with pytest.raises(UnknownTimeZone):
        default_working_hours("en", "Europe/Atlantis")
