"""From findings to numbers: coverage, campaign and goal scores, the overall score, a verdict.

The formula is documented in docs/ALIGNMENT.md ("Scoring"); keep the two in step.  Exposed
on its own (``rescore``) so a review can be re-scored after a consultant dismisses findings,
without running the rules again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from saas.domain.alignment.rules import RULES, Effective, effective
from saas.domain.alignment.types import CampaignIn, FindingOut, GoalIn, Settings

PENALTY = {"error": 25.0, "warning": 10.0, "info": 3.0}
PRIORITY_WEIGHT = {"high": 3.0, "medium": 2.0, "low": 1.0}
# Coverage strength of a goal-campaign link.
STRENGTH_CLEAN = 1.0  # the campaign serves the goal and has no error finding
STRENGTH_FLAWED = 0.5  # it serves the goal but has at least one error finding
ALIGNED_AT = 80  # score at or above: aligned (when there is no error)
MISALIGNED_BELOW = 50  # score below: misaligned


@dataclass(frozen=True)
class Scores:
    coverage: dict[int, dict[int, float]]
    campaign_scores: dict[int, int]
    goal_scores: dict[int, int]
    score: int
    verdict: str


def score_findings(
    findings: Iterable[FindingOut],
    goals: Sequence[GoalIn],
    campaigns: Sequence[CampaignIn],
    configs: Mapping[str, Effective],
) -> Scores:
    findings = list(findings)
    weights = {rule_id: configs[rule_id].weight for rule_id in RULES}
    active = sorted((g for g in goals if g.status == "active"), key=lambda g: g.id)
    active_ids = {g.id for g in active}
    campaigns = sorted(campaigns, key=lambda c: c.id)

    campaign_loss: dict[int, list[float]] = {c.id: [] for c in campaigns}
    goal_loss: dict[int, list[float]] = {g.id: [] for g in active}
    plan_loss: list[float] = []
    with_errors: set[int] = set()
    errors = False
    high_goal_error = False
    high_goals = {g.id for g in active if g.priority == "high"}
    for f in findings:
        loss = PENALTY.get(f.severity, 0.0) * weights.get(f.rule, 1.0)
        if f.severity == "error":
            errors = True
            if f.campaign_id is not None:
                with_errors.add(f.campaign_id)
            if f.goal_id in high_goals:
                high_goal_error = True
        if f.campaign_id is not None and f.campaign_id in campaign_loss:
            campaign_loss[f.campaign_id].append(loss)
        if f.goal_id is not None and f.goal_id in goal_loss:
            goal_loss[f.goal_id].append(loss)
        if f.campaign_id is None and f.goal_id is None:
            plan_loss.append(loss)

    campaign_scores = {
        cid: _clamp(100.0 - math.fsum(sorted(losses))) for cid, losses in campaign_loss.items()
    }

    coverage: dict[int, dict[int, float]] = {g.id: {} for g in active}
    for c in campaigns:
        strength = STRENGTH_FLAWED if c.id in with_errors else STRENGTH_CLEAN
        for goal_id in sorted({link.goal_id for link in c.goal_links}):
            if goal_id in active_ids:
                coverage[goal_id][c.id] = strength

    goal_scores = {
        g.id: _clamp(
            100.0 * max(coverage[g.id].values(), default=0.0) - math.fsum(sorted(goal_loss[g.id]))
        )
        for g in active
    }

    parts = []
    campaign_part = (
        math.fsum(campaign_scores[c.id] for c in campaigns) / len(campaigns) if campaigns else 0.0
    )
    parts.append(campaign_part)
    if active:
        total_weight = math.fsum(_goal_weight(g) for g in active)
        if total_weight > 0:
            parts.append(
                math.fsum(goal_scores[g.id] * _goal_weight(g) for g in active) / total_weight
            )
    score = _clamp(math.fsum(parts) / len(parts) - math.fsum(sorted(plan_loss)))

    if score < MISALIGNED_BELOW or high_goal_error:
        verdict = "misaligned"
    elif score < ALIGNED_AT or errors:
        verdict = "needs_changes"
    else:
        verdict = "aligned"
    return Scores(coverage, campaign_scores, goal_scores, score, verdict)


def rescore(
    findings: Iterable[FindingOut],
    goals: Sequence[GoalIn],
    campaigns: Sequence[CampaignIn],
    settings: Settings | None = None,
) -> Scores:
    """Scores for a subset of findings (e.g. without the dismissed ones)."""
    configs = {rule_id: effective(rule_id, settings) for rule_id in RULES}
    return score_findings(findings, goals, campaigns, configs)


def _goal_weight(goal: GoalIn) -> float:
    if goal.weight is not None and math.isfinite(goal.weight) and goal.weight > 0:
        return float(goal.weight)
    return PRIORITY_WEIGHT.get(goal.priority, PRIORITY_WEIGHT["medium"])


def _clamp(value: float) -> int:
    """Round half up, within 0..100 (round() is banker's rounding: 72.5 → 72)."""
    return max(0, min(100, math.floor(value + 0.5)))
