"""The one place every creating service asks before it creates: ``check(agency_id, what)``.

It refuses with ``PaymentRequired`` (402): ``read_only`` when the agency may not write at
all, ``plan_limit`` when the new item would pass the plan's limit.  A downgrade below the
current usage therefore blocks new items and deletes nothing.

Two requests at once must not both create the item over the limit: on PostgreSQL the
agency's ``AgencyBilling`` row is locked (``SELECT ... FOR UPDATE``) before counting, in the
caller's transaction, so the second waits until the first commits and then counts its row;
SQLite serialises writers on its own.  Call ``check`` in the same unit of work that creates
the item, right before it.
"""

from __future__ import annotations

from datetime import datetime

from saas.i18n import gettext as _
from saas.services.entitlements import catalogue, state, usage
from saas.services.entitlements.state import BillingState
from saas.services.errors import PaymentRequired
from tenants.models import Membership, Role

LIMITS = catalogue.LIMIT_NAMES


def check(
    agency_id: int,
    what: str,
    *,
    adding: int = 1,
    actor: Membership | None = None,
    now: datetime | None = None,
) -> BillingState:
    """Refuse (402) unless the agency may add ``adding`` more of ``what`` (a ``Limits`` field);
    returns the state it checked.  ``actor`` picks the way out the message names: the billing
    page for owners, the owner for everyone else."""
    if what not in LIMITS:
        raise ValueError(f"unknown limit {what!r}")
    billing = state.current(agency_id, now=now, lock=True, count=False)
    owner = _is_owner(actor)
    if billing.read_only:
        raise PaymentRequired(read_only_message(billing, owner=owner), code="read_only")
    allowed = getattr(billing.limits, what)
    if allowed is None or adding <= 0:
        return billing
    used = usage.count(agency_id, what, billing.timezone, now)
    if used + adding > allowed:
        err = PaymentRequired(
            limit_message(billing, what, allowed=allowed, used=used, owner=owner),
            code="plan_limit",
        )
        err.extra = {"limit": what, "allowed": allowed, "used": used}
        raise err
    return billing


def _is_owner(actor: Membership | None) -> bool | None:
    """True or False for a known actor; None when the caller did not say (a job)."""
    return None if actor is None else actor.role == Role.OWNER.value


def way_out(billing: BillingState, *, owner: bool | None) -> str:
    """How to lift the limit, for whoever reads it."""
    if billing.self_hosted:
        return _("The plan of this installation is set by its administrator.")
    if owner:
        return _("Change your plan on the billing page.")
    if owner is None:
        return _("An owner of the agency can change the plan on the billing page.")
    return _("Ask your agency's owner to change the plan.")


def limit_message(billing: BillingState, what: str, *, allowed: int, used: int, owner: bool) -> str:
    """The whole refusal: which limit, what is in use, and the way out."""
    plan = billing.plan_label
    sentences = {
        "brands": _(
            "Your %(plan)s plan includes up to %(limit)d client brands (archived brands do "
            "not count).",
            plan=plan,
            limit=allowed,
        ),
        "staff_seats": _(
            "Your %(plan)s plan includes up to %(limit)d staff seats (owners, consultants and "
            "pending staff invitations; client users are free).",
            plan=plan,
            limit=allowed,
        ),
        "reports_per_month": _(
            "Your %(plan)s plan includes up to %(limit)d reports a month, scheduled reports "
            "included.",
            plan=plan,
            limit=allowed,
        ),
        "scheduled_reports": _(
            "Your %(plan)s plan includes up to %(limit)d active report schedules.",
            plan=plan,
            limit=allowed,
        ),
        "sessions_per_month": _(
            "Your %(plan)s plan includes up to %(limit)d strategy sessions a month.",
            plan=plan,
            limit=allowed,
        ),
    }
    in_use = _("In use now: %(used)d.", used=used)
    return " ".join((sentences[what], in_use, way_out(billing, owner=owner)))


def read_only_reason(billing: BillingState) -> str:
    """Why the agency is read-only, in a sentence that also says nothing is lost."""
    reasons = {
        "trial_ended": _("Your free trial has ended, so your agency is read-only."),
        "grace_ended": _(
            "A payment failed and the grace period has ended, so your agency is read-only."
        ),
        "canceled": _("Your subscription was cancelled, so your agency is read-only."),
        "unpaid": _("Your subscription is unpaid, so your agency is read-only."),
        "incomplete": _("Your first payment has not gone through, so your agency is read-only."),
    }
    inactive = _("Your agency has no active subscription, so it is read-only.")
    return reasons.get(billing.reason or "", inactive)


def read_only_message(billing: BillingState, *, owner: bool | None) -> str:
    kept = _("All your data is kept: you can still read and export it.")
    if owner:
        action = _("Choose a plan on the billing page to make changes again.")
    elif owner is None:
        action = _("An owner of the agency can choose a plan on the billing page.")
    else:
        action = _("Ask your agency's owner to choose a plan.")
    return " ".join((read_only_reason(billing), kept, action))
