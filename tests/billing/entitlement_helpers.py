"""Helpers for the entitlement tests: billing switched on, an agency's billing row, rows
that count against limits."""

from __future__ import annotations

import html
import secrets
from datetime import date, datetime

from sqlalchemy import select

from saas.extensions import db
from saas.models import AgencyBilling, Report, ReportSchedule, StrategySession
from tenants.context import tenant_scope
from tenants.models import utcnow


def set_billing(agency, **values) -> AgencyBilling:
    """Create or change the agency's billing row, committed."""
    with tenant_scope(agency.id):
        row = db.session.scalar(select(AgencyBilling))
        if row is None:
            row = AgencyBilling(agency_id=agency.id, plan="starter", status="trialing")
            db.session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        db.session.commit()
        return row


def billing_row(agency) -> AgencyBilling | None:
    with tenant_scope(agency.id):
        return db.session.scalar(select(AgencyBilling))


def add_report(world, created_at: datetime | None = None, status: str = "ready") -> Report:
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            period_start=date(2026, 10, 1),
            period_end=date(2026, 12, 31),
            status=status,
            created_at=created_at or utcnow(),
        )
        db.session.add(report)
        db.session.commit()
        return report


def add_schedule(world, active: bool = True) -> ReportSchedule:
    with tenant_scope(world.agency.id):
        schedule = ReportSchedule(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            frequency="monthly",
            next_run_on=date(2027, 1, 1),
            active=active,
        )
        db.session.add(schedule)
        db.session.commit()
        return schedule


def add_session(
    world, created_at: datetime | None = None, status: str = "scheduled"
) -> StrategySession:
    with tenant_scope(world.agency.id):
        session = StrategySession(
            agency_id=world.agency.id,
            brand_id=world.brand.id,
            title="Quarterly review",
            kind="qbr",
            starts_at=datetime(2027, 1, 10, 9, 0),
            duration_minutes=60,
            timezone="UTC",
            status=status,
            uid=f"{secrets.token_hex(8)}@tandem.test",
            created_at=created_at or utcnow(),
        )
        db.session.add(session)
        db.session.commit()
        return session


def page_text(resp) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(resp.get_data(as_text=True))
