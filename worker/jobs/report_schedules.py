"""Scheduled reports, daily: every due monthly or quarterly schedule requests its report.

``saas.services.report_schedules.run_due`` does the work (across agencies, each in its own
tenant scope) and never creates a report twice: each schedule is claimed with a row lock and
a compare-and-swap on ``next_run_on`` in the transaction that creates the report, so an
extra run, or several workers running at once, creates nothing twice.

``python -m worker`` books the first run with ``start(queue)``; each run books the next.
Like the sweeper, the job id names its time slot, so workers starting together book one
run, not one each.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from worker.runtime import job_context

log = logging.getLogger(__name__)

SCHEDULES_JOB_ID = "tandem-report-schedules"
SCHEDULES_EVERY = timedelta(days=1)
FIRST_RUN_AFTER = timedelta(minutes=1)


def run_schedules() -> int:
    """Request every scheduled report that is due.  Returns how many were created."""
    from saas.services import report_schedules

    with job_context():
        count = report_schedules.run_due()
    if count:
        log.info("requested %d scheduled report(s)", count)
    return count


def run_and_reschedule(every_seconds: int = int(SCHEDULES_EVERY.total_seconds())) -> int:
    """The periodic job (Redis mode): request what is due, then book the next run."""
    try:
        return run_schedules()
    finally:
        from rq import get_current_job

        job = get_current_job()
        if job is not None:
            _schedule(job.origin, job.connection, every_seconds, every_seconds)


def start(queue: Any, every: timedelta = SCHEDULES_EVERY) -> str:
    """Book the first run on ``queue`` (an RQ Queue; needs the worker's scheduler).

    The first run comes soon after start-up (a worker restarted on the 1st must not wait a
    day); later runs follow every ``every``.
    """
    return _schedule(
        queue.name,
        queue.connection,
        int(every.total_seconds()),
        int(FIRST_RUN_AFTER.total_seconds()),
    )


def _schedule(queue_name: str, connection: Any, every_seconds: int, delay_seconds: int) -> str:
    from rq import Queue

    next_run = datetime.now(UTC) + timedelta(seconds=delay_seconds)
    slot = int(next_run.timestamp()) // max(1, min(every_seconds, 3600))
    job_id = f"{SCHEDULES_JOB_ID}-{slot}"
    Queue(queue_name, connection=connection).enqueue_in(
        timedelta(seconds=delay_seconds), run_and_reschedule, every_seconds, job_id=job_id
    )
    return job_id
