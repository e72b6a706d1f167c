"""Deliver one outbox message.

The delivery holds the message's lease (``worker.leases``): a second job for the same
message (the sweeper or ``flask jobs requeue-stale`` re-enqueued it while the first was
still sending) steps aside instead of sending it twice at the same moment; once the first
has finished, ``mail.deliver`` leaves a sent message alone.
"""

from __future__ import annotations

import logging

from tenants.context import tenant_scope
from worker import leases
from worker.runtime import job_context

log = logging.getLogger(__name__)

LONGEST_DELIVERY_SECONDS = 300  # SMTP time-outs included


def deliver_email(message_id: int, agency_id: int) -> None:
    from saas.services import mail

    lease = f"email:{int(message_id)}"
    with job_context(), leases.hold(lease, max_seconds=LONGEST_DELIVERY_SECONDS) as ours:
        if not ours:
            log.info("message %s is being delivered by another job; leaving it", message_id)
            return
        with tenant_scope(agency_id):
            mail.deliver(message_id)
