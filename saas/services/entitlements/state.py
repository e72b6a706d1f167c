"""An agency's effective billing state: what the product enforces right now.

``AgencyBilling.status`` is what Stripe last told us; the *effective* status also weighs the
clock: a trial that ended without a subscription, or a ``past_due`` beyond the grace period
(``BILLING_GRACE_DAYS``), is ``read_only``.  Nothing is ever deleted: read-only means reads
and exports work and writes answer 402.  An agency without a row (created before the row
was written, or by a path that forgot) is on a trial counted from its ``created_at``.

Without Stripe keys (self-hosted), billing is off: the plan named by ``SELF_HOSTED_PLAN``
applies (default: no limits) and nothing is ever read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from saas.extensions import db
from saas.models import AgencyBilling
from saas.services.entitlements import catalogue, usage
from saas.services.entitlements.catalogue import Limits
from saas.services.entitlements.usage import Usage
from tenants.context import system_scope, tenant_scope
from tenants.models import Agency, utcnow

# Effective statuses in which the agency may not write.
READ_ONLY_STATUSES = frozenset({"read_only", "canceled", "unpaid"})
KNOWN_STATUSES = frozenset(
    {"trialing", "active", "past_due", "canceled", "unpaid", "incomplete", "read_only"}
)
TRIAL_PLAN = "starter"


@dataclass(frozen=True)
class BillingState:
    plan: str
    interval: str | None
    status: str  # effective: trialing, active, past_due, canceled, unpaid, incomplete, read_only
    limits: Limits
    usage: Usage
    trial_ends_at: datetime | None = None
    current_period_end: datetime | None = None
    grace_ends_at: datetime | None = None
    read_only: bool = False
    self_hosted: bool = False
    # Why it is read-only, for the banner and the 402: trial_ended, grace_ended, canceled,
    # unpaid, incomplete, inactive (no subscription otherwise); None when it is not.
    reason: str | None = None
    timezone: str = "UTC"  # the month of the per-month counts

    @property
    def plan_label(self) -> str:
        return catalogue.label_for(self.plan)


def trial_days() -> int:
    return int(current_app.config.get("TRIAL_DAYS", 14))


def grace_days() -> int:
    return int(current_app.config.get("BILLING_GRACE_DAYS", 7))


def load_row(agency_id: int, *, lock: bool = False) -> AgencyBilling | None:
    """The agency's row; ``lock`` takes ``SELECT ... FOR UPDATE`` (PostgreSQL), so the
    counting that follows in the same transaction cannot race another writer."""
    stmt = select(AgencyBilling).where(AgencyBilling.agency_id == agency_id)
    stmt = stmt.order_by(AgencyBilling.id).limit(1)
    if lock:
        stmt = stmt.with_for_update()
    with tenant_scope(agency_id):
        return db.session.scalar(stmt)


def lock_agency(agency_id: int) -> None:
    """Without a billing row, the agency's own row is the lock (``FOR UPDATE``)."""
    with system_scope():
        db.session.scalar(select(Agency.id).where(Agency.id == agency_id).with_for_update())


def _agency_created(agency_id: int) -> datetime | None:
    with system_scope():
        return db.session.scalar(select(Agency.created_at).where(Agency.id == agency_id))


def effective(
    row: AgencyBilling | None, agency_id: int, now: datetime
) -> tuple[str, str | None, datetime | None, datetime | None]:
    """(status, read-only reason, trial end, grace end) of a row at ``now``."""
    if row is None:
        created = _agency_created(agency_id) or now
        trial_end = created + timedelta(days=trial_days())
        if now >= trial_end:
            return "read_only", "trial_ended", trial_end, None
        return "trialing", None, trial_end, None
    trial_end = row.trial_ends_at
    if row.status not in KNOWN_STATUSES:  # e.g. Stripe's incomplete_expired or paused
        return "read_only", "inactive", trial_end, None
    status = row.status
    if status == "trialing":
        ended = trial_end is not None and now >= trial_end
        if ended and not row.stripe_subscription_id:
            return "read_only", "trial_ended", trial_end, None
        return "trialing", None, trial_end, None
    if status == "past_due":
        since = row.past_due_since or row.updated_at or now
        grace_end = since + timedelta(days=grace_days())
        if now >= grace_end:
            return "read_only", "grace_ended", trial_end, grace_end
        return "past_due", None, trial_end, grace_end
    if status == "incomplete":
        # The first payment has not gone through: fine while the trial lasts.
        if trial_end is not None and now < trial_end:
            return "incomplete", None, trial_end, None
        return "incomplete", "incomplete", trial_end, None
    if status == "read_only":
        ended = trial_end is not None and now >= trial_end and not row.stripe_subscription_id
        return status, "trial_ended" if ended else "inactive", trial_end, None
    if status in READ_ONLY_STATUSES:
        return status, status, trial_end, None
    return status, None, trial_end, None


def _plan_of(row: AgencyBilling | None) -> str:
    plan = row.plan if row is not None else TRIAL_PLAN
    return plan if plan in catalogue.PLAN_NAMES else TRIAL_PLAN  # never unlimited by accident


def current(
    agency_id: int, *, now: datetime | None = None, lock: bool = False, count: bool = True
) -> BillingState:
    """The agency's billing state at ``now``, with its usage counted.

    ``count=False`` skips the five counts (``usage`` is all zeros) for callers that only
    ask whether the agency may write: the read-only guard and the banner, on every page.
    """
    now = now or utcnow()
    if not lock and not count and not catalogue.billing_enabled(current_app.config):
        return _self_hosted(None, agency_id, now, count=False)  # no query on every page
    if lock:
        row = load_row(agency_id, lock=True)
        if row is None:
            lock_agency(agency_id)
    else:
        row = load_row(agency_id)
    zone = row.timezone if row is not None else None
    if not catalogue.billing_enabled(current_app.config):
        return _self_hosted(zone, agency_id, now, count=count)
    status, reason, trial_end, grace_end = effective(row, agency_id, now)
    plan = _plan_of(row)
    return BillingState(
        plan=plan,
        interval=row.interval if row is not None else None,
        status=status,
        limits=catalogue.limits_for(plan),
        usage=usage.measure(agency_id, zone, now) if count else Usage(),
        trial_ends_at=trial_end,
        current_period_end=row.current_period_end if row is not None else None,
        grace_ends_at=grace_end,
        read_only=reason is not None,
        self_hosted=False,
        reason=reason,
        timezone=zone or "UTC",
    )


def _self_hosted(zone: str | None, agency_id: int, now: datetime, *, count: bool) -> BillingState:
    """Billing off: the configured plan, always active, never read-only."""
    plan = catalogue.self_hosted_plan(current_app.config)
    return BillingState(
        plan=plan,
        interval=None,
        status="active",
        limits=catalogue.limits_for(plan),
        usage=usage.measure(agency_id, zone, now) if count else Usage(),
        self_hosted=True,
        timezone=zone or "UTC",
    )


def new_trial(agency_id: int, *, now: datetime | None = None) -> AgencyBilling:
    """The agency's first billing row: a ``TRIAL_DAYS`` trial, no card.  Added, not flushed.

    The trial counts from the agency's creation (for a new agency that is now), so writing
    the row late, e.g. at a first checkout, never restarts a trial that already ran out.
    """
    start = _agency_created(agency_id) or now or utcnow()
    row = AgencyBilling(
        agency_id=agency_id,
        plan=TRIAL_PLAN,
        status="trialing",
        trial_ends_at=start + timedelta(days=trial_days()),
    )
    db.session.add(row)
    return row
