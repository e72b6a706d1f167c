"""The customer portal: Stripe's own pages for payment methods, invoices, plan changes and
cancellation.  What the owner changes there comes back as webhook events."""

from __future__ import annotations

import stripe

from saas.i18n import gettext as _
from saas.services.billing.client import stripe_client, unavailable
from saas.services.entitlements.state import load_row
from saas.services.errors import Conflict


def open_portal(agency_id: int, *, return_url: str) -> str:
    """A portal session's URL for the agency's Stripe customer."""
    row = load_row(agency_id)
    if row is None or not row.stripe_customer_id:
        raise Conflict(
            _("Choose a plan first: billing details are managed once you have subscribed."),
            code="no_customer",
        )
    client = stripe_client()
    try:
        session = client.v1.billing_portal.sessions.create(
            {"customer": row.stripe_customer_id, "return_url": return_url}
        )
    except stripe.StripeError as error:
        raise unavailable(error) from None
    return session.url
