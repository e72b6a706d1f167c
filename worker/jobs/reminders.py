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
from datetime import timedelta

from saas.services import reminders
from worker.runtime import job_context

log = logging.getLogger(__name__)

REMINDERS_EVERY = timedelta(hours=1)


def run_reminders() -> int:
    """Send every review reminder that is due.  Returns how many emails were queued."""

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
