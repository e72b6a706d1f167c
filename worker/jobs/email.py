"""Deliver one outbox message.

The delivery holds the message's lease (``worker.leases``): a second job for the same
message (the sweeper or ``flask jobs requeue-stale`` re-enqueued it while the first was
still sending) steps aside instead of sending it twice at the same moment; once the first
has finished, ``mail.deliver`` leaves a sent message alone.
"""

from __future__ import annotations

import logging

from saas.services import mail
from saas.transactions import unit_of_work
from tenants.context import tenant_scope
from worker import leases
from worker.runtime import job_context

log = logging.getLogger(__name__)

LONGEST_DELIVERY_SECONDS = 300  # SMTP time-outs included


def deliver_email(message_id: int, agency_id: int) -> None:

    lease = f"email:{int(message_id)}"
    # The unit of work commits inside the lease: the next job for this message finds it sent.
    with job_context(unit=False), leases.hold(lease, max_seconds=LONGEST_DELIVERY_SECONDS) as ours:
        if not ours:
            log.info("message %s is being delivered by another job; leaving it", message_id)
            return
        with tenant_scope(agency_id), unit_of_work():  # commits inside the scope
            mail.deliver(message_id)
