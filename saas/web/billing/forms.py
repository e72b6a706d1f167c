"""Billing forms: choosing a plan and interval; opening the portal (a CSRF-checked post)."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from saas.i18n import lazy_gettext as _l
from saas.services.entitlements.catalogue import INTERVALS, LABELS, PLAN_NAMES
from saas.web.forms import TandemForm

INTERVAL_LABELS = {"month": _l("Monthly"), "year": _l("Yearly")}


class CheckoutForm(TandemForm):
    plan = RadioField(
        _l("Subscription plan"),
        choices=[SelectChoice(name, LABELS[name]) for name in PLAN_NAMES],
        validators=[InputRequired(message=_l("Choose a plan."))],
    )
    interval = RadioField(
        _l("Billing interval"),
        choices=[SelectChoice(name, INTERVAL_LABELS[name]) for name in INTERVALS],
        default="month",
        validators=[InputRequired(message=_l("Choose monthly or yearly."))],
    )


class PortalForm(TandemForm):
    """No fields: the CSRF token is what makes the post the owner's own."""
