"""Stripe's webhook: signed as Stripe signs, stored once, applied in order of the objects'
own timestamps, matched to an agency only by the ids we stored."""

from __future__ import annotations

import calendar
import json
import threading
import time

from tests.billing import stripe_double as sd
from tests.billing._stripe import (
    PRICES,
    SECRET,
    billing_row,
    customer_of,
    deliver,
    events,
    invoices_of,
)
from tests.mailbox import inbox


def _sub_event(customer: str, plan: str, *, created: int, status: str = "active", sub_id=None):
    sub = sd.subscription(
        customer=customer, price=PRICES[plan]["month"], status=status, sub_id=sub_id
    )
    return sd.event("customer.subscription.updated", sub, created=created), sub


def test_valid_signature_applies_the_subscription(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, sub = _sub_event(customer, "growth", created=int(time.time()))

    resp = deliver(client, payload)

    assert resp.status_code == 200
    row = billing_row(alpha)
    assert (row.plan, row.interval, row.status) == ("growth", "month", "active")
    assert row.stripe_subscription_id == sub["id"]
    # The period is read from the subscription item (API 2025-03-31 and later).
    period_end = sub["items"]["data"][0]["current_period_end"]
    assert calendar.timegm(row.current_period_end.timetuple()) == period_end
    [stored] = events()
    assert (stored.stripe_event_id, stored.status, stored.agency_id) == (
        payload["id"],
        "processed",
        alpha.agency.id,
    )


def _assert_refused(resp, alpha) -> None:
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] in {"bad_signature", "malformed_event"}
    assert events() == []
    row = billing_row(alpha)
    assert (row.plan, row.status) == ("starter", "trialing")


