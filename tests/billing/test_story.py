"""The whole story against the local Stripe double, as an owner lives it: trial → checkout
→ active on Growth → a failed payment (past due, banner, one email) → paid → cancelled
(read-only: data intact, exports work, creating a brand is 402)."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from saas.extensions import db
from saas.models import Brand
from tenants.context import tenant_scope
from tests.billing import stripe_double as sd
from tests.billing._stripe import (
    PRICES,
    billing_row,
    deliver,
    events,
    invoices_of,
)
from tests.factories import planning_data
from tests.mailbox import inbox

OWNER = "owner@alpha.test"


def _brands(world) -> int:
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(func.count(Brand.id)))


def test_trial_checkout_past_due_paid_cancelled(client, alpha, billing_on, login_as, api):
    owner_api = api(alpha.tokens["owner"])
    plan = planning_data(alpha.agency, alpha.brand, campaigns=2, calendar=2)
    db.session.commit()
    plan_id = plan.id

    # 1. A new agency is on its free trial, with the Starter limits.
    trial = owner_api.get("/api/v1/billing").get_json()
    assert (trial["status"], trial["plan"]) == ("trialing", "starter")
    starter_brands = trial["limits"]["brands"]

    # 2. The owner chooses Growth, monthly; Stripe's page takes the card.
    login_as(alpha.owner)
    go = client.post("/billing/checkout", data={"plan": "growth", "interval": "month"})
    assert go.status_code == 303 and go.headers["Location"].startswith("https://checkout.")
    customer = billing_row(alpha).stripe_customer_id
    assert customer in billing_on.customers
    assert owner_api.get("/api/v1/billing").get_json()["status"] == "trialing"

    # 3. Stripe completes the checkout: the webhook (not the redirect) activates Growth.
    sub = sd.subscription(customer=customer, price=PRICES["growth"]["month"], status="active")
    billing_on.subscriptions[sub["id"]] = sub
    session = sd.checkout_session(
        agency_id=alpha.agency.id, customer=customer, subscription_id=sub["id"]
    )
    assert deliver(client, sd.event("checkout.session.completed", session)).status_code == 200
    active = owner_api.get("/api/v1/billing").get_json()
    assert (active["status"], active["plan"], active["interval"]) == ("active", "growth", "month")
    assert active["limits"]["brands"] > starter_brands
    assert active["current_period_end"] is not None

    # 4. The renewal fails: past due, a banner on every page, one email to the owner.
    invoice = sd.invoice(customer=customer, subscription_id=sub["id"], status="open")
    sub["status"] = "past_due"
    t = int(time.time()) + 1
    deliver(client, sd.event("invoice.payment_failed", invoice, created=t))
    deliver(client, sd.event("invoice.payment_failed", invoice, created=t + 1))  # Stripe retried
    past_due = owner_api.get("/api/v1/billing").get_json()
    assert past_due["status"] == "past_due"
    assert past_due["grace_ends_at"] is not None
    page = client.get("/").get_data(as_text=True)
    assert "billing-banner" in page and "Payment failed" in page
    mail = inbox(OWNER, wait_for=1)
    assert len(mail) == 1
    assert invoice["hosted_invoice_url"] in mail[0].text
    assert invoice["number"] in mail[0].subject or invoice["number"] in mail[0].text
    assert inbox("consultant@alpha.test") == []
    billing_page = client.get("/billing").get_data(as_text=True)
    assert invoice["hosted_invoice_url"] in billing_page and "Pay invoice" in billing_page

    # 5. The card is updated and the invoice paid: active again, no more email.
    sub["status"] = "active"
    paid = dict(invoice, status="paid", amount_paid=invoice["amount_due"])
    deliver(client, sd.event("invoice.paid", paid, created=t + 2))
    assert owner_api.get("/api/v1/billing").get_json()["status"] == "active"
    [stored_invoice] = invoices_of(alpha)
    assert stored_invoice.status == "paid"
    assert "billing-banner" not in client.get("/").get_data(as_text=True)
    assert len(inbox(OWNER)) == 1

    # 6. The owner cancels in the portal: read-only, nothing deleted.
    brands_before = _brands(alpha)
    ended = dict(sub, status="canceled", canceled_at=t + 3, ended_at=t + 3)
    deliver(client, sd.event("customer.subscription.deleted", ended, created=t + 3))
    cancelled = owner_api.get("/api/v1/billing").get_json()
    assert cancelled["status"] == "canceled"
    refused = owner_api.post("/api/v1/brands", json={"name": "One more brand"})
    assert refused.status_code == 402
    assert refused.get_json()["error"]["code"] == "read_only"
    export = client.get(f"/plans/{plan_id}/export/campaigns.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert _brands(alpha) == brands_before
    assert owner_api.get(f"/api/v1/brands/{alpha.brand.id}").status_code == 200
    # The owner can still get out of it: checkout is not a write billing blocks.
    assert client.get("/billing").status_code == 200

    assert [e.status for e in events()] == ["processed"] * 5
