"""What operators have: stuck events found again by the sweeper's recovery, the CLI's list
and replay, and the Stripe settings shown without their secrets."""

from __future__ import annotations

import re
from datetime import timedelta

from saas.extensions import db
from saas.models import BillingEvent
from tenants.context import system_scope
from tenants.models import utcnow
from tests.billing import stripe_double as sd
from tests.billing._stripe import PRICES, billing_row, customer_of, events


def test_an_event_whose_job_was_lost_is_applied_by_requeue_stale(db_app, alpha, billing_on):
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price=PRICES["scale"]["month"])
    payload = sd.event("customer.subscription.created", sub)
    with system_scope():
        db.session.add(
            BillingEvent(
                stripe_event_id=payload["id"],
                type=payload["type"],
                stripe_created=payload["created"],
                payload=payload,
                status="received",
                received_at=utcnow() - timedelta(hours=1),
            )
        )
        db.session.commit()

    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale"])

    assert result.exit_code == 0, result.output
    assert "Re-enqueued 1 stale Stripe event(s)." in result.output
    assert events()[0].status == "processed"
    assert billing_row(alpha).plan == "scale"


def test_replay_of_an_unknown_event_says_so(db_app):
    result = db_app.test_cli_runner().invoke(args=["billing", "replay", "999999"])

    assert result.exit_code != 0
    assert "No billing event with id 999999" in result.output


def test_check_config_names_the_stripe_settings_but_never_their_secrets(db_app, billing_on):
    result = db_app.test_cli_runner().invoke(args=["check-config"])

    assert result.exit_code == 0
    assert re.search(r"STRIPE_SECRET_KEY\s+\(set\)", result.output)
    assert re.search(r"STRIPE_WEBHOOK_SECRET\s+\(set\)", result.output)
    assert billing_on.url in result.output
    assert "sk_test_double" not in result.output and "whsec_test" not in result.output


def test_a_failed_event_is_replayed_by_its_stripe_event_id(db_app, alpha, billing_on):
    """An operator holding Stripe's ``evt_…`` (dashboard, support ticket) needs no row id."""
    customer = customer_of(alpha, billing_on)
    sub = sd.subscription(customer=customer, price=PRICES["scale"]["month"])
    payload = sd.event("customer.subscription.created", sub)
    with system_scope():
        db.session.add(
            BillingEvent(
                stripe_event_id=payload["id"],
                type=payload["type"],
                stripe_created=payload["created"],
                payload=payload,
                status="failed",
                attempts=3,
                last_error="Stripe could not be reached",
                received_at=utcnow() - timedelta(hours=1),
            )
        )
        db.session.commit()
    assert payload["id"].startswith("evt_")

    result = db_app.test_cli_runner().invoke(args=["billing", "replay", payload["id"]])

    assert result.exit_code == 0, result.output
    assert "processed" in result.output
    assert events()[0].status == "processed"
    assert billing_row(alpha).plan == "scale"


def test_replay_of_an_unknown_stripe_event_id_says_so(db_app):
    result = db_app.test_cli_runner().invoke(args=["billing", "replay", "evt_not_stored"])

    assert result.exit_code != 0
    assert "No billing event with id evt_not_stored" in result.output
