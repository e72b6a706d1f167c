"""Helpers for the "every path lands" tests: reports as rows, links read from delivered mail."""

from __future__ import annotations

import re
from datetime import date, timedelta

from saas.extensions import db
from saas.models.reports import Report
from tenants.context import tenant_scope
from tenants.models import utcnow

# Links with their (optional) ``next``, as the delivered emails carry them.
RESET_LINK = re.compile(r"http://tandem\.test(/password/reset/[A-Za-z0-9_-]+(?:\?next=[^\s\"<]+)?)")
MAGIC_LINK = re.compile(r"http://tandem\.test(/login/link/[A-Za-z0-9_-]+(?:\?next=[^\s\"<]+)?)")
INVITE_LINK = re.compile(r"http://tandem\.test(/invitations/[A-Za-z0-9_\-]+)")
HOSTILE = "//evil.example"


def add_report(world, brand=None, *, status: str = "ready", days_ago: int = 0, **kw) -> int:
    """A report row (no PDF behind it) for pages that only list reports; returns its id."""
    brand = brand or world.brand
    with tenant_scope(world.agency.id):
        report = Report(
            agency_id=world.agency.id,
            brand_id=brand.id,
            locale=kw.pop("locale", "en"),
            period_start=kw.pop("period_start", date(2027, 1, 1)),
            period_end=kw.pop("period_end", date(2027, 3, 31)),
            sections=["summary"],
            status=status,
            pages=4 if status == "ready" else None,
            created_at=utcnow() - timedelta(days=days_ago),
            **kw,
        )
        db.session.add(report)
        db.session.commit()
        return report.id
