"""Applying a stored Stripe event to the agency it belongs to.

Stripe neither orders its events nor delivers them once, so:

* the agency is found by the customer (or subscription) id stored on its billing row, never
  by an email; ``checkout.session.completed`` names its agency by ``client_reference_id``
  and is believed only when its customer is the one we created for that agency;
* the billing row is locked (``FOR UPDATE``) for the whole application, so two events of
  one agency apply one after the other;
* a ``customer.subscription.*`` event older than the newest state applied
  (``AgencyBilling.subscription_version``, the events' own timestamps) changes nothing; at
  the same second the order is unknowable, so the subscription is fetched from Stripe;
* checkout and invoice events carry no subscription state of their own, so they fetch the
  subscription from Stripe and apply what it is now;
* the event is marked processed in the same transaction as the change (``apply``), so a
  failure leaves it ``failed``, with its error, for a retry or ``flask billing replay``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stripe
from sqlalchemy import select

from saas.extensions import db
from saas.models import AgencyBilling, BillingEvent, Invoice
from saas.services.billing.client import stripe_client
from saas.services.entitlements import catalogue
from saas.services.entitlements.state import load_row
from saas.transactions import use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from worker.queue import enqueue_after_commit

log = logging.getLogger(__name__)

APPLY_JOB = "worker.jobs.billing.apply_event"

Handler = Callable[[dict[str, Any], BillingEvent], int | None]


class Unmatched(Exception):  # noqa: N818 - reads better at the call site
    """The event names no agency of ours (or names one whose customer does not match)."""


class UnknownPrice(Exception):  # noqa: N818
    """The subscription's price is not in the catalogue: configure STRIPE_PRICE_*, replay."""


# Stripe's subscription statuses → ours (incomplete_expired is decided in _status).
STATUS_MAP = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "past_due",
    "canceled": "canceled",
    "unpaid": "unpaid",
    "incomplete": "incomplete",
    "paused": "unpaid",  # a trial that ended without a payment method
}
ENDED = frozenset({"canceled", "incomplete_expired"})
# An invoice's status only moves forward: a late "open" never undoes "paid".
INVOICE_RANK = {"draft": 0, "open": 1, "uncollectible": 2, "paid": 3, "void": 3}


