"""Checkout, the portal, the billing page and its API: what an owner sees and where the
buttons lead; nothing activates before the webhook; owners only."""

from __future__ import annotations

import pytest

from tests.billing._stripe import (
    PRICES,
    billing_row,
    customer_of,
)


def test_owner_checkout_creates_the_customer_once_and_redirects_to_stripe(
    client, alpha, billing_on, login_as
):
    login_as(alpha.owner)

    first = client.post("/billing/checkout", data={"plan": "growth", "interval": "month"})
    second = client.post("/billing/checkout", data={"plan": "scale", "interval": "year"})

    assert first.status_code == 303
    assert first.headers["Location"].startswith("https://checkout.stripe.test/c/pay/cs_")
    assert second.status_code == 303
    creates = [c for c in billing_on.calls if c[1] == "/v1/customers"]
    assert len(creates) == 1, "a second checkout reuses the stored customer"
    _method, _path, params, headers = creates[0]
    assert headers["idempotency-key"] == f"tandem-agency-{alpha.agency.id}-customer"
    assert params["metadata[agency_id]"] == str(alpha.agency.id)
    row = billing_row(alpha)
    assert row.stripe_customer_id == next(iter(billing_on.customers))
    session = billing_on.calls_to("POST", "/v1/checkout/sessions")[0]
    assert session["mode"] == "subscription"
    assert session["customer"] == row.stripe_customer_id
    assert session["client_reference_id"] == str(alpha.agency.id)
    assert session["metadata[agency_id]"] == str(alpha.agency.id)
    assert session["line_items[0][price]"] == PRICES["growth"]["month"]
    assert session["tax_id_collection[enabled]"] == "true"
    assert session["billing_address_collection"] == "required"
    assert session["success_url"].endswith("/billing/success")
    assert session["cancel_url"].endswith("/billing/cancelled")
    # Nothing is activated by starting a checkout.
    assert (row.plan, row.status) == ("starter", "trialing")


def test_a_retried_customer_create_returns_the_same_customer(alpha, billing_on, db_app):
    """The idempotency key is the agency's: Stripe answers a retry with the first customer."""
    from saas.services.billing.checkout import ensure_customer

    with db_app.test_request_context():
        first = ensure_customer(alpha.agency, "owner@alpha.test")
        # As if the stored id were lost (a crash between Stripe's answer and our commit).
        from saas.extensions import db
        from saas.models import AgencyBilling
        from tenants.context import tenant_scope

        with tenant_scope(alpha.agency.id):
            db.session.query(AgencyBilling).update({"stripe_customer_id": None})
        db.session.commit()
        second = ensure_customer(alpha.agency, "owner@alpha.test")

    assert first == second
    assert len(billing_on.customers) == 1


def test_success_and_cancel_pages_say_what_happens_next_and_activate_nothing(
    client, alpha, billing_on, login_as
):
    login_as(alpha.owner)
    client.post("/billing/checkout", data={"plan": "growth", "interval": "month"})

    success = client.get("/billing/success")
    cancelled = client.get("/billing/cancelled")

    assert success.status_code == 200
    assert "Your new plan starts as soon as Stripe tells us the payment went through" in (
        success.get_data(as_text=True)
    )
    assert cancelled.status_code == 200
    assert "Nothing was charged" in cancelled.get_data(as_text=True)
    assert billing_row(alpha).status == "trialing"


def test_checkout_refuses_an_unknown_plan_next_to_the_field(client, alpha, billing_on, login_as):
    login_as(alpha.owner)

    resp = client.post("/billing/checkout", data={"plan": "platinum", "interval": "month"})

    assert resp.status_code == 422
    assert 'class="error"' in resp.get_data(as_text=True)
    assert billing_on.calls == []


def test_stripe_down_is_said_and_nothing_changes(client, alpha, billing_on, login_as):
    login_as(alpha.owner)
    billing_on.down = True

    resp = client.post("/billing/checkout", data={"plan": "growth", "interval": "month"})

    assert resp.status_code == 422
    assert "Stripe could not be reached" in resp.get_data(as_text=True)


def test_portal_opens_for_a_customer(client, alpha, billing_on, login_as):
    customer_of(alpha, billing_on)
    login_as(alpha.owner)

    resp = client.post("/billing/portal")

    assert resp.status_code == 303
    assert resp.headers["Location"].startswith("https://billing.stripe.test/p/session/")
    [call] = billing_on.calls_to("POST", "/v1/billing_portal/sessions")
    assert call["return_url"].endswith("/billing")


