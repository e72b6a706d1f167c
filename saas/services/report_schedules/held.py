"""Held reports (``hold_for_review``): rendered but not sent until a consultant approves.

A consultant approves them (``approve_held``), or edits the summary and renders again
(``edit_summary`` / ``rerender``).
"""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import Report
from saas.services import audit, reports
from saas.services.errors import Conflict, ValidationFailed
from saas.services.report_schedules.manage import require_staff
from saas.services.reports import jobs as report_jobs
from saas.transactions import use_case
from tenants.models import Brand, Membership


@use_case
def approve_held(report: Report, membership: Membership) -> Report:
    """Release a held report: recipients get their email now."""
    require_staff(membership)
    if not report.held:
        raise Conflict(_("This report is not held for review."))
    if report.status != "ready":
        raise Conflict(_("The report can be approved once it is ready."))
    report.held = False
    audit.record("report.approved", report, brand_id=report.brand_id)
    _notify(report)
    db.session.flush()
    return report


@use_case
def edit_summary(report: Report, membership: Membership, summary: str | None) -> Report:
    """Replace the executive summary's text, then render the report again."""
    require_staff(membership)
    text = (summary or "").strip()
    if len(text) > 5000:
        raise ValidationFailed(
            _("Please correct the highlighted fields."),
            fields={"summary": _("Keep the summary under 5,000 characters.")},
        )
    report.summary_override = text or None
    audit.record("report.summary_edited", report, brand_id=report.brand_id, length=len(text))
    return rerender(report, membership)


@use_case
def rerender(report: Report, membership: Membership) -> Report:
    """Render the same report again (after an edit, or to pick up new data)."""
    require_staff(membership)
    if report.status in ("queued", "rendering"):
        raise Conflict(_("This report is already being rendered."))
    report.status = "queued"
    report.progress = 0
    report.error = None
    report.attempts = 0
    report.started_at = None
    report.finished_at = None
    report.deadline_at = report_jobs.deadline()
    reports._enqueue(report)
    audit.record("report.rerender_requested", report, brand_id=report.brand_id)
    db.session.flush()
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
    reports.notify_ready(report)
