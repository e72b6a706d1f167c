"""Is a goal on track?  Completion against elapsed time, in both directions."""

from __future__ import annotations

from datetime import date

import pytest

from saas.domain.progress import goal_progress

START, DUE = date(2026, 1, 1), date(2026, 12, 31)
HALF = date(2026, 7, 2)  # 182 of 364 days: 50 % of the time


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (1500, "on_track"),  # 50 % done at 50 % of the time
        (1420, "on_track"),  # 42 %: within 10 points
        (1300, "at_risk"),  # 30 %: 20 points behind
        (1100, "behind"),  # 10 %: 40 points behind
        (2000, "achieved"),
        (2600, "achieved"),  # overshoot
    ],
)
def test_status_compares_completion_with_elapsed_time(latest, expected):
    result = goal_progress(1000, 2000, latest, START, DUE, HALF)
    assert result.status == expected
    assert result.percent_elapsed == 50.0


def test_percent_complete_is_clamped_and_rounded():
    assert goal_progress(1000, 2000, 2600, START, DUE, HALF).percent_complete == 100.0
    assert goal_progress(1000, 2000, 900, START, DUE, HALF).percent_complete == 0.0
    assert goal_progress(0, 3, 1, START, DUE, HALF).percent_complete == 33.3


def test_a_decreasing_target_is_reached_by_going_down():
    """Reduce response time from 6 hours to 1 hour."""
    assert goal_progress(6, 1, 3.5, START, DUE, HALF).status == "on_track"
    assert goal_progress(6, 1, 3.5, START, DUE, HALF).percent_complete == 50.0
    assert goal_progress(6, 1, 4.5, START, DUE, HALF).status == "at_risk"
    assert goal_progress(6, 1, 7, START, DUE, HALF).status == "behind"
    assert goal_progress(6, 1, 0.5, START, DUE, HALF).status == "achieved"


def test_before_the_start_a_goal_is_on_track_even_with_no_progress():
    result = goal_progress(1000, 2000, None, START, DUE, date(2025, 12, 1))
    assert (result.status, result.percent_elapsed, result.percent_complete) == (
        "on_track",
        0.0,
        0.0,
    )


def test_no_check_in_yet_counts_as_the_baseline():
    assert goal_progress(1000, 2000, None, START, DUE, date(2026, 1, 20)).status == "on_track"
    assert goal_progress(1000, 2000, None, START, DUE, HALF).status == "behind"


def test_a_due_date_passed_short_of_target_is_behind():
    result = goal_progress(1000, 2000, 1700, START, DUE, date(2027, 3, 1))
    assert result.percent_elapsed == 100.0
    assert result.status == "behind"


def test_thresholds_are_exactly_ten_and_twenty_five_points():
    assert goal_progress(0, 100, 40, START, DUE, HALF).status == "on_track"  # 10 behind
    assert goal_progress(0, 100, 39, START, DUE, HALF).status == "at_risk"
    assert goal_progress(0, 100, 25, START, DUE, HALF).status == "at_risk"  # 25 behind
    assert goal_progress(0, 100, 24, START, DUE, HALF).status == "behind"
