"""Recovering renders that will not finish by themselves (the sweeper's part).

A render that dies with its worker leaves the row in ``rendering`` past ``deadline_at``; a
lost enqueue leaves it ``queued``.  Such rows are re-queued while attempts remain, else
failed with a reason.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import Report
from saas.services import (
    audit,
    reports,  # the package: its ``_enqueue`` (see ``jobs``)
)
from saas.services.reports import jobs
from saas.transactions import use_case
from tenants.context import current_scope, system_scope
from tenants.models import utcnow
from worker.leases import is_held
from worker.queue import DONE, MISSING, RUNNING, UNKNOWN, job_state

log = logging.getLogger(__name__)

QUEUED_STALE_AFTER = timedelta(minutes=10)
LOST_JOB_GRACE = timedelta(minutes=1)  # requeue_stuck: a queued row younger than this waits


@use_case
def fail_stuck(now: datetime | None = None) -> int:
    """Re-queue (attempts left) or fail rows stuck past their deadline.  Returns how many.

    A worker killed mid-render leaves the row in ``rendering``; a lost enqueue leaves it
    ``queued``.  Without a tenant scope this runs across agencies (the sweeper's case);
    each re-enqueued job re-enters its own agency's scope.
    """
    if current_scope() is None:
        with system_scope():
            return _fail_stuck(now or utcnow())
    return _fail_stuck(now or utcnow())


def _fail_stuck(now: datetime) -> int:
    stuck = db.session.scalars(
        select(Report).where(
            Report.deadline_at < now,
            or_(
                Report.status == "rendering",
                (Report.status == "queued") & (Report.created_at < now - QUEUED_STALE_AFTER),
            ),
        )
    ).all()
    for report in stuck:
        _requeue_or_fail(report, now)
    db.session.flush()  # inside the scope; the unit of work commits
    if stuck:
        log.warning("re-queued or failed %d stuck report(s)", len(stuck))
    return len(stuck)


@use_case
def requeue_stuck(older_than_minutes: float = 10, now: datetime | None = None) -> int:
    """Recover every report whose render will not finish by itself.  Returns how many.

    The "reports" kind of ``saas.services.recovery`` (the sweeper and ``flask jobs
    requeue-stale``).  Stuck means one of:

    * ``rendering`` and nobody holds the report's lease (``worker.leases``) while the queue
      says its job is no longer waiting: the worker died mid-render.  Seen within
      ``JOB_LEASE_SECONDS`` of a ``kill -9``, without waiting for the deadline;
    * ``rendering`` past its deadline when the queue cannot tell (no Redis, or Redis lost
      the job): ``fail_stuck``'s rule;
    * ``queued`` with no job that will still run it (the enqueue failed after the commit, or
      Redis lost the job): after a minute when the queue says the job is gone, else (no
      Redis to ask) after ``older_than_minutes`` and the row's deadline.

    A stuck render is re-queued while attempts remain, else failed with a reason; a lost
    ``queued`` job is simply enqueued again (no attempt was spent).  A report that is ready,
    failed, held by a live render, or whose job is still waiting is left alone, so running
    this twice, or from cron beside the sweeper, renders nothing twice.
    """
    if current_scope() is None:
        with system_scope():
            return _requeue_stuck(older_than_minutes, now or utcnow())
    return _requeue_stuck(older_than_minutes, now or utcnow())


def _requeue_stuck(older_than_minutes: float, now: datetime) -> int:
    cutoff = now - timedelta(minutes=older_than_minutes)
    # The queue can say "that job is gone" for sure only once the enqueue has had its
    # moment after the commit: never look at a row queued less than LOST_JOB_GRACE ago.
    earliest = now - min(timedelta(minutes=older_than_minutes), LOST_JOB_GRACE)
    candidates = db.session.scalars(
        select(Report)
        .where(
            or_(
                Report.status == "rendering",
                (Report.status == "queued") & (Report.created_at < earliest),
            )
        )
        .order_by(Report.id)
        .with_for_update(skip_locked=True)  # a concurrent sweep skips what this one handles
    ).all()
    handled = 0
    for report in candidates:
        verdict = _stuck_verdict(report, now, cutoff)
        if verdict is None:
            continue
        handled += 1
        if verdict == "lost":
            report.deadline_at = jobs.deadline(now)
            reports._enqueue(report)
            audit.record(
                "report.requeued",
                report,
                agency_id=report.agency_id,
                attempts=report.attempts,
                reason="job lost",
            )
        else:
            _requeue_or_fail(report, now)
    db.session.flush()  # inside the scope; the unit of work commits
    if handled:
        log.warning("recovered %d stuck report(s)", handled)
    return handled


def _stuck_verdict(report: Report, now: datetime, cutoff: datetime) -> str | None:
    """None (leave it), "dead" (a render that died) or "lost" (a queued job that vanished)."""
    if is_held(jobs.lease_name(report.id)):
        return None  # a live render has it
    state = job_state(report.job_id)
    past_deadline = report.deadline_at is not None and report.deadline_at < now
    if report.status == "rendering":
        if state in (DONE, RUNNING):
            # Finished or failed without finishing the row, or "started" with no live lease:
            # its work-horse is gone.
            return "dead"
        if state in (MISSING, UNKNOWN):
            return "dead" if past_deadline else None
        return None  # queued again (RQ retries it): that job will render it
    if state in (DONE, MISSING):
        return "lost"
    if state == UNKNOWN:
        return "lost" if past_deadline and report.created_at < cutoff else None
    return None  # its job is still waiting or running


def _requeue_or_fail(report: Report, now: datetime) -> None:
    """A render that died: queue it again while attempts remain, else fail it with a reason."""
    if (report.attempts or 0) < jobs.MAX_ATTEMPTS:
        report.status = "queued"
        report.progress = 0
        report.deadline_at = jobs.deadline(now)
        report.error = _("The worker stopped while rendering; trying again.")
        reports._enqueue(report)
        audit.record(
            "report.requeued", report, agency_id=report.agency_id, attempts=report.attempts
        )
    else:
        report.status = "failed"
        report.error = _("The worker stopped while rendering; please request the report again.")
        report.finished_at = now
        audit.record("report.failed", report, agency_id=report.agency_id, reason=report.error)
