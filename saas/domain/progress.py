"""How far a goal has come, and whether that is fast enough for the time that has passed.

Pure Python: no Flask, no database.  The rule, documented for people who will argue with it:

* **completion** is the share of the way from baseline to target covered by the latest value
  (0 % at the baseline, 100 % at the target).  It works in either direction: a target below
  the baseline ("reduce response time from 6 h to 1 h") is reached by going down.
* **elapsed** is the share of the time from the start (the goal's start date, else the day
  it was created) to the due date that has passed by ``today``.
* the **status** compares the two, in percentage points:

  - ``achieved``: completion reached 100 %;
  - ``on_track``: completion ≥ elapsed − 10 (and always before the start date);
  - ``at_risk``: completion ≥ elapsed − 25;
  - ``behind``: further behind than that (including a due date that passed short of target).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
ACHIEVED = "achieved"
STATUSES = (ON_TRACK, AT_RISK, BEHIND, ACHIEVED)

ON_TRACK_SLACK = 10.0  # points of completion a goal may trail elapsed time and be on track
AT_RISK_SLACK = 25.0  # beyond this many points behind, the goal is behind


@dataclass(frozen=True)
class Progress:
    percent_complete: float  # 0–100, clamped, one decimal
    percent_elapsed: float  # 0–100, clamped, one decimal
    status: str  # on_track | at_risk | behind | achieved


def completion(baseline: float, target: float, value: float | None) -> float:
    """Share of the way from baseline to target, in percent, clamped to 0–100."""
    span = target - baseline
    if value is None or span == 0 or not math.isfinite(value):
        return 0.0
    return max(0.0, min(100.0, (value - baseline) / span * 100.0))


def elapsed(start: date, due: date, today: date) -> float:
    """Share of the time from ``start`` to ``due`` that has passed, in percent (0–100)."""
    if today <= start:
        return 0.0
    if today >= due:
        return 100.0
    return (today - start).days / (due - start).days * 100.0


def goal_progress(
    baseline: float,
    target: float,
    latest_value: float | None,
    start: date,
    due: date,
    today: date,
) -> Progress:
    """The goal's completion, the time elapsed, and the status that follows (see module)."""
    done = completion(baseline, target, latest_value)
    passed = elapsed(start, due, today)
    if done >= 100.0:
        status = ACHIEVED
    elif today < start or done >= passed - ON_TRACK_SLACK:
        status = ON_TRACK
    elif done >= passed - AT_RISK_SLACK:
        status = AT_RISK
    else:
        status = BEHIND
    return Progress(round(done, 1), round(passed, 1), status)
