"""Managing a brand's schedules: who may, which fields are valid, create, change, stop."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import ReportSchedule
from saas.services import audit
from saas.services.entitlements import limits
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from saas.services.report_content import in_print_order, unknown_sections
from saas.services.report_schedules.periods import next_run_after
from saas.services.reports.requests import sections_error
from saas.transactions import use_case
from tenants.models import Brand, BrandAccess, Membership, Role, utcnow

FREQUENCIES = ("monthly", "quarterly")
LOCALES = ("en", "ar")


def require_staff(membership: Membership) -> None:
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
    elif unknown_sections(sections):
        errors["sections"] = sections_error()
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
    ordered = in_print_order(sections)
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


@use_case
def create(
    brand: Brand, membership: Membership, data: dict[str, Any], *, today: date | None = None
) -> ReportSchedule:
    require_staff(membership)
    if brand.is_archived:
        raise Conflict(_("This brand is archived."))
    values = clean(brand, data)
    limits.check(brand.agency_id, "scheduled_reports", actor=membership)
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
    db.session.flush()
    return schedule


@use_case
def update_schedule(
    schedule: ReportSchedule,
    brand: Brand,
    membership: Membership,
    data: dict[str, Any],
    *,
    today: date | None = None,
) -> ReportSchedule:
    require_staff(membership)
    values = clean(brand, data)
    if values["frequency"] != schedule.frequency:
        schedule.next_run_on = next_run_after(today or utcnow().date(), values["frequency"])
    for key, value in values.items():
        setattr(schedule, key, value)
    audit.record("report_schedule.updated", schedule, **_details(schedule))
    db.session.flush()
    return schedule


@use_case
def deactivate(schedule: ReportSchedule, membership: Membership) -> ReportSchedule:
    require_staff(membership)
    if schedule.active:
        schedule.active = False
        audit.record("report_schedule.deactivated", schedule, brand_id=schedule.brand_id)
        db.session.flush()
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


def recipients(ids: Iterable[int]) -> list[Membership]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Membership).where(Membership.id.in_(ids))).unique())
