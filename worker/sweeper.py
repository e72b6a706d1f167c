"""The sweeper: finds outbox rows whose job was lost and enqueues them again.

The database row is the truth and the RQ job only a way to get it done (see
``worker.queue``): when Redis loses a job (restart without persistence, an enqueue that
failed after the commit) the row stays ``queued`` or ``sending``.  ``saas.services.mail.
requeue_stale`` knows how to re-enqueue such rows; this module runs it as a job, across
agencies, and keeps it coming back on a timer.

``python -m worker`` starts the cycle with ``start(queue)``; every worker may call it: the
job id names the time slot, so workers starting together book one sweep, not one each.
``flask jobs requeue-stale`` does the same sweep once, by hand.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from tenants.context import system_scope
from worker.runtime import job_context

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "tandem-sweeper"
SWEEP_EVERY = timedelta(minutes=5)
STALE_AFTER_MINUTES = 10


def sweep(stale_after_minutes: int = STALE_AFTER_MINUTES) -> int:
    """Re-enqueue every agency's stale outbox messages.  Returns how many.

    Runs in the system scope on purpose: it reads every agency's outbox, and each message
    is re-enqueued with its own agency id, whose job re-enters that tenant's scope.
    """
    from saas.services.mail import requeue_stale
    from saas.services.reports import fail_stuck

    with job_context(), system_scope():
        count = requeue_stale(older_than_minutes=stale_after_minutes)
        # Reports stuck in "rendering" past their deadline (a killed worker): re-queued
        # while attempts remain, otherwise failed with a reason. Never left rendering.
        stuck = fail_stuck()
    if count:
        log.warning("sweeper re-enqueued %d stale email(s)", count)
    if stuck:
        log.warning("sweeper handled %d stuck report(s)", stuck)
    return count


def sweep_and_reschedule(every_seconds: int = int(SWEEP_EVERY.total_seconds())) -> int:
    """The periodic job (Redis mode): sweep, then book the next sweep."""
    try:
        return sweep()
    finally:
        from rq import get_current_job

        job = get_current_job()
        if job is not None:
            _schedule(job.origin, job.connection, every_seconds)


def start(queue: Any, every: timedelta = SWEEP_EVERY) -> str:
    """Book the first sweep on ``queue`` (an RQ Queue; needs the worker's scheduler)."""
    return _schedule(queue.name, queue.connection, int(every.total_seconds()))


def _schedule(queue_name: str, connection: Any, every_seconds: int) -> str:
    """Book the next sweep; the job id names its time slot, so two workers booking the
    same slot book one sweep, and a running sweep never reuses its own id."""
    from rq import Queue

    next_run = datetime.now(UTC) + timedelta(seconds=every_seconds)
    job_id = f"{SWEEP_JOB_ID}-{int(next_run.timestamp()) // max(1, every_seconds)}"
    Queue(queue_name, connection=connection).enqueue_in(
        timedelta(seconds=every_seconds), sweep_and_reschedule, every_seconds, job_id=job_id
    )
    return job_id
