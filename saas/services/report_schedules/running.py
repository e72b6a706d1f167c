"""Running due schedules: claim each once, request the period's report, advance the date.

No duplicates when several workers run at once: each schedule is *claimed* by a
compare-and-swap ``UPDATE ... SET next_run_on = <next> WHERE id = ? AND next_run_on = <old>``
in the same transaction that creates the report (one row updated = ours to run; zero =
another worker got there first).  On PostgreSQL the row is also locked with ``FOR UPDATE
SKIP LOCKED`` so a second worker skips it instead of waiting; SQLite serialises writers.
A last guard skips the request when a report for the same schedule and period exists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from saas.extensions import db
from saas.models.reports import Report, ReportSchedule
from saas.services import audit, reports
from saas.services.entitlements import state as entitlements_state
from saas.services.report_schedules.manage import brand_leaders
from saas.services.report_schedules.periods import (
    next_run_after,
    period_start_of,
    previous_period,
)
from saas.transactions import commit_now
from tenants.context import system_scope, tenant_scope
from tenants.models import Brand, Membership, Role, utcnow

log = logging.getLogger(__name__)

# Each schedule is its own transaction: a later schedule's failure must not undo it.
OWN_TRANSACTION = "a schedule's claim and its report stand alone"


def run_due(today: date | None = None) -> int:
    """Request every due scheduled report, in every agency.  Returns how many were created.

    Safe to call twice, or from several workers at once: each schedule runs once per period.
    """
    today = today or utcnow().date()
    with system_scope():
        rows = db.session.execute(
            select(ReportSchedule.id, ReportSchedule.agency_id)
            .where(ReportSchedule.active.is_(True), ReportSchedule.next_run_on <= today)
            .order_by(ReportSchedule.agency_id, ReportSchedule.id)
        ).all()
        db.session.rollback()
    created = 0
    for schedule_id, agency_id in rows:
        try:
            with tenant_scope(agency_id):
                created += int(_run_one(schedule_id, today))
        except Exception:
            # One schedule's failure (a removed brand, a bad row) must not starve the rest.
            db.session.rollback()
            log.exception("scheduled report %s (agency %s) failed", schedule_id, agency_id)
    return created


def _run_one(schedule_id: int, today: date) -> bool:
    """Within one agency: claim the schedule, request its report, advance it; one commit
    of its own (``commit_now``), so that a later schedule's failure cannot undo it."""
    schedule = db.session.scalar(
        select(ReportSchedule)
        .where(
            ReportSchedule.id == schedule_id,
            ReportSchedule.active.is_(True),
            ReportSchedule.next_run_on <= today,
        )
        .with_for_update(skip_locked=True)
    )
    if schedule is None:  # another worker holds it, or it already ran
        db.session.rollback()
        return False
    due_on = schedule.next_run_on
    # The latest period start not after today: a schedule that missed runs (worker down)
    # sends the period that has just ended, not a backlog of stale reports.
    run_on = max(due_on, period_start_of(today, schedule.frequency))
    period_start, period_end = previous_period(run_on, schedule.frequency)
    next_on = next_run_after(today, schedule.frequency)
    claimed = db.session.execute(
        update(ReportSchedule)
        .where(ReportSchedule.id == schedule.id, ReportSchedule.next_run_on == due_on)
        .values(next_run_on=next_on)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    exists = db.session.scalar(
        select(Report.id).where(
            Report.schedule_id == schedule.id,
            Report.period_start == period_start,
            Report.period_end == period_end,
        )
    )
    brand = db.session.scalar(select(Brand).where(Brand.id == schedule.brand_id))
    if exists is not None or brand is None or brand.is_archived:
        commit_now(OWN_TRANSACTION)  # the claim stands: the period is done
        return False
    if entitlements_state.current(schedule.agency_id, count=False).read_only:
        log.info("schedule %s skipped: the agency is read-only", schedule.id)
        commit_now(OWN_TRANSACTION)  # read-only: the period is skipped, nothing is deleted
        return False
    requester = _requester(schedule)
    if requester is None:
        log.warning("schedule %s has nobody to request it; skipped", schedule.id)
        commit_now(OWN_TRANSACTION)  # the claim stands: the period is done
        return False
    report = _request(schedule, brand, requester, period_start, period_end)
    audit.record(
        "report_schedule.ran",
        schedule,
        report_id=report.id,
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        next_run_on=next_on.isoformat(),
    )
    commit_now(OWN_TRANSACTION)
    return True


def _request(
    schedule: ReportSchedule, brand: Brand, requester: Membership, start: date, end: date
) -> Report:
    """Create the period's report in the caller's transaction (not committed here).

    Through ``queue_report`` rather than ``request_report`` (a use case that takes no
    schedule), so ``held`` is set before the render can run and the claim, the report and
    its job commit together.
    """
    return reports.queue_report(
        brand,
        requester.user_id,
        locale=schedule.locale,
        period_start=start,
        period_end=end,
        sections=reports.normalise_sections(schedule.sections),
        recipient_ids=_live_recipients(brand, schedule.recipient_ids),
        schedule_id=schedule.id,
        held=schedule.hold_for_review,
    )


def _live_recipients(brand: Brand, ids: Iterable[int]) -> list[int]:
    """The schedule's recipients who are still client leaders of the brand."""
    leaders = {m.id for m in brand_leaders(brand)}
    return [i for i in ids if i in leaders]


def _requester(schedule: ReportSchedule) -> Membership | None:
    """The schedule's creator if still a member of the agency, else the first owner."""
    if schedule.created_by_id is not None:
        creator = db.session.scalar(
            select(Membership).where(Membership.user_id == schedule.created_by_id)
        )
        if creator is not None and Role(creator.role).is_agency_staff:
            return creator
    return db.session.scalar(
        select(Membership).where(Membership.role == Role.OWNER.value).order_by(Membership.id)
    )


def run_overdue(older_than_minutes: float = 10, now: datetime | None = None) -> int:
    """Request the scheduled reports that have been due for longer than ``older_than_minutes``.

    The "report_schedules" kind of ``saas.services.recovery``: the daily run is a booking in
    Redis, and a run lost with Redis (or never run, with no worker up) leaves schedules whose
    ``next_run_on`` has passed.  A schedule is due from midnight (UTC) of its
    ``next_run_on``; when one is overdue by more than the grace, ``run_due`` runs now.  It
    claims each schedule with a compare-and-swap, so running beside the daily run or from
    cron creates nothing twice.  Returns how many reports were created.
    """
    now = now or utcnow()
    last_due_day = (now - timedelta(minutes=older_than_minutes)).date()
    with system_scope():
        overdue = db.session.scalar(
            select(ReportSchedule.id)
            .where(ReportSchedule.active.is_(True), ReportSchedule.next_run_on <= last_due_day)
            .limit(1)
        )
        db.session.rollback()
    if overdue is None:
        return 0
    return run_due(today=now.date())
