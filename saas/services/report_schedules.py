"""Scheduled reports: a brand's monthly or quarterly alignment report, sent to its leaders.

A schedule holds the next date it runs (``next_run_on``: the first day of a month or a
quarter).  ``run_due`` is called daily by a worker job (``worker.jobs.report_schedules``);
for every due schedule it requests the report for the period that has just ended, through
the same pipeline as a consultant's request (``saas.services.reports.request_report``).

No duplicates when several workers run at once: each schedule is *claimed* by a
compare-and-swap ``UPDATE ... SET next_run_on = <next> WHERE id = ? AND next_run_on = <old>``
in the same transaction that creates the report (one row updated = ours to run; zero =
another worker got there first).  On PostgreSQL the row is also locked with ``FOR UPDATE
SKIP LOCKED`` so a second worker skips it instead of waiting; SQLite serialises writers.
A last guard skips the request when a report for the same schedule and period exists.

Held reports (``hold_for_review``) are rendered but not sent: a consultant approves them
(``approve_held``), edits the summary and renders again (``edit_summary`` / ``rerender``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import REPORT_SECTIONS, Report, ReportSchedule
from saas.services import audit
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from tenants.context import system_scope, tenant_scope
from tenants.models import Brand, BrandAccess, Membership, Role, utcnow

log = logging.getLogger(__name__)

FREQUENCIES = ("monthly", "quarterly")
LOCALES = ("en", "ar")


# -- dates ------------------------------------------------------------------------------


def period_start_of(day: date, frequency: str) -> date:
    """The first day of the month or quarter that contains ``day``."""
    if frequency == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def add_periods(start: date, frequency: str, count: int = 1) -> date:
    """``start`` (a first day) moved by ``count`` months or quarters."""
    months = count * (3 if frequency == "quarterly" else 1)
    index = start.year * 12 + (start.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def next_run_after(day: date, frequency: str) -> date:
    """The first day of the next month or quarter after ``day``."""
    return add_periods(period_start_of(day, frequency), frequency)


def previous_period(run_on: date, frequency: str) -> tuple[date, date]:
    """The month or quarter that ended just before the period containing ``run_on``."""
    this_start = period_start_of(run_on, frequency)
    start = add_periods(this_start, frequency, -1)
    return start, this_start - timedelta(days=1)


# -- managing schedules -------------------------------------------------------------------


def _require_staff(membership: Membership) -> None:
    if membership is None or not Role(membership.role).is_agency_staff:
        raise Forbidden(_("Only the agency's owners and consultants can schedule reports."))


def brand_leaders(brand: Brand) -> list[Membership]:
    """The brand's client leaders: the people a scheduled report can be sent to."""
    stmt = (
        select(Membership)
        .join(BrandAccess, BrandAccess.membership_id == Membership.id)
        .where(BrandAccess.brand_id == brand.id, Membership.role == Role.CLIENT_LEADER.value)
        .order_by(Membership.id)
    )
    return list(db.session.scalars(stmt).unique())


def clean(brand: Brand, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a schedule's fields; raises ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    frequency = data.get("frequency")
    if frequency not in FREQUENCIES:
        errors["frequency"] = _("Choose monthly or quarterly.")
    locale = data.get("locale") or "en"
    if locale not in LOCALES:
        errors["locale"] = _("Choose English or Arabic.")
    sections = list(data.get("sections") or [])
    if not sections:
        errors["sections"] = _("Choose at least one section.")
    elif any(s not in REPORT_SECTIONS for s in sections):
        errors["sections"] = _("Choose sections from the list.")
    try:
        recipient_ids = sorted({int(r) for r in data.get("recipient_ids") or []})
    except (TypeError, ValueError):
        recipient_ids = []
        errors["recipient_ids"] = _("Choose recipients from the list.")
    leaders = {m.id for m in brand_leaders(brand)}
    if not errors.get("recipient_ids"):
        if not recipient_ids:
            errors["recipient_ids"] = _("Choose at least one client leader.")
        elif not set(recipient_ids) <= leaders:
            errors["recipient_ids"] = _("Recipients must be this brand's client leaders.")
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields=errors)
    ordered = [s for s in REPORT_SECTIONS if s in sections]
    return {
        "frequency": frequency,
        "locale": locale,
        "sections": ordered,
        "recipient_ids": recipient_ids,
        "hold_for_review": bool(data.get("hold_for_review")),
    }


def list_for(brand: Brand) -> list[ReportSchedule]:
    stmt = (
        select(ReportSchedule)
        .where(ReportSchedule.brand_id == brand.id)
        .order_by(ReportSchedule.active.desc(), ReportSchedule.id.desc())
    )
    return list(db.session.scalars(stmt))


def create(
    brand: Brand, membership: Membership, data: dict[str, Any], *, today: date | None = None
) -> ReportSchedule:
    _require_staff(membership)
    if brand.is_archived:
        raise Conflict(_("This brand is archived."))
    values = clean(brand, data)
    today = today or utcnow().date()
    schedule = ReportSchedule(
        brand_id=brand.id,
        created_by_id=membership.user_id,
        next_run_on=next_run_after(today, values["frequency"]),
        active=True,
        **values,
    )
    db.session.add(schedule)
    db.session.flush()
    audit.record("report_schedule.created", schedule, brand_id=brand.id, **_details(schedule))
    db.session.commit()
    return schedule


