"""What an agency pays for, and what Stripe told us about it.

``AgencyBilling`` is the agency's own state (one row per agency): the plan and its status as
the product enforces them.  Stripe's objects are the source, but only through webhook events
(``BillingEvent``, every event id stored once) applied in order of the objects' own
timestamps, so a redelivered or late event never moves the state back.  ``Invoice`` rows are
what the billing page lists; ``dunning_sent_at`` makes "one email per failed invoice" a fact
in the database rather than a hope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

BILLING_STATUSES = (
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "incomplete",
    "read_only",
)
EVENT_STATUSES = ("received", "processed", "ignored", "failed")


class AgencyBilling(TenantScoped, db.Model):
    __tablename__ = "agency_billing"
    __table_args__ = (UniqueConstraint("agency_id"),)  # one row per agency, even when raced

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(20), default="starter")
    interval: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="trialing")
    trial_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    current_period_end: Mapped[datetime | None] = mapped_column(DateTime)
    past_due_since: Mapped[datetime | None] = mapped_column(DateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(DateTime)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The Stripe timestamp (seconds) of the newest subscription state applied; an older one
    # arriving later is ignored.
    subscription_version: Mapped[int | None] = mapped_column(Integer)
    # The month that "reports per month" and "sessions per month" count in.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class BillingEvent(db.Model):
    """One Stripe webhook event, stored before any work (global: an event names its agency
    only through the customer or subscription id it carries)."""

    __tablename__ = "billing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100), index=True)
    stripe_created: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Invoice(TenantScoped, db.Model):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_invoice_id: Mapped[str] = mapped_column(String(64), unique=True)
    number: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    amount_due: Mapped[int] = mapped_column(Integer, default=0)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="usd")
    hosted_invoice_url: Mapped[str | None] = mapped_column(String(1000))
    period_start: Mapped[datetime | None] = mapped_column(DateTime)
    period_end: Mapped[datetime | None] = mapped_column(DateTime)
    stripe_created: Mapped[int] = mapped_column(Integer, default=0)
    dunning_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
