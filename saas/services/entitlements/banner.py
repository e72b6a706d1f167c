"""The billing banner above every page: a trial ending soon, a failed payment in its grace
period, or read-only with the reason.  Values only; ``templates/_billing_banner.html``
words and links them (owners get the billing page, others are told to ask the owner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from saas.services.entitlements import state
from saas.services.entitlements.limits import read_only_reason
from tenants.models import Membership, Role, utcnow

# A trial's last days are announced; before that the billing page says when it ends.
TRIAL_NOTICE_DAYS = 3


@dataclass(frozen=True)
class Banner:
    kind: str  # trial_ending | past_due | read_only
    owner: bool
    ends_at: datetime | None = None  # the trial's end or the grace period's
    reason: str | None = None  # read_only: the sentence saying why


def banner_for(membership: Membership | None, *, now: datetime | None = None) -> Banner | None:
    """What the banner says for this member's agency, or None (also when self-hosted)."""
    if membership is None:
        return None
    now = now or utcnow()
    billing = state.current(membership.agency_id, now=now, count=False)
    if billing.self_hosted:
        return None
    owner = membership.role == Role.OWNER.value
    if billing.read_only:
        return Banner("read_only", owner, reason=read_only_reason(billing))
    if billing.status == "past_due":
        return Banner("past_due", owner, ends_at=billing.grace_ends_at)
    trial_end = billing.trial_ends_at
    if (
        billing.status == "trialing"
        and trial_end is not None
        and trial_end - now <= timedelta(days=TRIAL_NOTICE_DAYS)
    ):
        return Banner("trial_ending", owner, ends_at=trial_end)
    return None