def update_schedule(
    schedule: ReportSchedule,
    brand: Brand,
    membership: Membership,
    data: dict[str, Any],
    *,
    today: date | None = None,
) -> ReportSchedule:
    _require_staff(membership)
    values = clean(brand, data)
    if values["frequency"] != schedule.frequency:
        schedule.next_run_on = next_run_after(today or utcnow().date(), values["frequency"])
    for key, value in values.items():
        setattr(schedule, key, value)
    audit.record("report_schedule.updated", schedule, **_details(schedule))
    db.session.commit()
    return schedule


def deactivate(schedule: ReportSchedule, membership: Membership) -> ReportSchedule:
    _require_staff(membership)
    if schedule.active:
        schedule.active = False
        audit.record("report_schedule.deactivated", schedule, brand_id=schedule.brand_id)
        db.session.commit()
    return schedule


def _details(schedule: ReportSchedule) -> dict[str, Any]:
    return {
        "frequency": schedule.frequency,
        "locale": schedule.locale,
        "sections": list(schedule.sections),
        "recipient_ids": list(schedule.recipient_ids),
        "hold_for_review": schedule.hold_for_review,
        "next_run_on": schedule.next_run_on.isoformat(),
    }


# -- running due schedules ---------------------------------------------------------------


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
    """Within one agency: claim the schedule, request its report, advance it; one commit."""
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
        db.session.commit()
        return False
    requester = _requester(schedule)
    if requester is None:
        log.warning("schedule %s has nobody to request it; skipped", schedule.id)
        db.session.commit()
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
    db.session.commit()
    return True


def _request(
    schedule: ReportSchedule, brand: Brand, requester: Membership, start: date, end: date
) -> Report:
    """Create the period's report in the caller's transaction (not committed here).

    When the pipeline's ``request_report`` takes ``schedule_id`` and ``held`` (and so sets
    them before its commit enqueues the render), it is used.  Until then the row is built
    here with the pipeline's own helpers, so ``held`` is set before the render can run and
    the claim, the report and its job commit together.
    """
    from saas.services import reports

    params = inspect.signature(reports.request_report).parameters
    if "schedule_id" in params and "held" in params:
        report, _created = reports.request_report(
            brand,
            requester,
            locale=schedule.locale,
            period_start=start,
            period_end=end,
            sections=list(schedule.sections),
            recipient_ids=list(schedule.recipient_ids),
            schedule_id=schedule.id,
            held=schedule.hold_for_review,
        )
        return report
    report = Report(
        agency_id=brand.agency_id,
        brand_id=brand.id,
        schedule_id=schedule.id,
        held=schedule.hold_for_review,
        requested_by_id=requester.user_id,
        locale=schedule.locale,
        period_start=start,
        period_end=end,
        sections=reports.normalise_sections(schedule.sections),
        recipient_ids=_live_recipients(brand, schedule.recipient_ids),
        status="queued",
        progress=0,
        attempts=0,
        deadline_at=reports._deadline(),
    )
    db.session.add(report)
    db.session.flush()
    reports._enqueue(report)
    audit.record(
        "report.requested",
        report,
        label=f"{brand.name} {start.isoformat()}–{end.isoformat()}",
        brand_id=brand.id,
        locale=report.locale,
        sections=list(report.sections),
        schedule_id=schedule.id,
    )
    return report


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


# -- held reports --------------------------------------------------------------------------


def approve_held(report: Report, membership: Membership) -> Report:
    """Release a held report: recipients get their email now."""
    _require_staff(membership)
    if not report.held:
        raise Conflict(_("This report is not held for review."))
    if report.status != "ready":
        raise Conflict(_("The report can be approved once it is ready."))
    report.held = False
    audit.record("report.approved", report, brand_id=report.brand_id)
    _notify(report)
    db.session.commit()
    return report


def edit_summary(report: Report, membership: Membership, summary: str | None) -> Report:
    """Replace the executive summary's text, then render the report again."""
    _require_staff(membership)
    text = (summary or "").strip()
    if len(text) > 5000:
        raise ValidationFailed(
            _("Please correct the highlighted fields."),
            fields={"summary": _("Keep the summary under 5,000 characters.")},
        )
    report.summary_override = text or None
    audit.record("report.summary_edited", report, brand_id=report.brand_id, length=len(text))
    return rerender(report, membership)


def rerender(report: Report, membership: Membership) -> Report:
    """Render the same report again (after an edit, or to pick up new data)."""
    from saas.services import reports

    _require_staff(membership)
    if report.status in ("queued", "rendering"):
        raise Conflict(_("This report is already being rendered."))
    report.status = "queued"
    report.progress = 0
    report.error = None
    report.attempts = 0
    report.started_at = None
    report.finished_at = None
    report.deadline_at = reports._deadline()
    reports._enqueue(report)
    audit.record("report.rerender_requested", report, brand_id=report.brand_id)
    db.session.commit()
    return report


def held_reports(brand: Brand) -> list[Report]:
    stmt = (
        select(Report)
        .where(Report.brand_id == brand.id, Report.held.is_(True))
        .order_by(Report.id.desc())
    )
    return list(db.session.scalars(stmt))


def _notify(report: Report) -> None:
    """Email the report's recipients, through the pipeline's own 'report ready' email."""
    from saas.services import reports

    reports.notify_ready(report)


def recipients(ids: Iterable[int]) -> list[Membership]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Membership).where(Membership.id.in_(ids))).unique())


# -- recovery ------------------------------------------------------------------------------


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
