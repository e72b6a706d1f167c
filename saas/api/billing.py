"""API: the agency's billing state, and the two ways out to Stripe (checkout, portal).

Owners only (``billing.manage``).  Checkout and portal answer a URL for the client to open;
nothing is activated here: the webhook does that.  Without Stripe keys (self-hosted) the
state still answers, and checkout and portal answer 409 ``billing_disabled``.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, g
from pydantic import BaseModel, ConfigDict, Field

from saas.api.base import UtcDateTime, endpoint
from saas.services import billing
from saas.services.billing.client import BillingDisabled
from saas.services.entitlements import catalogue
from saas.services.entitlements import current as billing_state
from saas.services.mail import app_url

TAGS = ["Billing"]

Status = Literal["trialing", "active", "past_due", "canceled", "unpaid", "incomplete", "read_only"]


class CheckoutBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    plan: Literal["starter", "growth", "scale"]
    interval: Literal["month", "year"]


class LimitsOut(BaseModel):
    """Each limit of the plan; null is unlimited."""

    brands: int | None
    staff_seats: int | None
    reports_per_month: int | None
    scheduled_reports: int | None
    sessions_per_month: int | None


class UsageOut(BaseModel):
    brands: int
    staff_seats: int
    reports_per_month: int
    scheduled_reports: int
    sessions_per_month: int


class BillingOut(BaseModel):
    plan: str = Field(description="starter, growth, scale (or unlimited when self-hosted)")
    interval: Literal["month", "year"] | None
    status: Status
    limits: LimitsOut
    usage: UsageOut
    trial_ends_at: UtcDateTime | None
    current_period_end: UtcDateTime | None
    grace_ends_at: UtcDateTime | None


class UrlOut(BaseModel):
    url: str = Field(description="Stripe's page to open")


def _enabled() -> None:
    if not catalogue.billing_enabled(current_app.config):
        raise BillingDisabled("Billing is not enabled on this installation.")


@endpoint(
    "/billing",
    "GET",
    summary="The agency's plan, status, limits and usage",
    tags=TAGS,
    permission="billing.manage",
    response=BillingOut,
)
def billing_show() -> dict[str, Any]:
    state = billing_state(g.agency.id)
    interval = state.interval if state.interval in catalogue.INTERVALS else None
    return {
        "plan": state.plan,
        "interval": interval,
        "status": state.status,
        "limits": state.limits.as_dict(),
        "usage": state.usage.as_dict(),
        "trial_ends_at": state.trial_ends_at,
        "current_period_end": state.current_period_end,
        "grace_ends_at": state.grace_ends_at,
    }


@endpoint(
    "/billing/checkout",
    "POST",
    summary="Start a Stripe Checkout for a plan and interval; open the returned URL",
    tags=TAGS,
    permission="billing.manage",
    body=CheckoutBody,
    response=UrlOut,
    errors=(409, 503),
)
def billing_checkout(data: CheckoutBody) -> dict[str, str]:
    _enabled()
    url = billing.start_checkout(
        g.agency,
        plan=data.plan,
        interval=data.interval,
        owner_email=g.user.email,
        success_url=app_url("billing.success"),
        cancel_url=app_url("billing.cancelled"),
    )
    return {"url": url}


@endpoint(
    "/billing/portal",
    "POST",
    summary="Open Stripe's customer portal (payment methods, invoices, plan, cancellation)",
    tags=TAGS,
    permission="billing.manage",
    response=UrlOut,
    errors=(409, 503),
)
def billing_portal() -> dict[str, str]:
    _enabled()
    return {"url": billing.open_portal(g.agency.id, return_url=app_url("billing.index"))}
