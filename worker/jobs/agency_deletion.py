"""Agencies whose deletion grace period ended are purged (``saas.services.agency_deletion``).

``run_due`` is a periodic task (``worker.periodic``, ``agency-deletions``, every
``REMINDERS_INTERVAL_SECONDS``, hourly by default): it queues one ``purge_agency`` job per
due agency.  Each job carries the due time it was queued for, so a job made stale by a
restore (or a new request) does nothing, and a second job for a purged agency finds nothing.
A Stripe refusal fails the job before anything is deleted; the queue retries it.
"""

from __future__ import annotations

import logging

from saas.services import agency_deletion
from worker.runtime import job_context

log = logging.getLogger(__name__)


def run_due() -> int:
    with job_context():
        count = agency_deletion.enqueue_due()
    if count:
        log.info("queued the purge of %d agency(ies)", count)
    return count


def purge_agency(agency_id: int, due_at: str) -> bool:
    with job_context():
        return agency_deletion.purge(agency_id, due_at)
