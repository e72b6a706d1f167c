"""Fixtures of the billing tests: the Stripe double and billing switched on against it
(defined in ``tests/billing/_stripe.py``, with the helpers the Stripe tests share)."""

from tests.billing._stripe import billing_on, stripe_double  # noqa: F401