def _dt(seconds: Any) -> datetime | None:
    if not isinstance(seconds, int) or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def _id(value: Any) -> str | None:
    """An id, whether Stripe sent it bare or expanded into its object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


# --- Finding the agency --------------------------------------------------------------------


def _row_for(customer: str | None, subscription: str | None = None) -> AgencyBilling:
    """The billing row that holds this customer (or subscription) id, locked."""
    with system_scope():
        agency_id = None
        if customer:
            agency_id = db.session.scalar(
                select(AgencyBilling.agency_id).where(AgencyBilling.stripe_customer_id == customer)
            )
        if agency_id is None and subscription:
            agency_id = db.session.scalar(
                select(AgencyBilling.agency_id).where(
                    AgencyBilling.stripe_subscription_id == subscription
                )
            )
    if agency_id is None:
        raise Unmatched(f"no agency has customer {customer!r} or subscription {subscription!r}")
    row = load_row(agency_id, lock=True)
    if row is None:  # deleted meanwhile
        raise Unmatched(f"agency {agency_id} has no billing row")
    return row


def fetch_subscription(subscription_id: str) -> dict[str, Any]:
    """The subscription as Stripe has it now (the pinned API version's shape)."""
    return stripe_client().v1.subscriptions.retrieve(subscription_id).to_dict()


# --- Applying a subscription -----------------------------------------------------------------


def _status(row: AgencyBilling, stripe_status: str) -> tuple[str, bool]:
    """Our status for Stripe's, and whether the row keeps the subscription id."""
    if stripe_status == "incomplete_expired":
        # The first payment never went through: back to the trial (which may have ended).
        if row.status in ("trialing", "incomplete"):
            return "trialing", False
        return "canceled", True
    return STATUS_MAP.get(stripe_status, "incomplete"), True


def apply_subscription(row: AgencyBilling, sub: dict[str, Any], version: int) -> None:
    """Make the row say what ``sub`` says: plan, interval, status, period."""
    sub_id = sub.get("id")
    stripe_status = sub.get("status") or ""
    other = bool(row.stripe_subscription_id) and sub_id != row.stripe_subscription_id
    if other and (stripe_status in ENDED or row.status in ("active", "trialing", "past_due")):
        # An older subscription ending, or a stray one: the current one stands.
        if stripe_status not in ENDED:
            log.warning(
                "agency %s: subscription %s beside current %s left alone",
                row.agency_id,
                sub_id,
                row.stripe_subscription_id,
            )
        return  # the version is the current subscription's: left as it is
    items = (sub.get("items") or {}).get("data") or []
    price_id = _id((items[0] or {}).get("price")) if items else None
    found = catalogue.plan_for_price(price_id)
    if found is None:
        raise UnknownPrice(
            f"price {price_id!r} of {sub_id} is not in the plan catalogue (STRIPE_PRICE_*)"
        )
    status, keep = _status(row, stripe_status)
    now = utcnow()
    with tenant_scope(row.agency_id):
        row.plan, row.interval = found
        row.stripe_subscription_id = sub_id if keep else None
        row.status = status
        # Since API 2025-03-31 the billing period lives on each item.
        ends = [i.get("current_period_end") for i in items if isinstance(i, dict)]
        row.current_period_end = _dt(max((e for e in ends if isinstance(e, int)), default=0))
        if status == "past_due":
            row.past_due_since = row.past_due_since or now
        else:
            row.past_due_since = None
        if status == "canceled":
            row.canceled_at = _dt(sub.get("ended_at")) or _dt(sub.get("canceled_at")) or now
        else:
            row.canceled_at = None
        row.subscription_version = max(row.subscription_version or 0, version)
        db.session.flush()


# --- Handlers, one per event type ---------------------------------------------------------


def on_checkout(obj: dict[str, Any], event: BillingEvent) -> int:
    ref = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("agency_id")
    try:
        agency_id = int(ref)
    except (TypeError, ValueError):
        raise Unmatched(f"checkout session without an agency reference ({ref!r})") from None
    row = load_row(agency_id, lock=True)
    customer = _id(obj.get("customer"))
    if row is None or not customer or row.stripe_customer_id != customer:
        raise Unmatched(f"checkout for agency {agency_id}: customer {customer!r} is not its own")
    subscription = _id(obj.get("subscription"))
    if obj.get("mode") == "subscription" and subscription:
        apply_subscription(row, fetch_subscription(subscription), event.stripe_created)
    return agency_id


def on_subscription(obj: dict[str, Any], event: BillingEvent) -> int:
    row = _row_for(_id(obj.get("customer")), _id(obj.get("id")))
    version = row.subscription_version or 0
    if event.stripe_created < version:
        log.info("event %s is older than the state applied; ignored", event.stripe_event_id)
        return row.agency_id
    if event.stripe_created == version:
        obj = fetch_subscription(obj["id"])  # the same second: ask Stripe which is newer
    apply_subscription(row, obj, event.stripe_created)
    return row.agency_id


def _invoice_subscription(obj: dict[str, Any]) -> str | None:
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return _id(details.get("subscription"))


def record_invoice(agency_id: int, obj: dict[str, Any]) -> Invoice:
    """The invoice row the billing page lists (created, or moved forward)."""
    with tenant_scope(agency_id):
        invoice = db.session.scalar(select(Invoice).where(Invoice.stripe_invoice_id == obj["id"]))
        if invoice is None:
            invoice = Invoice(stripe_invoice_id=obj["id"], status=obj.get("status") or "open")
            db.session.add(invoice)
        status = obj.get("status") or invoice.status
        if INVOICE_RANK.get(status, 0) >= INVOICE_RANK.get(invoice.status, 0):
            invoice.status = status
        invoice.number = obj.get("number") or invoice.number
        invoice.amount_due = int(obj.get("amount_due") or 0)
        invoice.amount_paid = int(obj.get("amount_paid") or 0)
        invoice.currency = (obj.get("currency") or invoice.currency or "usd")[:3]
        invoice.hosted_invoice_url = obj.get("hosted_invoice_url") or invoice.hosted_invoice_url
        invoice.period_start = _dt(obj.get("period_start"))
        invoice.period_end = _dt(obj.get("period_end"))
        invoice.stripe_created = int(obj.get("created") or 0)
        db.session.flush()
    return invoice


def _sync_from_invoice(row: AgencyBilling, obj: dict[str, Any], event: BillingEvent) -> bool:
    """Apply the invoice's subscription as Stripe has it now; False when the event is
    older than the state applied (or names no subscription of the agency's)."""
    subscription = _invoice_subscription(obj)
    if not subscription or event.stripe_created < (row.subscription_version or 0):
        return False
    apply_subscription(row, fetch_subscription(subscription), event.stripe_created)
    return row.stripe_subscription_id == subscription


def on_invoice_paid(obj: dict[str, Any], event: BillingEvent) -> int:
    row = _row_for(_id(obj.get("customer")), _invoice_subscription(obj))
    record_invoice(row.agency_id, obj)
    _sync_from_invoice(row, obj, event)
    return row.agency_id


def on_invoice_payment_failed(obj: dict[str, Any], event: BillingEvent) -> int:
    from saas.services.billing.dunning import send_dunning

    row = _row_for(_id(obj.get("customer")), _invoice_subscription(obj))
    invoice = record_invoice(row.agency_id, obj)
    if _sync_from_invoice(row, obj, event) and row.status in ("active", "trialing"):
        # An account that leaves subscriptions active on a failed payment: still past due.
        with tenant_scope(row.agency_id):
            row.status = "past_due"
            row.past_due_since = row.past_due_since or utcnow()
            db.session.flush()
    send_dunning(row.agency_id, invoice.id)
    return row.agency_id


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_checkout,
    "checkout.session.async_payment_succeeded": on_checkout,
    "checkout.session.async_payment_failed": on_checkout,
    "customer.subscription.created": on_subscription,
    "customer.subscription.updated": on_subscription,
    "customer.subscription.deleted": on_subscription,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
}


