"""Telling people a report is ready: an email to the requester and the recipients."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from saas.extensions import db
from saas.models import User
from saas.models.reports import Report
from saas.services.mail import queue_email
from saas.services.reports.queries import LOCALES
from tenants.models import Agency, Brand, Membership


def report_url(report: Report) -> str:
    return f"{current_app.config['BASE_URL']}/reports/{report.id}"


def notify_ready(report: Report) -> None:
    """Email the requester and the recipients that ``report`` is ready (queued in the outbox)."""
    brand = db.session.scalar(select(Brand).where(Brand.id == report.brand_id))
    agency = db.session.scalar(select(Agency).where(Agency.id == report.agency_id))
    users: dict[int, User] = {}
    if report.recipient_ids:
        for m in db.session.scalars(
            select(Membership).where(Membership.id.in_(list(report.recipient_ids)))
        ).unique():
            users[m.user_id] = m.user
    if report.requested_by_id is not None and report.requested_by_id not in users:
        requester = db.session.scalar(select(User).where(User.id == report.requested_by_id))
        if requester is not None:
            users[requester.id] = requester
    for user in sorted(users.values(), key=lambda u: u.email):
        if not user.is_active:
            continue
        queue_email(
            to=user.email,
            template="report_ready",
            locale=user.locale if user.locale in LOCALES else report.locale,
            kind="report_ready",
            name=user.name,
            brand_name=brand.name if brand is not None else "",
            period_start=report.period_start.isoformat(),
            period_end=report.period_end.isoformat(),
            pages=report.pages,
            url=report_url(report),
            agency_name=agency.name if agency is not None else None,
            accent_color=getattr(agency, "accent_color", None),
        )
