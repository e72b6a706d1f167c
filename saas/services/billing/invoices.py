"""The invoices the billing page lists: what the ``invoice.*`` events told us, newest first,
each with Stripe's hosted page (where the owner pays, downloads or sees the tax id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from saas.extensions import db
from saas.models import Invoice

SHOWN = 24  # two years of monthly invoices; the portal has the rest


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str | None
    status: str
    amount_due: int
    amount_paid: int
    currency: str
    hosted_invoice_url: str | None
    period_start: datetime | None
    period_end: datetime | None

    @property
    def amount(self) -> float:
        """In the currency's main unit (Stripe counts cents; the Gulf's 3-decimal dinars
        are not sold in, so two decimals hold)."""
        return (self.amount_paid or self.amount_due) / 100


def recent(limit: int = SHOWN) -> list[InvoiceView]:
    """The current agency's latest invoices (the tenant scope filters them)."""
    rows = db.session.scalars(
        select(Invoice).order_by(Invoice.stripe_created.desc(), Invoice.id.desc()).limit(limit)
    )
    return [
        InvoiceView(
            id=r.id,
            number=r.number,
            status=r.status,
            amount_due=r.amount_due,
            amount_paid=r.amount_paid,
            currency=r.currency,
            hosted_invoice_url=r.hosted_invoice_url,
            period_start=r.period_start,
            period_end=r.period_end,
        )
        for r in rows
    ]
