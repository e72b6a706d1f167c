"""Scheduled reports, daily: every due monthly or quarterly schedule requests its report.

``saas.services.report_schedules.run_due`` does the work (across agencies, each in its own
tenant scope) and never creates a report twice: each schedule is claimed with a row lock and
a compare-and-swap on ``next_run_on`` in the transaction that creates the report, so an
extra run, or several workers running at once, creates nothing twice.

``run_schedules`` is a periodic task (``worker.periodic``, every
``SCHEDULES_INTERVAL_SECONDS``, daily by default, and at once when a worker finds no booking,
so a worker restarted on the 1st does not wait a day).  The sweeper also requests schedules
overdue by more than its grace (``report_schedules.run_overdue``), should a run be lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from saas.services import report_schedules
from worker.runtime import job_context

log = logging.getLogger(__name__)

SCHEDULES_EVERY = timedelta(days=1)


def run_schedules() -> int:
    """Request every scheduled report that is due.  Returns how many were created."""

    with job_context():
        count = report_schedules.run_due()
    if count:
        log.info("requested %d scheduled report(s)", count)
    return count


def run_and_reschedule(every_seconds: int = int(SCHEDULES_EVERY.total_seconds())) -> int:
    """A run booked in RQ's scheduler by an older worker: run once, book nothing.

    Scheduled reports are a periodic task now; this ends the old chain on upgrade.
    """
    return run_schedules()
