"""Requesting a report: check the period, sections and recipients, queue the render."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import Report
from saas.services import (
    audit,
    reports,  # the package: its ``_enqueue`` (see ``jobs``)
)
from saas.services.entitlements import limits
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.report_content import in_print_order, section_names, unknown_sections
from saas.services.reports import jobs
from saas.services.reports.queries import LOCALES, PENDING, can_request
from saas.transactions import use_case
from tenants.models import Brand, BrandAccess, Membership, Role

MAX_PERIOD_DAYS = 731  # two years, a leap day included


def sections_error() -> str:
    """The field error for an unknown section: it names the valid ones (the registry's)."""
    return _("Choose sections from: %(names)s.", names=", ".join(section_names()))


def normalise_sections(sections: Iterable[str] | None) -> list[str]:
    """The registered sections asked for, in print order; none asked for means all."""
    wanted = [s for s in (sections or []) if s]
    unknown = unknown_sections(wanted)
    if unknown:
        raise ValidationFailed(
            _("Unknown report section: %(names)s.", names=", ".join(unknown)),
            {"sections": sections_error()},
        )
    if not wanted:
        return list(section_names())
    return in_print_order(wanted)


def eligible_recipients(brand: Brand) -> list[Membership]:
    """Client leaders with access to ``brand`` (the people a report is usually for)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(BrandAccess, BrandAccess.membership_id == Membership.id)
            .where(
                BrandAccess.brand_id == brand.id,
                Membership.role == Role.CLIENT_LEADER.value,
            )
            .order_by(Membership.id)
        ).unique()
    )


def _check_recipients(brand: Brand, recipient_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(i) for i in recipient_ids})
    if not ids:
        return []
    members = db.session.scalars(select(Membership).where(Membership.id.in_(ids))).unique().all()
    ok = {m.id for m in members if m.brand_ids is None or brand.id in m.brand_ids}
    if set(ids) - ok:
        raise ValidationFailed(
            _("Some recipients cannot see this brand."),
            {"recipient_ids": _("Choose people who can see this brand.")},
        )
    return ids


@use_case
def request_report(
    brand: Brand,
    membership: Membership,
    *,
    locale: str,
    period_start: date,
    period_end: date,
    sections: Iterable[str] | None,
    recipient_ids: Iterable[int] = (),
) -> tuple[Report, bool]:
    """Queue a report; an identical one still pending is returned instead (created=False)."""
    if not can_request(membership.role):
        raise Forbidden(_("Only the agency's staff can request reports."))
    errors: dict[str, str] = {}
    if locale not in LOCALES:
        errors["locale"] = _("Choose English or Arabic.")
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        errors["period_start"] = _("Enter the period's first and last day.")
    elif period_end < period_start:
        errors["period_end"] = _("The period must end on or after its first day.")
    elif (period_end - period_start).days > MAX_PERIOD_DAYS:
        errors["period_end"] = _("A report covers at most two years.")
    if errors:
        raise ValidationFailed(_("Some fields are invalid."), errors)
    chosen = normalise_sections(sections)
    recipients = _check_recipients(brand, recipient_ids)

    existing = db.session.scalar(
        select(Report)
        .where(
            Report.brand_id == brand.id,
            Report.locale == locale,
            Report.period_start == period_start,
            Report.period_end == period_end,
            Report.status.in_(PENDING),
        )
        .order_by(Report.id.desc())
    )
    if existing is not None and list(existing.sections or []) == chosen:
        return existing, False
    limits.check(brand.agency_id, "reports_per_month", actor=membership)  # a new report

    report = queue_report(
        brand,
        membership.user_id,
        locale=locale,
        period_start=period_start,
        period_end=period_end,
        sections=chosen,
        recipient_ids=recipients,
    )
    return report, True


def queue_report(
    brand: Brand,
    requested_by_id: int | None,
    *,
    locale: str,
    period_start: date,
    period_end: date,
    sections: list[str],
    recipient_ids: list[int],
    schedule_id: int | None = None,
    held: bool = False,
) -> Report:
    """Add a checked report, queue its render after the commit and audit it (no commit).

    ``request_report`` and the schedules both come through here, so a report is created
    one way whoever asks for it."""
    report = Report(
        agency_id=brand.agency_id,
        brand_id=brand.id,
        schedule_id=schedule_id,
        held=held,
        requested_by_id=requested_by_id,
        locale=locale,
        period_start=period_start,
        period_end=period_end,
        sections=sections,
        recipient_ids=recipient_ids,
        status="queued",
        progress=0,
        attempts=0,
        deadline_at=jobs.deadline(),
    )
    db.session.add(report)
    db.session.flush()
    reports._enqueue(report)
    extra = {"schedule_id": schedule_id} if schedule_id is not None else {}
    audit.record(
        "report.requested",
        report,
        label=f"{brand.name} {period_start.isoformat()}–{period_end.isoformat()}",
        brand_id=brand.id,
        locale=locale,
        sections=list(sections),
        **extra,
    )
    return report
