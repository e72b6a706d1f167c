"""Apply one stored Stripe event (``saas.services.billing.events.apply``).

The application and the ``processed`` mark commit together; when the work fails the job
rolls back, records ``failed`` with the error in a transaction of its own, and raises, so
RQ retries it (``Retry``) and, once retries run out, the event stays ``failed`` for
``flask billing replay``.
"""

from __future__ import annotations

import logging

from saas.services.billing import events
from worker.runtime import job_context

log = logging.getLogger(__name__)


def apply_event(event_row_id: int) -> str:
    try:
        with job_context():
            return events.apply(int(event_row_id))
    except Exception as error:
        log.exception("applying billing event %s failed", event_row_id)
        with job_context():
            events.record_failure(int(event_row_id), error)
        raise
