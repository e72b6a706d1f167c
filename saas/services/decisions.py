"""The facts the decisions rule needs, read from a brand's goals and its latest review.

Shared by the leader's landing page (``overview``) and the board report, so both ask the
same questions.  Three queries at most, whatever the size of the plan; under the caller's
tenant scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import select

from saas.domain.decisions import (
    FIX_RULES,
    CampaignFix,
    Decision,
    GoalFacts,
    NetworkMiss,
    decisions_needed,
)
from saas.extensions import db
from saas.models.goals import Audience
from saas.models.plans import Campaign
from saas.models.reviews import Finding
from saas.services.goals import GoalRow


class Identified(Protocol):
    """A review as the rule needs it: its id (a ``Review`` or the overview's row)."""

    @property
    def id(self) -> int: ...


_RULES = ("goal_uncovered", "network_not_used_by_audience", "campaign_without_goal", *FIX_RULES)


def _shares(networks: Any) -> dict[str, float]:
    """An audience's ``[{"network": .., "share": ..}]`` as ``{network: share}``."""
    out: dict[str, float] = {}
    for item in networks or []:
        if isinstance(item, dict) and isinstance(item.get("share"), int | float):
            out[str(item.get("network"))] = float(item["share"])
    return out


def brand_decisions(
    rows: Sequence[GoalRow],
    review: Identified | None,
    *,
    reviewed: bool,
    limit: int | None = None,
) -> list[Decision]:
    """What leadership should decide now: actions from the goals' progress and the review's
    findings that still count (open or accepted), most pressing first, never padded."""
    findings: list[Finding] = []
    if review is not None:
        findings = list(
            db.session.scalars(
                select(Finding)
                .where(
                    Finding.review_id == review.id,
                    Finding.state.in_(("open", "accepted")),
                    Finding.rule.in_(_RULES),
                )
                .order_by(Finding.id)
            )
        )
    campaign_ids = {f.campaign_id for f in findings if f.campaign_id is not None}
    campaigns: dict[int, tuple[float | None, int | None]] = {}
    if campaign_ids:
        for cid, budget, audience_id in db.session.execute(
            select(Campaign.id, Campaign.budget, Campaign.audience_id).where(
                Campaign.id.in_(campaign_ids)
            )
        ):
            campaigns[cid] = (float(budget) if budget is not None else None, audience_id)
    audiences: dict[int, dict[str, float]] = {}
    audience_ids = {a for _b, a in campaigns.values() if a is not None}
    if audience_ids and any(f.rule == "network_not_used_by_audience" for f in findings):
        for aid, networks in db.session.execute(
            select(Audience.id, Audience.networks).where(Audience.id.in_(audience_ids))
        ):
            audiences[aid] = _shares(networks)

    uncovered = {f.goal_id for f in findings if f.rule == "goal_uncovered"}
    goals = [
        GoalFacts(
            title=r.goal.title,
            priority=r.goal.priority,
            status=r.progress.status,
            baseline=r.goal.baseline,
            latest=r.latest.value if r.latest is not None else None,
            target=r.goal.target,
            due=r.goal.due_date,
            percent_complete=r.progress.percent_complete,
            percent_elapsed=r.progress.percent_elapsed,
            unit=r.goal.unit or "",
            covered=r.goal.id not in uncovered,
        )
        for r in rows
    ]
    misses, orphans, fixes = [], [], []
    for f in findings:
        params = f.params or {}
        name = str(params.get("campaign", ""))
        budget, audience_id = campaigns.get(f.campaign_id or 0, (None, None))
        if f.rule == "network_not_used_by_audience" and audience_id in audiences:
            misses.append(
                NetworkMiss(
                    campaign=name,
                    network=str(params.get("network", "")),
                    audience=str(params.get("audience", "")),
                    shares=audiences[audience_id],  # type: ignore[index]
                    budget=budget,
                )
            )
        elif f.rule == "campaign_without_goal":
            orphans.append((name, budget))
        elif f.rule in FIX_RULES:
            fixes.append(CampaignFix(f.rule, name, dict(params), budget))
    return decisions_needed(
        goals, misses=misses, orphans=orphans, fixes=fixes, reviewed=reviewed, limit=limit
    )
