"""Receiving Stripe's webhook: verify, store once, enqueue, answer.

Modelled on dj-stripe's webhook path: the signature is checked on the raw bytes with the
endpoint secret and a timestamp tolerance (a bad, missing or stale one is refused and
nothing is stored); the event id is inserted under a unique key, so a redelivery, or two
deliveries racing, store one row and enqueue one application; the work itself is done in
``worker.jobs.billing.apply_event``, after the commit, so the answer is fast and a failure
stays retryable (``events.apply``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError
from stripe import SignatureVerificationError, WebhookSignature

from saas.extensions import db
from saas.models import BillingEvent
from saas.services.billing.events import APPLY_JOB, HANDLERS
from saas.services.errors import ServiceError
from saas.transactions import use_case
from worker.queue import enqueue_after_commit

log = logging.getLogger(__name__)

# Stripe's own default: a signature older than five minutes is a replay.
DEFAULT_TOLERANCE_SECONDS = 300


class BadWebhook(ServiceError):
    status = 400
    code = "bad_signature"


@dataclass(frozen=True)
class Received:
    event_id: str
    duplicate: bool
    status: str


def verify(raw: bytes, signature: str | None) -> dict[str, Any]:
    """The event, once its signature holds; ``BadWebhook`` otherwise."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    tolerance = int(current_app.config.get("STRIPE_WEBHOOK_TOLERANCE", DEFAULT_TOLERANCE_SECONDS))
    if not secret:
        raise BadWebhook("Webhooks are not configured (STRIPE_WEBHOOK_SECRET).")
    try:
        WebhookSignature.verify_header(raw, signature, secret, tolerance)
    except SignatureVerificationError as error:
        raise BadWebhook(f"Signature rejected: {error}") from None
    try:
        event = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadWebhook("The body is not JSON.", code="malformed_event") from None
    obj = event.get("data", {}).get("object") if isinstance(event, dict) else None
    if not (
        isinstance(obj, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("created"), int)
    ):
        raise BadWebhook("Not a Stripe event.", code="malformed_event")
    return event


@use_case
def receive(raw: bytes, signature: str | None) -> Received:
    """Store a verified event once and enqueue its application (unknown types: ignored)."""
    event = verify(raw, signature)
    handled = event["type"] in HANDLERS
    row = BillingEvent(
        stripe_event_id=event["id"][:255],
        type=event["type"][:100],
        stripe_created=event["created"],
        payload=event,
        status="received" if handled else "ignored",
        last_error=None if handled else "event type not handled",
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # Already received (a redelivery, or a delivery racing this one): nothing to do.
        db.session.rollback()  # a failed flush leaves the session unusable until then
        log.info("Stripe event %s received again; ignored", event["id"])
        return Received(event["id"], duplicate=True, status="duplicate")
    if handled:
        enqueue_after_commit(db.session, APPLY_JOB, row.id)
    return Received(event["id"], duplicate=False, status=row.status)
