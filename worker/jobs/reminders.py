"""Review reminders, hourly: a plan waiting too long for review reminds its consultant, then the
owner.

``saas.services.reminders.send_due_reminders`` does the work (across agencies, each in its
own tenant scope) and is idempotent: ``plan.reminders_sent`` records what went out, so an
extra run, or two workers running at once, sends nothing twice.

``run_reminders`` is a periodic task (``worker.periodic``, every
``REMINDERS_INTERVAL_SECONDS``, hourly by default): whichever worker claims an occurrence
runs it, and a booking Redis lost is made again on the next tick.  The sweeper also sends
reminders overdue by more than its grace (``reminders.send_overdue``), should a run be lost.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from worker.runtime import job_context

log = logging.getLogger(__name__)

REMINDERS_JOB_ID = "tandem-reminders"
REMINDERS_EVERY = timedelta(hours=1)


def run_reminders() -> int:
    """Send every review reminder that is due.  Returns how many emails were queued."""
    from saas.services import reminders

    with job_context():
        count = reminders.send_due_reminders()
    if count:
        log.info("queued %d review reminder(s)", count)
    return count


def run_and_reschedule(every_seconds: int = int(REMINDERS_EVERY.total_seconds())) -> int:
    """A run booked in RQ's scheduler by an older worker: run once, book nothing.

    Reminders are a periodic task now; this ends the old self-booking chain on upgrade.
    """
    return run_reminders()


def start(queue: Any, every: timedelta = REMINDERS_EVERY) -> str:
    """Deprecated: ``python -m worker`` no longer calls this (see ``worker.periodic``).

    Kept only while ``tests/reminders`` still pins the old booking; it books one run in
    RQ's scheduler, which runs once.
    """
    return _schedule(queue.name, queue.connection, int(every.total_seconds()))


def _schedule(queue_name: str, connection: Any, every_seconds: int) -> str:
    from rq import Queue

    next_run = datetime.now(UTC) + timedelta(seconds=every_seconds)
    job_id = f"{REMINDERS_JOB_ID}-{int(next_run.timestamp()) // max(1, every_seconds)}"
    Queue(queue_name, connection=connection).enqueue_in(
        timedelta(seconds=every_seconds), run_and_reschedule, every_seconds, job_id=job_id
    )
    return job_id
