"""Billing: the owner's page (plan, status, usage against every limit, invoices, actions),
checkout and portal redirects, the pages Stripe sends the owner back to, and the webhook.

Thin on purpose: the state is ``entitlements.current``, every change is a service call, and
nothing here activates a plan (the webhook does, through a job).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_currency
from flask_login import current_user

from saas.extensions import csrf
from saas.http import json_error
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.services import billing
from saas.services.billing import invoices
from saas.services.entitlements import BillingState, catalogue
from saas.services.entitlements import current as billing_state
from saas.services.entitlements.state import load_row
from saas.services.errors import ServiceError
from saas.web.billing.forms import INTERVAL_LABELS, CheckoutForm, PortalForm
from saas.web.common import require
from saas.web.forms import show_errors

bp = Blueprint("billing", __name__, url_prefix="/billing")

LIMIT_LABELS = {
    "brands": _l("Client brands"),
    "staff_seats": _l("Staff seats"),
    "reports_per_month": _l("Reports this month"),
    "scheduled_reports": _l("Scheduled reports"),
    "sessions_per_month": _l("Strategy sessions this month"),
}

# Status → (badge class, words); colour always paired with a word.
STATUS_BADGES = {
    "trialing": ("badge-muted", _l("Free trial")),
    "active": ("badge-ok", _l("Active")),
    "past_due": ("badge-warn", _l("Payment failed")),
    "canceled": ("badge-bad", _l("Cancelled")),
    "unpaid": ("badge-bad", _l("Unpaid")),
    "incomplete": ("badge-warn", _l("Awaiting first payment")),
    "read_only": ("badge-bad", _l("Read-only")),
}

INVOICE_STATUS = {
    "draft": _l("Draft"),
    "open": _l("Awaiting payment"),
    "paid": _l("Paid"),
    "uncollectible": _l("Uncollectible"),
    "void": _l("Void"),
}


@dataclass(frozen=True)
class UsageRow:
    name: str
    label: str
    used: int
    limit: int | None

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used >= self.limit


def _usage_rows(state: BillingState) -> list[UsageRow]:
    used = state.usage.as_dict()
    limits = state.limits.as_dict()
    return [
        UsageRow(name=name, label=str(label), used=used.get(name, 0), limit=limits.get(name))
        for name, label in LIMIT_LABELS.items()
    ]


def _money(invoice: invoices.InvoiceView) -> str:
    try:
        return format_currency(invoice.amount, invoice.currency.upper())
    except (ValueError, LookupError):
        return f"{invoice.amount:.2f} {invoice.currency.upper()}"


def _render(form: CheckoutForm, status: int = 200) -> ResponseReturnValue:
    agency_id = g.agency.id
    state = billing_state(agency_id)
    row = load_row(agency_id)
    enabled = catalogue.billing_enabled()
    plans = [
        {
            "name": spec.name,
            "label": str(spec.label),
            "limits": spec.limits.as_dict(),
            "intervals": [i for i, price in spec.prices.items() if price],
        }
        for spec in catalogue.PLANS.values()
    ]
    return render_template(
        "billing/index.html",
        state=state,
        usage_rows=_usage_rows(state),
        invoices=invoices.recent(),
        money=_money,
        invoice_status=INVOICE_STATUS,
        status_badge=STATUS_BADGES.get(state.status, ("badge-muted", state.status)),
        interval_labels=INTERVAL_LABELS,
        limit_labels=LIMIT_LABELS,
        plans=plans,
        form=form,
        portal_form=PortalForm(formdata=None),
        billing_enabled=enabled,
        has_customer=bool(row is not None and row.stripe_customer_id),
        has_subscription=bool(row is not None and row.stripe_subscription_id),
    ), status


@bp.route("", methods=["GET"])
@require("billing.manage")
def index() -> ResponseReturnValue:
    state_row = load_row(g.agency.id)
    form = CheckoutForm(
        formdata=None,
        plan=state_row.plan if state_row is not None else "growth",
        interval=(state_row.interval if state_row is not None else None) or "month",
    )
    return _render(form)


@bp.route("/checkout", methods=["POST"])
@require("billing.manage")
def checkout() -> ResponseReturnValue:
    form = CheckoutForm()
    if not catalogue.billing_enabled():
        flash(_("Billing is not enabled on this installation."), "error")
        return redirect(url_for("billing.index"), code=303)
    if form.validate_on_submit():
        try:
            url = billing.start_checkout(
                g.agency,
                plan=form.plan.data,
                interval=form.interval.data,
                owner_email=current_user.email,
                success_url=url_for("billing.success", _external=True),
                cancel_url=url_for("billing.cancelled", _external=True),
            )
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            return redirect(url, code=303)
    return _render(form, 422)


@bp.route("/success", methods=["GET"])
@require("billing.manage")
def success() -> ResponseReturnValue:
    return render_template("billing/success.html", state=billing_state(g.agency.id, count=False))


@bp.route("/cancelled", methods=["GET"])
@require("billing.manage")
def cancelled() -> ResponseReturnValue:
    return render_template("billing/cancelled.html", state=billing_state(g.agency.id, count=False))


@bp.route("/portal", methods=["POST"])
@require("billing.manage")
def portal() -> ResponseReturnValue:
    form = PortalForm()
    if not form.validate_on_submit() or not catalogue.billing_enabled():
        return redirect(url_for("billing.index"), code=303)
    try:
        url = billing.open_portal(g.agency.id, return_url=url_for("billing.index", _external=True))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("billing.index"), code=303)
    return redirect(url, code=303)


@bp.route("/webhook", methods=["POST"])
@csrf.exempt  # the only exempt form post: Stripe's signature is what authenticates it
def webhook() -> ResponseReturnValue:
    """Stripe's deliveries: verified, stored once, applied by a job; answered at once."""
    try:
        received = billing.receive(request.get_data(), request.headers.get("Stripe-Signature"))
    except billing.BadWebhook as exc:
        return json_error(400, exc.message, code=exc.code)
    return {"received": True, "duplicate": received.duplicate}, 200
