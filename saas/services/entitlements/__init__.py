"""Entitlements: the plan catalogue, the agency's billing state and usage, and the limits
every creating service checks (``limits.check``) before it writes."""

from saas.services.entitlements.catalogue import (
    INTERVALS,
    PLAN_NAMES,
    PLANS,
    Limits,
    PlanSpec,
    billing_enabled,
    plan_for_price,
    price_for,
)
from saas.services.entitlements.state import BillingState, current
from saas.services.entitlements.usage import Usage

__all__ = [
    "INTERVALS",
    "PLANS",
    "PLAN_NAMES",
    "BillingState",
    "Limits",
    "PlanSpec",
    "Usage",
    "billing_enabled",
    "current",
    "plan_for_price",
    "price_for",
]
