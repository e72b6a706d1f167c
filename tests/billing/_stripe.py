"""Fixtures of the Stripe tests (imported by each test module, so that the entitlement
tests' own conftest stays theirs): billing switched on against the local double, a
subscribed agency, and a webhook delivery signed as Stripe signs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AgencyBilling, BillingEvent, Invoice
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from tests.billing import stripe_double as sd
from worker import queue as jobs_queue

SECRET = "whsec_test_tandem"
PRICES = {
    "starter": {"month": "price_starter_month", "year": "price_starter_year"},
    "growth": {"month": "price_growth_month", "year": "price_growth_year"},
    "scale": {"month": "price_scale_month", "year": "price_scale_year"},
}
ENV_INTERVAL = {"month": "MONTHLY", "year": "YEARLY"}


@pytest.fixture
def stripe_double() -> Iterator[sd.StripeDouble]:
    served = sd.ServedDouble()
    yield served.double
    served.close()


@pytest.fixture
def billing_on(db_app, stripe_double) -> Iterator[sd.StripeDouble]:
    """Stripe keys set, the API base pointed at the double, a price for every plan."""
    settings: dict[str, Any] = {
        "STRIPE_SECRET_KEY": "sk_test_double",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "STRIPE_API_BASE": "",
    }
    for plan, intervals in PRICES.items():
        for interval, price in intervals.items():
            settings[f"STRIPE_PRICE_{plan.upper()}_{ENV_INTERVAL[interval]}"] = price
    settings["STRIPE_API_BASE"] = stripe_double.url
    saved = {key: db_app.config.get(key) for key in settings}
    db_app.config.update(settings)
    # Billing jobs run here, in-process, after each commit: the session's real worker (on
    # PostgreSQL + Redis) was started without these keys and cannot reach this double.
    jobs = db_app.extensions["tandem_jobs"]
    db_app.extensions["tandem_jobs"] = jobs_queue.EagerJobs(db_app)
    try:
        yield stripe_double
    finally:
        db_app.extensions["tandem_jobs"] = jobs
        db_app.config.update(saved)


def customer_of(world, double: sd.StripeDouble, *, subscription_id: str | None = None) -> str:
    """Give ``world``'s agency a Stripe customer (as a checkout would have), stored."""
    customer = sd.fixture("customer")
    customer["id"] = sd.new_id("cus")
    double.customers[customer["id"]] = customer
    with tenant_scope(world.agency.id):
        row = db.session.scalar(select(AgencyBilling))
        if row is None:
            row = AgencyBilling(agency_id=world.agency.id, plan="starter", status="trialing")
            row.trial_ends_at = utcnow() + timedelta(days=14)
            db.session.add(row)
        row.stripe_customer_id = customer["id"]
        row.stripe_subscription_id = subscription_id
        db.session.flush()
    db.session.commit()
    return customer["id"]


def deliver(client, payload: dict[str, Any] | bytes, *, secret: str = SECRET, **kw):
    """POST an event to the webhook, signed as Stripe signs it (``headers`` overrides)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = kw.pop("headers", None)
    if headers is None:
        headers = {"Stripe-Signature": sd.sign(body, secret, kw.pop("timestamp", None))}
    return client.post(
        "/billing/webhook", data=body, headers=headers, content_type="application/json"
    )


def billing_row(world) -> AgencyBilling | None:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(AgencyBilling))


def events() -> list[BillingEvent]:
    db.session.expire_all()
    with system_scope():
        return list(db.session.scalars(select(BillingEvent).order_by(BillingEvent.id)))


def invoices_of(world) -> list[Invoice]:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return list(db.session.scalars(select(Invoice).order_by(Invoice.id)))
