"""How a report reaches the queue: the job, its time limits, its retries and its lease.

``request_report``, the sweeper and the schedules call ``saas.services.reports._enqueue``,
looked up on the package when they run, so a test can replace it there to hold a report in
``queued``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from saas.extensions import db
from saas.models.reports import Report
from tenants.models import utcnow
from worker.queue import enqueue_after_commit

DEADLINE_MARGIN_SECONDS = 60
MAX_ATTEMPTS = 3
JOB = "worker.jobs.reports.render_report"


def lease_name(report_id: int) -> str:
    """The lease a render holds while it runs (``worker.leases``): held means alive."""
    return f"report:{int(report_id)}"


def timeout() -> int:
    return int(current_app.config.get("REPORT_TIMEOUT_SECONDS", 120))


def deadline(now: datetime | None = None) -> datetime:
    """When a render started ``now`` is overdue: its time limit and a margin."""
    return (now or utcnow()) + timedelta(seconds=timeout() + DEADLINE_MARGIN_SECONDS)


def enqueue(report: Report) -> None:
    """Queue the render once the transaction commits, with two retries."""
    report.job_id = enqueue_after_commit(
        db.session,
        JOB,
        report.id,
        report.agency_id,
        max_retries=MAX_ATTEMPTS - 1,
        intervals=(5, 30),
        timeout=timeout() + 30,
    )
