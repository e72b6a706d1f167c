"""Comparing two revisions of a plan, campaign by campaign (matched by ``key``).

This module turns loaded revisions into the plain dicts ``saas.domain.plan_diff`` compares.
"""

from __future__ import annotations

from typing import Any

from saas.domain.plan_diff import RevisionDiff, diff_revisions
from saas.models import Campaign, Plan, PlanRevision
from saas.services.plans.data import CampaignData
from saas.services.plans.queries import calendar_counts, get_revision, load_revision


def campaign_dict(c: Campaign) -> dict[str, Any]:
    """A campaign as plain values (goal links loaded), for the diff."""
    return CampaignData.from_row(c).as_dict()


def revision_dict(revision: PlanRevision, calendar_count: int) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "period_start": revision.period_start,
        "period_end": revision.period_end,
        "campaigns": [campaign_dict(c) for c in revision.campaigns],
        "calendar_count": calendar_count,
    }


def compare(plan: Plan, a_id: Any, b_id: Any) -> tuple[PlanRevision, PlanRevision, RevisionDiff]:
    """What changed from revision ``a`` to revision ``b`` of this plan."""
    a = load_revision(get_revision(plan, a_id).id, with_calendar=False)
    b = load_revision(get_revision(plan, b_id).id, with_calendar=False)
    counts = calendar_counts([a.id, b.id])
    return (
        a,
        b,
        diff_revisions(
            revision_dict(a, counts.get(a.id, 0)), revision_dict(b, counts.get(b.id, 0))
        ),
    )
