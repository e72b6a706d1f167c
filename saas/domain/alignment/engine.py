"""``evaluate``: every rule over one plan revision, then the scores.

Linear by construction: goals, audiences and the calendar are indexed once up front (by id,
by campaign key and network), and each campaign is checked against those indexes.  The
calendar gap check uses bisection and a sparse table over the unkeyed items, so a plan's
cost grows with its campaigns plus its calendar, never with their product.

Deterministic: inputs are sorted by id/date before use, outputs are built in sorted order,
and nothing reads the clock (``today`` is the only notion of "now").

Past 400 lines on purpose: every rule reads the same indexes that ``evaluate`` builds once,
and keeping them beside the rules keeps the linear-cost argument in one place.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from saas.domain.alignment import messages
from saas.domain.alignment.rules import (
    CUSTOMER_CARE_OBJECTIVE,
    KPIS_FOR_OBJECTIVE,
    RESPONSE_TIME_KPI,
    RULE_ORDER,
    RULES,
    SEVERITY_RANK,
    STORY_FORMAT,
    STORY_KPI,
    Effective,
    effective,
    skills_needed,
)
from saas.domain.alignment.scoring import score_findings
from saas.domain.alignment.types import (
    AudienceIn,
    CampaignIn,
    FindingOut,
    GoalIn,
    PlanIn,
    Result,
    Settings,
)


@dataclass(frozen=True)
class _Raw:
    """A finding before settings and language are applied."""

    rule: str
    campaign_id: int | None
    goal_id: int | None
    params: dict
    severity: str | None = None  # the rule's own choice (goal_uncovered), else the default


def evaluate(
    goals: Sequence[GoalIn],
    audiences: Sequence[AudienceIn],
    plan: PlanIn,
    settings: Settings | None = None,
    *,
    locale: str = "en",
    today: date | None = None,
) -> Result:
    """Check ``plan`` against the brand's ``goals`` and ``audiences``.

    ``settings`` is the agency's methodology (rules switched off, severities, weights,
    thresholds), already merged with the brand's overrides.  ``today`` is accepted so that
    time-dependent rules never read the clock; the current rules do not depend on it.
    """
    del today  # no current rule depends on the date the review runs
    configs = {rule_id: effective(rule_id, settings) for rule_id in RULES}
    ctx = _Context.build(goals, audiences, plan, configs)

    raw: list[_Raw] = []
    for rule_id, check in _CHECKS:
        if configs[rule_id].enabled:
            raw.extend(check(ctx, configs[rule_id]))

    findings = tuple(sorted((_finish(f, configs[f.rule], locale) for f in raw), key=_sort_key))
    scores = score_findings(findings, ctx.goals, ctx.campaigns, configs)
    return Result(
        findings=findings,
        coverage=scores.coverage,
        campaign_scores=scores.campaign_scores,
        goal_scores=scores.goal_scores,
        score=scores.score,
        verdict=scores.verdict,
    )


# --- context: the indexes every rule shares -------------------------------------------------


@dataclass(frozen=True)
class _Context:
    plan: PlanIn
    goals: tuple[GoalIn, ...]  # sorted by id
    active_goals: Mapping[int, GoalIn]
    audiences: Mapping[int, AudienceIn]
    campaigns: tuple[CampaignIn, ...]  # sorted by id
    links: Mapping[int, tuple[int, ...]]  # campaign id -> sorted active goal ids it serves
    keyed: Mapping[tuple[str, str], list[int]]  # (campaign key, network) -> sorted ordinals
    unkeyed: Mapping[str, _GapIndex]  # network -> items with no campaign key
    story_focus_on: bool  # story_focus supersedes kpi_objective_mismatch for stories

    @classmethod
    def build(
        cls,
        goals: Sequence[GoalIn],
        audiences: Sequence[AudienceIn],
        plan: PlanIn,
        configs: Mapping[str, Effective],
    ) -> _Context:
        goals_sorted = tuple(sorted(goals, key=lambda g: g.id))
        active = {g.id: g for g in goals_sorted if g.status == "active"}
        campaigns = tuple(sorted(plan.campaigns, key=lambda c: c.id))
        links = {
            c.id: tuple(sorted({link.goal_id for link in c.goal_links if link.goal_id in active}))
            for c in campaigns
        }
        keyed_sets: dict[tuple[str, str], set[int]] = {}
        unkeyed_sets: dict[str, set[int]] = {}
        if configs["calendar_gap"].enabled:
            for item in plan.calendar:
                day = item.date.toordinal()
                if item.campaign_key is None:
                    unkeyed_sets.setdefault(item.network, set()).add(day)
                else:
                    keyed_sets.setdefault((item.campaign_key, item.network), set()).add(day)
        return cls(
            plan=plan,
            goals=goals_sorted,
            active_goals=active,
            audiences={a.id: a for a in sorted(audiences, key=lambda a: a.id)},
            campaigns=campaigns,
            links=links,
            keyed={k: sorted(v) for k, v in keyed_sets.items()},
            unkeyed={k: _GapIndex(sorted(v)) for k, v in unkeyed_sets.items()},
            story_focus_on=configs["story_focus"].enabled,
        )

    def audience_of(self, campaign: CampaignIn) -> AudienceIn | None:
        if campaign.audience_id is None:
            return None
        return self.audiences.get(campaign.audience_id)


class _GapIndex:
    """Sorted day ordinals with a sparse table over consecutive differences.

    ``largest_gap(a, b)`` answers "the longest stretch without an item in [a, b], counting
    a and b as boundaries" in O(log n), so many overlapping campaigns cost no more than one.
    """

    __slots__ = ("days", "_table")

    def __init__(self, days: list[int]) -> None:
        self.days = days
        diffs = [(days[i + 1] - days[i], i) for i in range(len(days) - 1)]
        self._table: list[list[tuple[int, int]]] = [diffs]
        span = 1
        while span * 2 <= len(diffs):
            prev = self._table[-1]
            self._table.append([_wider(prev[i], prev[i + span]) for i in range(len(prev) - span)])
            span *= 2

    def _max_diff(self, lo: int, hi: int) -> tuple[int, int]:
        """Largest (difference, index) among diffs[lo..hi], inclusive."""
        level = (hi - lo + 1).bit_length() - 1
        row = self._table[level]
        return _wider(row[lo], row[hi - (1 << level) + 1])

    def count(self, a: int, b: int) -> int:
        return bisect_right(self.days, b) - bisect_left(self.days, a)

    def largest_gap(self, a: int, b: int) -> tuple[int, int, int]:
        """(gap days, gap start, gap end) inside [a, b]."""
        lo = bisect_left(self.days, a)
        hi = bisect_right(self.days, b) - 1
        if lo > hi:
            return b - a, a, b
        best = (self.days[lo] - a, a, self.days[lo])
        if hi > lo:
            diff, i = self._max_diff(lo, hi - 1)
            best = _longer(best, (diff, self.days[i], self.days[i + 1]))
        return _longer(best, (b - self.days[hi], self.days[hi], b))


def _wider(left: tuple[int, int], right: tuple[int, int]) -> tuple[int, int]:
    """The larger difference; on a tie the earlier one (determinism)."""
    return right if right[0] > left[0] else left


def _longer(best: tuple[int, int, int], other: tuple[int, int, int]) -> tuple[int, int, int]:
    return other if other[0] > best[0] else best


# --- the rules ------------------------------------------------------------------------------


def _campaign_params(campaign: CampaignIn, **extra) -> dict:
    return {"campaign": campaign.name, **extra}


def _check_campaign_without_goal(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        if not ctx.links[c.id]:
            yield _Raw("campaign_without_goal", c.id, None, _campaign_params(c))


def _check_goal_uncovered(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    served: set[int] = set()
    for goal_ids in ctx.links.values():
        served.update(goal_ids)
    for goal_id, goal in ctx.active_goals.items():
        if goal_id not in served:
            severity = "error" if goal.priority == "high" else "warning"
            params = {"goal": goal.title, "priority": goal.priority}
            yield _Raw("goal_uncovered", None, goal_id, params, severity)


def _check_audience_missing(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        if ctx.audience_of(c) is None:
            yield _Raw("audience_missing", c.id, None, _campaign_params(c))


def _check_network_not_used(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    threshold = float(cfg.params["threshold_percent"])
    for c in ctx.campaigns:
        audience = ctx.audience_of(c)
        if audience is None:
            continue
        for network in sorted(set(c.networks)):
            share = float(audience.networks.get(network, 0.0) or 0.0)
            if share < threshold:
                params = _campaign_params(
                    c,
                    kind="absent" if share <= 0 else "low",
                    network=network,
                    audience=audience.name,
                    share=round(share, 2),
                    threshold=threshold,
                )
                yield _Raw("network_not_used_by_audience", c.id, None, params)


def _check_kpi_objective_mismatch(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        expected = KPIS_FOR_OBJECTIVE.get(c.objective)
        if not c.kpi or expected is None or c.kpi in expected:
            continue
        if c.format == STORY_FORMAT and ctx.story_focus_on:
            continue  # story_focus is the stricter rule for stories; one finding is enough
        params = _campaign_params(c, objective=c.objective, kpi=c.kpi, expected=list(expected))
        yield _Raw("kpi_objective_mismatch", c.id, None, params)


def _check_story_focus(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        if c.format != STORY_FORMAT or not c.kpi:
            continue
        expected = STORY_KPI.get(c.objective)
        if expected is not None and c.kpi != expected:
            params = _campaign_params(c, objective=c.objective, kpi=c.kpi, expected=expected)
            yield _Raw("story_focus", c.id, None, params)


def _check_kpi_not_measurable(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        missing = []
        if not c.kpi:
            missing.append("kpi")
        if not _finite(c.kpi_baseline):
            missing.append("baseline")
        if not _finite(c.kpi_target):
            missing.append("target")
        if missing:
            yield _Raw("kpi_not_measurable", c.id, None, _campaign_params(c, missing=missing))


def _check_duration_unjustified(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        if not (c.duration_rationale or "").strip():
            params = _campaign_params(c, days=_days(c))
            yield _Raw("duration_unjustified", c.id, None, params)


def _check_duration_out_of_range(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    ranges = cfg.params["ranges"]
    for c in ctx.campaigns:
        bounds = ranges.get(c.objective)
        if bounds is None:
            continue
        days = _days(c)
        low, high = bounds
        if days < low or days > high:
            params = _campaign_params(
                c, objective=c.objective, days=days, min_days=int(low), max_days=int(high)
            )
            yield _Raw("duration_out_of_range", c.id, None, params)


def _check_campaign_after_goal_due(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        for goal_id in ctx.links[c.id]:
            goal = ctx.active_goals[goal_id]
            if c.end_date > goal.due_date:
                params = _campaign_params(
                    c,
                    goal=goal.title,
                    end_date=c.end_date.isoformat(),
                    due_date=goal.due_date.isoformat(),
                    days_late=(c.end_date - goal.due_date).days,
                )
                yield _Raw("campaign_after_goal_due", c.id, goal_id, params)


def _check_outside_plan_period(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    start, end = ctx.plan.period_start, ctx.plan.period_end
    for c in ctx.campaigns:
        if c.start_date < start or c.end_date > end:
            params = _campaign_params(
                c,
                start_date=c.start_date.isoformat(),
                end_date=c.end_date.isoformat(),
                period_start=start.isoformat(),
                period_end=end.isoformat(),
            )
            yield _Raw("outside_plan_period", c.id, None, params)


def _check_engagers_unknown(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        audience = ctx.audience_of(c)
        if audience is not None and not (audience.engages or "").strip():
            params = _campaign_params(c, audience=audience.name)
            yield _Raw("engagers_unknown", c.id, None, params)


def _check_calendar_gap(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    max_gap = int(cfg.params["max_gap_days"])
    empty: list[int] = []
    for c in ctx.campaigns:
        start, end = c.start_date.toordinal(), c.end_date.toordinal()
        if end < start:
            continue  # nonsense dates: the duration rule reports them
        for network in sorted(set(c.networks)):
            own = ctx.keyed.get((c.key, network), empty) if c.key is not None else empty
            shared = ctx.unkeyed.get(network)
            # The campaign's own items split its dates into segments; in each, the shared
            # (unkeyed) items answer "longest stretch with nothing" from the sparse table.
            lo, hi = bisect_left(own, start), bisect_right(own, end)
            inside = own[lo:hi]
            count = len(inside) + (shared.count(start, end) if shared else 0)
            common = {"network": network, "max_gap_days": max_gap}
            if count == 0:
                params = _campaign_params(
                    c,
                    kind="empty",
                    start_date=c.start_date.isoformat(),
                    end_date=c.end_date.isoformat(),
                    **common,
                )
                yield _Raw("calendar_gap", c.id, None, params)
                continue
            bounds = [start, *inside, end]
            best = (-1, start, start)
            for a, b in zip(bounds, bounds[1:], strict=False):
                gap = shared.largest_gap(a, b) if shared else (b - a, a, b)
                best = _longer(best, gap)
            if best[0] > max_gap:
                params = _campaign_params(
                    c,
                    kind="gap",
                    gap_days=best[0],
                    gap_start=date.fromordinal(best[1]).isoformat(),
                    gap_end=date.fromordinal(best[2]).isoformat(),
                    **common,
                )
                yield _Raw("calendar_gap", c.id, None, params)


def _check_customer_care_missing(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    for c in ctx.campaigns:
        if c.objective == CUSTOMER_CARE_OBJECTIVE or c.kpi == RESPONSE_TIME_KPI:
            return
    yield _Raw("customer_care_missing", None, None, {"campaigns": len(ctx.campaigns)})


def _check_capability_gap(ctx: _Context, cfg: Effective) -> Iterator[_Raw]:
    team = ctx.plan.team_skills
    if team is None:
        return  # no team recorded: nothing to compare the plan with
    threshold = int(cfg.params["min_rating"])
    for c in ctx.campaigns:
        for skill in skills_needed(c.networks, c.format, c.objective, c.budget):
            rating = int(team.get(skill, 0) or 0)
            if rating < threshold:
                params = _campaign_params(c, skill=skill, rating=rating, threshold=threshold)
                yield _Raw("capability_gap", c.id, None, params)


_CHECKS = (
    ("campaign_without_goal", _check_campaign_without_goal),
    ("goal_uncovered", _check_goal_uncovered),
    ("audience_missing", _check_audience_missing),
    ("network_not_used_by_audience", _check_network_not_used),
    ("kpi_objective_mismatch", _check_kpi_objective_mismatch),
    ("story_focus", _check_story_focus),
    ("kpi_not_measurable", _check_kpi_not_measurable),
    ("duration_unjustified", _check_duration_unjustified),
    ("duration_out_of_range", _check_duration_out_of_range),
    ("campaign_after_goal_due", _check_campaign_after_goal_due),
    ("outside_plan_period", _check_outside_plan_period),
    ("engagers_unknown", _check_engagers_unknown),
    ("calendar_gap", _check_calendar_gap),
    ("customer_care_missing", _check_customer_care_missing),
    ("capability_gap", _check_capability_gap),
)
assert [rule for rule, _ in _CHECKS] == list(RULES), "every rule has exactly one check"


# --- finishing ------------------------------------------------------------------------------


def _finish(raw: _Raw, cfg: Effective, locale: str) -> FindingOut:
    severity = cfg.severity or raw.severity or RULES[raw.rule].severity
    message, fix = messages.render(raw.rule, raw.params, locale)
    return FindingOut(
        rule=raw.rule,
        severity=severity,
        campaign_id=raw.campaign_id,
        goal_id=raw.goal_id,
        params=raw.params,
        message=message,
        fix=fix,
    )


def _sort_key(f: FindingOut) -> tuple:
    return (
        SEVERITY_RANK[f.severity],
        RULE_ORDER[f.rule],
        -1 if f.campaign_id is None else f.campaign_id,
        -1 if f.goal_id is None else f.goal_id,
        json.dumps(f.params, sort_keys=True),
    )


def _days(c: CampaignIn) -> int:
    """Length in days, both ends included (1 April to 14 April is 14 days)."""
    return (c.end_date - c.start_date).days + 1


def _finite(value: float | None) -> bool:
    return value is not None and isinstance(value, int | float) and math.isfinite(value)