# --- Applying an event, and recording a failure ----------------------------------------------


def _load(event_row_id: int, *, lock: bool) -> BillingEvent | None:
    stmt = select(BillingEvent).where(BillingEvent.id == event_row_id)
    if lock:
        stmt = stmt.with_for_update()
    with system_scope():
        return db.session.scalar(stmt)


@use_case
def apply(event_row_id: int) -> str:
    """Apply one stored event and mark it, in the caller's (the job's) transaction.

    Returns the event's status.  Raises when the work failed: the transaction rolls back
    and ``record_failure`` marks the event in a transaction of its own."""
    event = _load(event_row_id, lock=True)
    if event is None or event.status in ("processed", "ignored"):
        return event.status if event is not None else "missing"
    handler = HANDLERS.get(event.type)
    event.attempts = (event.attempts or 0) + 1
    event.processed_at = utcnow()
    if handler is None:
        event.status, event.last_error = "ignored", "event type not handled"
        return event.status
    try:
        agency_id = handler(event.payload["data"]["object"], event)
    except Unmatched as why:
        log.warning("Stripe event %s ignored: %s", event.stripe_event_id, why)
        event.status, event.last_error = "ignored", str(why)[:2000]
        return event.status
    event.agency_id = agency_id
    event.status, event.last_error = "processed", None
    db.session.flush()
    return event.status


@use_case
def record_failure(event_row_id: int, error: BaseException) -> None:
    """The event stays for a retry: ``failed``, with what went wrong."""
    event = _load(event_row_id, lock=False)
    if event is None or event.status == "processed":
        return
    event.attempts = (event.attempts or 0) + 1
    event.status = "failed"
    detail = f"{type(error).__name__}: {error}"
    if isinstance(error, stripe.StripeError):
        detail = f"Stripe: {detail}"
    event.last_error = detail[:2000]
    db.session.flush()


@use_case
def mark_for_replay(event_row_id: int) -> BillingEvent | None:
    """Put a failed, stuck or ignored event back to ``received`` (the CLI's replay)."""
    event = _load(event_row_id, lock=True)
    if event is None:
        return None
    event.status = "received"
    db.session.flush()
    return event


def stuck(older_than_minutes: float) -> list[BillingEvent]:
    """Events still ``received`` after this long: their job was lost."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    with system_scope():
        return list(
            db.session.scalars(
                select(BillingEvent)
                .where(BillingEvent.status == "received", BillingEvent.received_at <= cutoff)
                .order_by(BillingEvent.id)
            )
        )


def requeue_stuck(older_than_minutes: float) -> int:
    """Enqueue again the events still ``received`` after this long (their job was lost);
    a recovery kind (``saas.services.recovery``): the sweeper and ``flask jobs
    requeue-stale`` run it.  Failed events wait for ``flask billing replay``."""
    found = stuck(older_than_minutes)
    for event in found:
        enqueue_after_commit(db.session, APPLY_JOB, event.id)
    return len(found)
