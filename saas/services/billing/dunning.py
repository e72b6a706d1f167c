"""Dunning: one email per failed invoice to the agency's owners, each in their language.

"One" is a fact in the database, not a hope: ``Invoice.dunning_sent_at`` is claimed by a
conditional update (set only where still empty), so a redelivered event, a second failed
attempt at the same invoice, or two workers at once send nothing more.
"""

from __future__ import annotations

from babel.numbers import format_currency
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import Invoice, Membership, User
from saas.services import mail
from tenants.context import tenant_scope
from tenants.models import Agency, Role, utcnow

TEMPLATE = "billing_payment_failed"


def _amount(invoice: Invoice, locale: str) -> str:
    value = (invoice.amount_due or 0) / 100
    try:
        return format_currency(value, invoice.currency.upper(), locale=locale)
    except (ValueError, LookupError):
        return f"{value:.2f} {invoice.currency.upper()}"


def send_dunning(agency_id: int, invoice_id: int) -> int:
    """Queue the email to every owner, once per invoice; returns how many were queued."""
    with tenant_scope(agency_id):
        claimed = db.session.execute(
            update(Invoice)
            .where(
                Invoice.id == invoice_id,
                Invoice.dunning_sent_at.is_(None),
                Invoice.status.not_in(("paid", "void")),
            )
            .values(dunning_sent_at=utcnow())
        )
        if claimed.rowcount != 1:
            return 0
        invoice = db.session.get(Invoice, invoice_id)
        agency = db.session.get(Agency, agency_id)
        owners = db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.OWNER.value, User.is_active_user.is_(True))
            .order_by(User.id)
        ).all()
        billing_url = mail.app_url("billing.index")
        sent = 0
        for owner in owners:
            locale = owner.locale or (agency.default_locale if agency else None) or "en"
            queued = mail.queue_email(
                to=owner.email,
                template=TEMPLATE,
                locale=locale,
                kind=TEMPLATE,
                name=owner.name,
                agency_name=agency.name if agency else "",
                invoice_number=invoice.number or invoice.stripe_invoice_id,
                amount=_amount(invoice, locale),
                pay_url=invoice.hosted_invoice_url or billing_url,
                billing_url=billing_url,
                accent_color=agency.accent_color if agency else None,
            )
            sent += queued is not None
        db.session.flush()  # in the agency's scope, where the outbox rows belong
        return sent