def test_billing_page_shows_plan_status_usage_bars_and_actions(client, alpha, billing_on, login_as):
    customer_of(alpha, billing_on)
    login_as(alpha.owner)

    page = client.get("/billing").get_data(as_text=True)

    assert "Starter" in page and "Free trial" in page
    for label in ("Client brands", "Staff seats", "Reports this month", "Scheduled reports"):
        assert label in page
    assert page.count("<progress") >= 4
    assert 'action="/billing/checkout"' in page
    assert 'action="/billing/portal"' in page
    assert "No invoices yet" in page
    assert billing_on.calls == [], "showing the page never calls Stripe"


def test_billing_page_in_arabic(client, alpha, billing_on, login_as):
    login_as(alpha.owner)
    client.post("/language", data={"locale": "ar"})

    page = client.get("/billing", headers={"Accept-Language": "ar"}).get_data(as_text=True)

    assert 'dir="rtl"' in page


@pytest.mark.parametrize("role", ["consultant", "leader", "team"])
def test_only_owners_see_or_change_billing(client, alpha, billing_on, login_as, api, role):
    member = getattr(alpha, role)
    login_as(member)

    for method, path in [
        ("GET", "/billing"),
        ("POST", "/billing/checkout"),
        ("POST", "/billing/portal"),
        ("GET", "/billing/success"),
    ]:
        assert client.open(path, method=method).status_code == 403, path
    token = api(alpha.tokens[role])
    assert token.get("/api/v1/billing").status_code == 403
    refused = token.post("/api/v1/billing/checkout", json={"plan": "growth", "interval": "month"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert token.post("/api/v1/billing/portal").status_code == 403
    assert billing_on.calls == []


def test_api_billing_state_checkout_and_portal(alpha, billing_on, api):
    owner = api(alpha.tokens["owner"])

    state = owner.get("/api/v1/billing")
    checkout = owner.post("/api/v1/billing/checkout", json={"plan": "growth", "interval": "year"})
    portal = owner.post("/api/v1/billing/portal")

    assert state.status_code == 200
    body = state.get_json()
    assert body["plan"] == "starter" and body["status"] == "trialing"
    assert set(body["limits"]) == set(body["usage"]) >= {"brands", "staff_seats"}
    assert body["usage"]["brands"] == 2
    assert body["trial_ends_at"].endswith("Z")
    assert checkout.status_code == 200
    assert checkout.get_json()["url"].startswith("https://checkout.stripe.test/")
    session = billing_on.calls_to("POST", "/v1/checkout/sessions")[0]
    assert session["line_items[0][price]"] == PRICES["growth"]["year"]
    assert portal.status_code == 200 and portal.get_json()["url"].startswith("https://billing.")
    bad = owner.post("/api/v1/billing/checkout", json={"plan": "gold", "interval": "month"})
    assert bad.status_code == 422 and "plan" in bad.get_json()["error"]["fields"]


def test_api_portal_without_a_subscription_is_a_conflict(alpha, billing_on, api):
    resp = api(alpha.tokens["owner"]).post("/api/v1/billing/portal")

    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "no_customer"


def test_openapi_lists_the_billing_operations(client):
    doc = client.get("/api/v1/openapi.json").get_json()

    assert doc["servers"] == [{"url": "/api/v1"}]
    assert set(doc["paths"]["/billing"]) == {"get"}
    for path in ("/billing/checkout", "/billing/portal"):
        assert set(doc["paths"][path]) == {"post"}
        assert {"200", "403", "409", "503"} <= set(doc["paths"][path]["post"]["responses"])
    schema = doc["components"]["schemas"]["BillingOut"]
    assert set(schema["properties"]["status"]["enum"]) == {
        "trialing",
        "active",
        "past_due",
        "canceled",
        "unpaid",
        "incomplete",
        "read_only",
    }


def test_self_hosted_shows_the_configured_plan_and_never_calls_stripe(
    client, alpha, stripe_double, login_as, api, db_app
):
    """No Stripe keys: the page shows the plan and usage, no Stripe buttons; the API's
    checkout answers 409 and nothing reaches Stripe."""
    assert not db_app.config.get("STRIPE_SECRET_KEY")
    login_as(alpha.owner)

    page = client.get("/billing").get_data(as_text=True)
    owner = api(alpha.tokens["owner"])
    checkout = owner.post("/api/v1/billing/checkout", json={"plan": "growth", "interval": "month"})
    web_checkout = client.post("/billing/checkout", data={"plan": "growth", "interval": "month"})

    assert "runs without Stripe" in page
    assert "Client brands" in page
    assert 'action="/billing/checkout"' not in page and 'action="/billing/portal"' not in page
    assert checkout.status_code == 409
    assert checkout.get_json()["error"]["code"] == "billing_disabled"
    assert web_checkout.status_code == 303
    assert owner.get("/api/v1/billing").get_json()["status"] == "active"
    assert stripe_double.calls == []
