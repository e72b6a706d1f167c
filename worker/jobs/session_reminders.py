"""Session reminders: one scheduled job per reminder, and a catch-up for lost jobs.

``send_session_reminder`` is booked by ``saas.services.strategy_sessions.reminding.plan``
for the reminder's time (RQ's scheduler in Redis mode, the in-process timer in thread
mode).  Its arguments name the row *and* the due time it was booked for: a job of a
session that has since moved finds a different ``due_at`` and does nothing, and the row is
claimed with one conditional UPDATE, so two workers (or the job and the catch-up) never
send the same reminder twice.

``catch_up`` is a periodic task (``worker.periodic``, every
``SESSION_REMINDERS_INTERVAL_SECONDS``; in thread mode the timer thread runs it): reminders
due and still scheduled, whose job was lost, are sent within the grace and skipped as
missed beyond it.
"""

from __future__ import annotations

import logging

from saas.services.strategy_sessions import reminding
from saas.transactions import unit_of_work
from tenants.context import tenant_scope
from worker.runtime import job_context

log = logging.getLogger(__name__)


def send_session_reminder(reminder_id: int, agency_id: int, due_iso: str) -> str:
    """Send one reminder if it is still due at ``due_iso``.  Returns the outcome."""
    with job_context(), tenant_scope(agency_id), unit_of_work():  # flushes inside the scope
        outcome = reminding.deliver(int(reminder_id), str(due_iso))
    log.info("session reminder %s (%s): %s", reminder_id, due_iso, outcome)
    return outcome


def catch_up() -> dict[str, int]:
    """Send the reminders whose job was lost.  Returns counts by outcome."""
    with job_context():
        outcomes = reminding.send_due()
    if outcomes:
        log.info("session reminder catch-up: %s", outcomes)
    return outcomes