def test_tampered_body_is_refused_and_nothing_stored(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, _ = _sub_event(customer, "growth", created=int(time.time()))
    body = json.dumps(payload).encode()
    header = sd.sign(body, SECRET)
    tampered = body.replace(b"price_growth_month", b"price_scale_month")

    resp = deliver(client, tampered, headers={"Stripe-Signature": header})

    _assert_refused(resp, alpha)


def test_wrong_secret_is_refused(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, _ = _sub_event(customer, "growth", created=int(time.time()))

    _assert_refused(deliver(client, payload, secret="whsec_someone_else"), alpha)


def test_stale_timestamp_is_refused(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, _ = _sub_event(customer, "growth", created=int(time.time()))

    resp = deliver(client, payload, timestamp=int(time.time()) - 600)  # tolerance: 300 s

    _assert_refused(resp, alpha)


def test_missing_signature_header_is_refused(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, _ = _sub_event(customer, "growth", created=int(time.time()))

    _assert_refused(deliver(client, payload, headers={}), alpha)


def test_a_redelivered_event_changes_nothing(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload, _ = _sub_event(customer, "growth", created=int(time.time()))

    first = deliver(client, payload)
    again = deliver(client, payload)

    assert first.get_json() == {"received": True, "duplicate": False}
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    [stored] = events()
    assert (stored.status, stored.attempts) == ("processed", 1)


def test_the_same_event_twice_at_once_is_stored_and_applied_once(db_app, alpha, billing_on):
    """Two deliveries racing: a unique key, not a read-then-write, so one email goes out."""
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price=PRICES["growth"]["month"], status="past_due")
    billing_on.subscriptions[sub["id"]] = sub
    inv = sd.invoice(customer=customer, subscription_id=sub["id"], status="open")
    payload = sd.event("invoice.payment_failed", inv)
    body = json.dumps(payload).encode()
    header = sd.sign(body, SECRET)
    results: list[int] = []
    start = threading.Barrier(2)

    def post() -> None:
        c = db_app.test_client()
        start.wait()
        r = c.post(
            "/billing/webhook",
            data=body,
            headers={"Stripe-Signature": header},
            content_type="application/json",
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert results == [200, 200]
    [stored] = events()
    assert stored.status == "processed"
    [invoice] = invoices_of(alpha)
    assert invoice.dunning_sent_at is not None
    assert len(inbox("owner@alpha.test", wait_for=1)) == 1
    time.sleep(0.2)
    assert len(inbox("owner@alpha.test")) == 1


def test_an_older_subscription_update_after_a_newer_one_changes_nothing(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    now = int(time.time())
    newer, sub = _sub_event(customer, "scale", created=now)
    older, _ = _sub_event(customer, "starter", created=now - 60, sub_id=sub["id"])

    assert deliver(client, newer).status_code == 200
    assert deliver(client, older).status_code == 200

    row = billing_row(alpha)
    assert row.plan == "scale"
    assert row.subscription_version == now
    assert [e.status for e in events()] == ["processed", "processed"]


def test_two_updates_in_the_same_second_ask_stripe_which_is_current(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    now = int(time.time())
    growth, sub = _sub_event(customer, "growth", created=now)
    starter, _ = _sub_event(customer, "starter", created=now, sub_id=sub["id"])
    billing_on.subscriptions[sub["id"]] = growth["data"]["object"]  # what Stripe has now

    deliver(client, growth)
    deliver(client, starter)

    assert billing_row(alpha).plan == "growth"
    assert billing_on.calls_to("GET", f"/v1/subscriptions/{sub['id']}")


def test_an_unknown_event_type_is_stored_and_ignored(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    payload = sd.event("customer.created", sd.fixture("customer") | {"id": customer})

    resp = deliver(client, payload)

    assert resp.status_code == 200
    [stored] = events()
    assert (stored.type, stored.status) == ("customer.created", "ignored")
    assert billing_row(alpha).status == "trialing"
    assert billing_on.calls == []


def test_an_event_for_an_unknown_customer_changes_no_agency(client, alpha, bravo, billing_on):
    customer_of(alpha, billing_on)
    customer_of(bravo, billing_on)
    payload, _ = _sub_event("cus_nobody_we_know", "scale", created=int(time.time()))
    # Even carrying an agency's id in its metadata, it is matched by customer only.
    payload["data"]["object"]["metadata"] = {"agency_id": str(alpha.agency.id)}

    assert deliver(client, payload).status_code == 200

    [stored] = events()
    assert stored.status == "ignored" and stored.agency_id is None
    assert "cus_nobody_we_know" in stored.last_error
    assert billing_row(alpha).plan == billing_row(bravo).plan == "starter"


def test_checkout_completed_for_another_agencys_customer_is_ignored(
    client, alpha, bravo, billing_on
):
    """client_reference_id names Alpha, but the customer is Bravo's: not believed."""
    customer_of(alpha, billing_on)
    bravo_customer = customer_of(bravo, billing_on)
    sub = sd.subscription(customer=bravo_customer, price=PRICES["scale"]["month"])
    billing_on.subscriptions[sub["id"]] = sub
    cs = sd.checkout_session(
        agency_id=alpha.agency.id, customer=bravo_customer, subscription_id=sub["id"]
    )

    deliver(client, sd.event("checkout.session.completed", cs))

    assert events()[0].status == "ignored"
    assert billing_row(alpha).status == "trialing"
    assert billing_row(alpha).stripe_subscription_id is None


def test_a_failed_application_stays_retryable_and_replays(db_app, client, alpha, billing_on):
    """Stripe cannot be reached: the event is failed with its error, listed by
    ``flask billing events``, and ``flask billing replay`` applies it once Stripe is back."""
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price=PRICES["growth"]["year"])
    cs = sd.checkout_session(
        agency_id=alpha.agency.id, customer=customer, subscription_id=sub["id"]
    )
    billing_on.subscriptions[sub["id"]] = sub
    billing_on.down = True

    assert deliver(client, sd.event("checkout.session.completed", cs)).status_code == 200

    [stored] = events()
    assert stored.status == "failed"
    assert "Stripe" in stored.last_error and stored.attempts >= 1
    assert billing_row(alpha).status == "trialing"
    runner = db_app.test_cli_runner()
    listed = runner.invoke(args=["billing", "events"])
    assert listed.exit_code == 0
    assert stored.stripe_event_id in listed.output and "failed" in listed.output

    billing_on.down = False
    replayed = runner.invoke(args=["billing", "replay", str(stored.id)])

    assert replayed.exit_code == 0, replayed.output
    assert "processed" in replayed.output
    row = billing_row(alpha)
    assert (row.plan, row.interval, row.status) == ("growth", "year", "active")
    assert events()[0].status == "processed"
    assert "No events" in runner.invoke(args=["billing", "events"]).output


def test_an_unknown_price_fails_visibly(client, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price="price_not_in_the_catalogue")

    deliver(client, sd.event("customer.subscription.created", sub))

    [stored] = events()
    assert stored.status == "failed" and "price_not_in_the_catalogue" in stored.last_error
    assert billing_row(alpha).plan == "starter"


def test_dunning_goes_to_every_owner_in_their_language_once_per_invoice(client, alpha, billing_on):
    from saas.extensions import db
    from tests.factories import member, user

    member(alpha.agency, "owner", user("second-owner@alpha.test", "Second Owner", locale="ar"))
    db.session.commit()
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price=PRICES["growth"]["month"], status="past_due")
    billing_on.subscriptions[sub["id"]] = sub
    inv = sd.invoice(customer=customer, subscription_id=sub["id"], status="open", amount_due=4900)
    other = sd.invoice(customer=customer, subscription_id=sub["id"], status="open")

    deliver(client, sd.event("invoice.payment_failed", inv))
    deliver(client, sd.event("invoice.payment_failed", inv))  # Stripe's next attempt fails too
    deliver(client, sd.event("invoice.payment_failed", other))  # another invoice: its own email

    [english, english_other] = inbox("owner@alpha.test", wait_for=2)
    [arabic, arabic_other] = inbox("second-owner@alpha.test", wait_for=2)
    assert english.subject.startswith("Payment failed for Alpha Agency")
    assert "$49.00" in english.text and inv["hosted_invoice_url"] in english.text
    assert "تعذّر الدفع" in arabic.subject
    assert inv["hosted_invoice_url"] in arabic.text
    assert inv["number"] in english.text and other["number"] in english_other.text
    assert inbox("consultant@alpha.test") == []
    assert billing_row(alpha).status == "past_due"


def test_an_old_subscription_ending_leaves_the_current_one_alone(client, alpha, billing_on):
    """A first attempt that expired unpaid, after the owner subscribed on a second try."""
    customer = customer_of(alpha, billing_on)
    now = int(time.time())
    current = sd.subscription(customer=customer, price=PRICES["growth"]["month"])
    deliver(client, sd.event("customer.subscription.created", current, created=now))
    expired = sd.subscription(
        customer=customer, price=PRICES["starter"]["month"], status="incomplete_expired"
    )

    deliver(client, sd.event("customer.subscription.deleted", expired, created=now + 5))

    row = billing_row(alpha)
    assert (row.plan, row.status, row.stripe_subscription_id) == ("growth", "active", current["id"])


def test_a_signed_body_that_is_no_stripe_event_is_refused(client, alpha, billing_on):
    resp = deliver(client, b'{"hello": "world"}')

    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_event"
    assert events() == []


def test_without_a_webhook_secret_nothing_is_accepted(client, alpha, db_app):
    """Self-hosted: no secret, so no delivery can be verified, and none is stored."""
    payload = sd.event("customer.subscription.updated", sd.fixture("subscription"))

    resp = deliver(client, payload, secret="whsec_anything")

    assert resp.status_code == 400
    assert events() == []
