"""Deliver one outbox message."""

from __future__ import annotations

from tenants.context import tenant_scope
from worker.runtime import job_context


def deliver_email(message_id: int, agency_id: int) -> None:
    from saas.services import mail

    with job_context(), tenant_scope(agency_id):
        mail.deliver(message_id)
