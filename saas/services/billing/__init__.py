"""Subscription billing with Stripe: the client, checkout, the customer portal, the webhook
(verify and store), applying events, invoices and dunning.

What an agency may do under its plan is ``saas.services.entitlements``; this package only
moves Stripe's facts into ``AgencyBilling``, ``BillingEvent`` and ``Invoice``.
"""

from saas.services import recovery
from saas.services.billing.checkout import start_checkout
from saas.services.billing.client import BillingDisabled, StripeUnavailable, stripe_client
from saas.services.billing.portal import open_portal
from saas.services.billing.webhooks import BadWebhook, receive

recovery.register(
    "billing_events", "saas.services.billing.events.requeue_stuck", label="Stripe event(s)"
)

__all__ = [
    "BadWebhook",
    "BillingDisabled",
    "StripeUnavailable",
    "open_portal",
    "receive",
    "start_checkout",
    "stripe_client",
]
