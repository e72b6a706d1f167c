"""The one way Tandem talks to Stripe: the official library's ``StripeClient``, pinned.

The API version is pinned here (and the library's range in ``pyproject.toml`` is narrowed
to the release line that speaks it), so the objects we read keep the shape we read them in:
since 2025-03-31 a subscription's billing period lives on each subscription item and an
invoice names its subscription under ``parent.subscription_details.subscription``.
``STRIPE_API_BASE`` points the client at Stripe (the default) or at a local double (tests,
staging).  Without ``STRIPE_SECRET_KEY`` billing is off and nothing here is ever called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe
from flask import current_app

from saas.i18n import lazy_gettext as _l
from saas.services.entitlements.catalogue import billing_enabled
from saas.services.errors import ServiceError

# The version stripe-python 16.x pins (``stripe.api_version``).  A library upgrade that
# moves it must be a deliberate change here, read against Stripe's changelog.
API_VERSION = "2026-10-28.endive"
# Stripe's own retries reuse the idempotency key, so a retried create never doubles.
NETWORK_RETRIES = 2


class BillingDisabled(ServiceError):
    """Billing is off (no Stripe keys): a self-hosted install has nothing to buy."""

    status = 409
    code = "billing_disabled"


class StripeUnavailable(ServiceError):
    """Stripe could not be reached or refused the call; nothing was changed here."""

    status = 503
    code = "stripe_unavailable"


def stripe_client(config: Mapping[str, Any] | None = None) -> stripe.StripeClient:
    """A client for the configured account; ``BillingDisabled`` without a secret key."""
    config = config if config is not None else current_app.config
    if not billing_enabled(config):
        raise BillingDisabled(str(_l("Billing is not enabled on this installation.")))
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        stripe_version=API_VERSION,
        base_addresses={"api": config.get("STRIPE_API_BASE") or "https://api.stripe.com"},
        max_network_retries=NETWORK_RETRIES,
    )


def unavailable(error: stripe.StripeError) -> StripeUnavailable:
    """Stripe's error as ours: people read a sentence, the log keeps Stripe's words."""
    current_app.logger.warning("Stripe call failed: %s", error)
    return StripeUnavailable(
        str(_l("Stripe could not be reached just now. Nothing was changed; try again."))
    )
