"""The sweeper: finds work whose job was lost or died, and gets it done after all.

The database row is the truth and the RQ job only a way to get it done (see
``worker.queue``): when Redis loses a job (restart without persistence, an enqueue that
failed after the commit) or a worker dies mid-job (``kill -9``, out of memory, a lost
machine), the row stays ``queued``, ``sending`` or ``rendering``.  ``saas.services.recovery``
knows every kind of such work (emails, reports, reminders, scheduled reports, and whatever
later features register); this module runs it as a job, across agencies.

It is a periodic task (``worker.periodic``): every ``python -m worker`` may claim the next
sweep, every ``SWEEP_INTERVAL_SECONDS``, so sweeps go on whichever worker dies or starts.
``flask jobs requeue-stale`` does the same sweep once, by hand or from cron.
"""

from __future__ import annotations

import logging

from saas.services import recovery
from worker.runtime import job_context

log = logging.getLogger(__name__)

STALE_AFTER_MINUTES = 10


def sweep(stale_after_minutes: float = STALE_AFTER_MINUTES) -> dict[str, int]:
    """Re-enqueue every kind of stuck work, in every agency.  Returns the counts per kind.

    Each kind enters the scope it needs (the system scope to find rows across agencies);
    each re-enqueued job re-enters its own agency's scope.
    """

    with job_context():
        counts = recovery.requeue_all(older_than_minutes=stale_after_minutes)
    busy = {kind: n for kind, n in counts.items() if n}
    if busy:
        log.warning("sweeper re-enqueued stuck work: %s", busy)
    return counts


def sweep_and_reschedule(every_seconds: int = 300) -> dict[str, int]:
    """A sweep booked in RQ's scheduler by an older worker: sweep once, book nothing.

    Sweeps are periodic tasks now; this ends the old self-booking chain on upgrade.
    """
    return sweep()
