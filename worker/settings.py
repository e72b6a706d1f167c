"""How often the background machinery looks around, from the environment.

Read by ``python -m worker`` (and by jobs, for their lease length).  Each value may also be
set in the Flask config under the same name, which wins over the environment; tests shorten
them all so that a kill or a lost Redis is recovered in seconds rather than minutes.

* ``WORKER_TICK_SECONDS`` (30): how often each worker checks whether a periodic task is
  due and whether RQ's scheduler needs a new home; also its Redis wait and heartbeat.
* ``JOB_LEASE_SECONDS`` (60): how long a dead job's lease outlives it (see
  ``worker.leases``), i.e. how soon a killed render counts as abandoned.
* ``SWEEP_INTERVAL_SECONDS`` (300), ``REMINDERS_INTERVAL_SECONDS`` (3600),
  ``SCHEDULES_INTERVAL_SECONDS`` (86400), ``SESSION_REMINDERS_INTERVAL_SECONDS`` (60, the
  catch-up of session reminders whose scheduled job was lost): the periodic tasks
  (``worker.periodic``).
* ``STALE_AFTER_SECONDS`` (600): how long queued work waits before the sweeper treats its
  job as lost (``saas.services.recovery``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

from flask import Flask

ENV_NAMES = {
    "tick": "WORKER_TICK_SECONDS",
    "lease": "JOB_LEASE_SECONDS",
    "sweep": "SWEEP_INTERVAL_SECONDS",
    "reminders": "REMINDERS_INTERVAL_SECONDS",
    "schedules": "SCHEDULES_INTERVAL_SECONDS",
    "session_reminders": "SESSION_REMINDERS_INTERVAL_SECONDS",
    "stale_after": "STALE_AFTER_SECONDS",
}


@dataclass(frozen=True)
class Timing:
    """Seconds, all of them."""

    tick: int = 30
    lease: int = 60
    sweep: int = 300
    reminders: int = 3600
    schedules: int = 86400
    session_reminders: int = 60
    stale_after: int = 600

    @property
    def stale_after_minutes(self) -> float:
        return self.stale_after / 60


def timing(app: Flask | None = None) -> Timing:
    """The timing for this process: Flask config, then the environment, then the defaults.

    A value that is not a whole number, or is below its minimum (1 second; 0 for
    ``STALE_AFTER_SECONDS``), raises ``ValueError`` so a typo stops the worker at start-up
    instead of silently meaning "never".
    """
    config: Any = app.config if app is not None else {}
    values: dict[str, int] = {}
    for field in fields(Timing):
        name = ENV_NAMES[field.name]
        raw = config.get(name)
        if raw is None:
            raw = os.environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a whole number of seconds, not {raw!r}") from None
        minimum = 0 if field.name == "stale_after" else 1
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, not {value}")
        values[field.name] = value
    return Timing(**values)
