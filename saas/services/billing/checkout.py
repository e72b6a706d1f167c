"""Checkout: an owner picks a plan and interval; Stripe's hosted page takes the payment.

The Stripe customer is created once per agency and its id stored; the create call carries
an idempotency key derived from the agency, so a retry (ours, or the library's own after a
lost answer) returns the same customer instead of making a second one.  Nothing is
activated here: the ``checkout.session.completed`` webhook does that (``events``), because
a redirect back to the success page proves nothing.
"""

from __future__ import annotations

import stripe
from sqlalchemy import update

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import AgencyBilling
from saas.services.billing.client import stripe_client, unavailable
from saas.services.entitlements import catalogue
from saas.services.entitlements.state import load_row, new_trial
from saas.services.errors import ValidationFailed
from saas.transactions import commit_now, use_case
from tenants.context import tenant_scope
from tenants.models import Agency


def customer_idempotency_key(agency_id: int) -> str:
    return f"tandem-agency-{int(agency_id)}-customer"


def billing_row(agency_id: int) -> AgencyBilling:
    """The agency's billing row, locked for this transaction (a new trial row if none)."""
    row = load_row(agency_id, lock=True)
    if row is None:
        with tenant_scope(agency_id):
            row = new_trial(agency_id)
            db.session.flush()
    return row


def _validate(plan: str, interval: str) -> str:
    fields: dict[str, str] = {}
    if plan not in catalogue.PLAN_NAMES:
        fields["plan"] = _("Choose one of the plans.")
    if interval not in catalogue.INTERVALS:
        fields["interval"] = _("Choose monthly or yearly.")
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    price = catalogue.price_for(plan, interval)
    if not price:
        raise ValidationFailed(
            _("This plan cannot be bought with this interval yet."),
            {"interval": _("Not available for this plan.")},
        )
    return price


def ensure_customer(agency: Agency, owner_email: str) -> str:
    """The agency's Stripe customer id, created (once) when it has none."""
    row = billing_row(agency.id)
    if row.stripe_customer_id:
        return row.stripe_customer_id
    client = stripe_client()
    try:
        customer = client.v1.customers.create(
            {
                "name": agency.name,
                "email": owner_email,
                "metadata": {"agency_id": str(agency.id)},
            },
            {"idempotency_key": customer_idempotency_key(agency.id)},
        )
    except stripe.StripeError as error:
        raise unavailable(error) from None
    with tenant_scope(agency.id):
        # Conditional: of two checkouts racing, the first stored id stands (Stripe gave
        # both the same customer for the same idempotency key anyway).
        db.session.execute(
            update(AgencyBilling)
            .where(AgencyBilling.id == row.id, AgencyBilling.stripe_customer_id.is_(None))
            .values(stripe_customer_id=customer.id)
        )
        db.session.refresh(row)
    # Kept even if the session below fails: the next attempt reuses this customer.
    commit_now("the agency's Stripe customer id outlives a failed checkout attempt")
    return row.stripe_customer_id or customer.id


@use_case
def start_checkout(
    agency: Agency,
    *,
    plan: str,
    interval: str,
    owner_email: str,
    success_url: str,
    cancel_url: str,
) -> str:
    """A Checkout Session in subscription mode for ``plan``/``interval``; returns its URL."""
    price = _validate(plan, interval)
    customer_id = ensure_customer(agency, owner_email)
    agency_ref = str(agency.id)
    client = stripe_client()
    try:
        session = client.v1.checkout.sessions.create(
            {
                "mode": "subscription",
                "customer": customer_id,
                "client_reference_id": agency_ref,
                "metadata": {"agency_id": agency_ref, "plan": plan, "interval": interval},
                "subscription_data": {"metadata": {"agency_id": agency_ref}},
                "line_items": [{"price": price, "quantity": 1}],
                # Gulf agencies pay VAT: their tax id and address go on Stripe's invoices.
                "tax_id_collection": {"enabled": True},
                "billing_address_collection": "required",
                "customer_update": {"name": "auto", "address": "auto"},
                "success_url": success_url,
                "cancel_url": cancel_url,
                "locale": "auto",  # the payer's browser language
            }
        )
    except stripe.StripeError as error:
        raise unavailable(error) from None
    if not session.url:
        raise unavailable(stripe.StripeError("checkout session without a url"))
    return session.url
