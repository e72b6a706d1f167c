"""A local Stripe: a small WSGI app on a real port, answering the calls Tandem makes.

Objects are built from Stripe's published OpenAPI fixtures (``fixtures/stripe_objects.json``,
copied from stripe/openapi ``openapi/fixtures3.json``): a test changes only the fields its
story needs (ids, status, price, timestamps), so every payload keeps the shape of the API
version the client pins.  ``event()`` wraps an object in an event envelope and ``sign()``
signs a body exactly as Stripe does (``t=<unix>,v1=HMAC-SHA256(secret, "<t>.<body>")``).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from saas.services.billing.client import API_VERSION

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "stripe_objects.json").read_text())
_ids = itertools.count(1)


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(FIXTURES[name])


def new_id(prefix: str) -> str:
    return f"{prefix}_test{next(_ids):06d}{int(time.time() * 1000) % 100000:05d}"


def subscription(
    *,
    customer: str,
    price: str,
    status: str = "active",
    sub_id: str | None = None,
    period_end: int | None = None,
    canceled_at: int | None = None,
) -> dict[str, Any]:
    """A subscription in the pinned shape: the billing period on its item."""
    sub = fixture("subscription")
    sub_id = sub_id or new_id("sub")
    now = int(time.time())
    sub.update(
        id=sub_id,
        customer=customer,
        status=status,
        created=now,
        start_date=now,
        canceled_at=canceled_at,
        ended_at=canceled_at,
        cancel_at=None,
        latest_invoice=None,
        metadata={},
    )
    item = sub["items"]["data"][0]
    item["price"]["id"] = price
    item["subscription"] = sub_id
    item["current_period_start"] = now
    item["current_period_end"] = period_end or now + 30 * 86400
    sub["items"]["url"] = f"/v1/subscription_items?subscription={sub_id}"
    return sub


def invoice(
    *,
    customer: str,
    subscription_id: str,
    status: str = "open",
    amount_due: int = 4900,
    inv_id: str | None = None,
    number: str | None = None,
) -> dict[str, Any]:
    """An invoice naming its subscription under parent.subscription_details (API ≥ 2025-03-31)."""
    inv = fixture("invoice")
    inv_id = inv_id or new_id("in")
    now = int(time.time())
    inv.update(
        id=inv_id,
        customer=customer,
        status=status,
        number=number or f"TND-{next(_ids):04d}",
        amount_due=amount_due,
        amount_paid=amount_due if status == "paid" else 0,
        amount_remaining=0 if status == "paid" else amount_due,
        currency="usd",
        hosted_invoice_url=f"https://invoice.stripe.test/i/{inv_id}",
        created=now,
        period_start=now,
        period_end=now + 30 * 86400,
    )
    inv["parent"] = {
        "type": "subscription_details",
        "quote_details": None,
        "subscription_details": {"metadata": {}, "subscription": subscription_id},
    }
    return inv


def checkout_session(
    *,
    agency_id: int | str | None,
    customer: str | None,
    subscription_id: str | None,
    payment_status: str = "paid",
    status: str = "complete",
) -> dict[str, Any]:
    cs = fixture("checkout.session")
    cs.update(
        id=new_id("cs"),
        mode="subscription",
        client_reference_id=None if agency_id is None else str(agency_id),
        metadata={} if agency_id is None else {"agency_id": str(agency_id)},
        customer=customer,
        subscription=subscription_id,
        payment_status=payment_status,
        status=status,
    )
    return cs


def event(event_type: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
    """``obj`` in an event envelope (Stripe's fixture, with the pinned API version)."""
    env = fixture("event")
    env.update(
        id=new_id("evt"),
        type=event_type,
        created=created if created is not None else int(time.time()),
        api_version=API_VERSION,
        data={"object": obj},
    )
    return env


def sign(body: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send for ``body``."""
    text = body.decode() if isinstance(body, bytes) else body
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{text}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class StripeDouble:
    """The calls Tandem makes, answered from memory; every call is recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, str], dict[str, str]]] = []
        self.customers: dict[str, dict[str, Any]] = {}
        self.by_idempotency: dict[str, str] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.sessions: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.down = False  # refuse every call (a 400: the library does not retry it)
        self.url = ""  # set once served

    # --- what tests read ---------------------------------------------------------------------

    def calls_to(self, method: str, path: str) -> list[dict[str, str]]:
        return [params for m, p, params, _h in self.calls if m == method and p == path]

    # --- the WSGI app --------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        params = dict(request.form) if request.method == "POST" else dict(request.args)
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self.lock:
            self.calls.append((request.method, request.path, params, headers))
            response = self._answer(request.method, request.path, params, headers)
        return response(environ, start_response)

    def _json(self, body: dict[str, Any], status: int = 200) -> Response:
        return Response(
            json.dumps(body),
            status=status,
            content_type="application/json",
            headers={"Request-Id": new_id("req"), "Stripe-Version": API_VERSION},
        )

    def _error(self, status: int, message: str, kind: str = "invalid_request_error") -> Response:
        return self._json({"error": {"type": kind, "message": message}}, status)

    def _answer(self, method: str, path: str, params: dict[str, str], headers: dict[str, str]):
        if self.down:
            return self._error(400, "The double is down.", "invalid_request_error")
        if not headers.get("authorization", "").startswith("Bearer sk_test_"):
            return self._error(401, "Invalid API Key provided.")
        if method == "POST" and path == "/v1/customers":
            key = headers.get("idempotency-key")
            if key and key in self.by_idempotency:
                return self._json(self.customers[self.by_idempotency[key]])
            customer = fixture("customer")
            customer.update(
                id=new_id("cus"),
                email=params.get("email"),
                name=params.get("name"),
                metadata={"agency_id": params.get("metadata[agency_id]")},
            )
            self.customers[customer["id"]] = customer
            if key:
                self.by_idempotency[key] = customer["id"]
            return self._json(customer)
        if method == "POST" and path == "/v1/checkout/sessions":
            if params.get("customer") not in self.customers:
                return self._error(400, f"No such customer: '{params.get('customer')}'")
            cs = fixture("checkout.session")
            cs_id = new_id("cs")
            cs.update(
                id=cs_id,
                mode=params.get("mode"),
                customer=params.get("customer"),
                client_reference_id=params.get("client_reference_id"),
                metadata={"agency_id": params.get("metadata[agency_id]")},
                url=f"https://checkout.stripe.test/c/pay/{cs_id}",
                success_url=params.get("success_url"),
                cancel_url=params.get("cancel_url"),
            )
            self.sessions.append(cs)
            return self._json(cs)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            if params.get("customer") not in self.customers:
                return self._error(400, f"No such customer: '{params.get('customer')}'")
            portal = fixture("billing_portal.session")
            portal_id = new_id("bps")
            portal.update(
                id=portal_id,
                customer=params.get("customer"),
                return_url=params.get("return_url"),
                url=f"https://billing.stripe.test/p/session/{portal_id}",
            )
            return self._json(portal)
        if method == "GET" and path.startswith("/v1/subscriptions/"):
            sub = self.subscriptions.get(path.rsplit("/", 1)[1])
            if sub is None:
                return self._error(404, "No such subscription")
            return self._json(sub)
        return self._error(404, f"Unrecognized request URL ({method}: {path}).")


class ServedDouble:
    """The double on 127.0.0.1, in a thread, for as long as a test needs it."""

    def __init__(self) -> None:
        self.double = StripeDouble()
        self.server = make_server("127.0.0.1", 0, self.double, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.double.url = self.url

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
