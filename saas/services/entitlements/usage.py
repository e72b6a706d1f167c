"""What an agency uses, counted against every limit of its plan.

Counted across the whole agency, whoever asks: a consultant who sees two brands still
counts every brand the agency has, so the counts run in the agency's full scope rather than
the caller's narrowed one.  Per-month counts use the calendar month in the agency's time
zone (``AgencyBilling.timezone``), so a report requested at 01:00 in Dubai on the 1st
counts in the new month.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand, Invitation, Membership, Report, ReportSchedule, StrategySession
from tenants.context import tenant_scope
from tenants.models import Role, utcnow

STAFF_ROLES = (Role.OWNER.value, Role.CONSULTANT.value)


@dataclass(frozen=True)
class Usage:
    brands: int = 0
    staff_seats: int = 0
    reports_per_month: int = 0
    scheduled_reports: int = 0
    sessions_per_month: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def month_bounds(zone_name: str | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The current calendar month in ``zone_name`` as naive UTC [start, end)."""
    zone = _zone(zone_name)
    utc = ZoneInfo("UTC")
    local = (now or utcnow()).replace(tzinfo=utc).astimezone(zone)
    first = local.date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)

    def to_utc(day: object) -> datetime:
        start = datetime.combine(day, time(0), tzinfo=zone)  # type: ignore[arg-type]
        return start.astimezone(utc).replace(tzinfo=None)

    return to_utc(first), to_utc(following)


def brands() -> int:
    return _count(select(func.count(Brand.id)).where(Brand.archived_at.is_(None)))


def staff_seats(now: datetime | None = None) -> int:
    """Owners and consultants, plus staff invitations still pending (they will take a seat)."""
    members = _count(select(func.count(Membership.id)).where(Membership.role.in_(STAFF_ROLES)))
    pending = _count(
        select(func.count(Invitation.id)).where(
            Invitation.role.in_(STAFF_ROLES),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > (now or utcnow()),
        )
    )
    return members + pending


def reports_per_month(zone: str | None, now: datetime | None = None) -> int:
    """Reports requested this month, scheduled ones included; a failed render is not held
    against the agency."""
    start, end = month_bounds(zone, now)
    return _count(
        select(func.count(Report.id)).where(
            Report.created_at >= start, Report.created_at < end, Report.status != "failed"
        )
    )


def scheduled_reports() -> int:
    return _count(select(func.count(ReportSchedule.id)).where(ReportSchedule.active.is_(True)))


def sessions_per_month(zone: str | None, now: datetime | None = None) -> int:
    """Sessions (each occurrence of a series) scheduled this month and not cancelled."""
    start, end = month_bounds(zone, now)
    return _count(
        select(func.count(StrategySession.id)).where(
            StrategySession.created_at >= start,
            StrategySession.created_at < end,
            StrategySession.status != "cancelled",
        )
    )


COUNTERS = {
    "brands": lambda zone, now: brands(),
    "staff_seats": lambda zone, now: staff_seats(now),
    "reports_per_month": reports_per_month,
    "scheduled_reports": lambda zone, now: scheduled_reports(),
    "sessions_per_month": sessions_per_month,
}


def count(agency_id: int, what: str, zone: str | None, now: datetime | None = None) -> int:
    """One count, in the agency's full scope."""
    with tenant_scope(agency_id):
        return COUNTERS[what](zone, now)


def measure(agency_id: int, zone: str | None, now: datetime | None = None) -> Usage:
    """Every count (the billing page's bars, the API's ``usage``)."""
    with tenant_scope(agency_id):
        return Usage(**{name: counter(zone, now) for name, counter in COUNTERS.items()})


def _count(stmt: object) -> int:
    return int(db.session.scalar(stmt) or 0)  # type: ignore[call-overload]
