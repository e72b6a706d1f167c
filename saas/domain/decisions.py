"""What leadership should decide: one rule shared by the board report and the leader's landing.

Pure: it takes plain facts about the brand (its goals with their progress, the campaigns whose
network misses their audience, the review's duration and KPI findings) and answers with
*actions*, each carrying the figures that justify it, most pressing first.  Nothing is ever
padded: a brand with one problem gets one decision, a healthy brand none, so "nothing needs
your decision" can be true.

The ranking, for people who will argue with it:

1. fund a campaign for an uncovered **high-priority** goal;
2. catch up on a high-priority goal that is **behind**;
3. **move budget** from a network the campaign's audience does not use to the one it uses most;
4. catch up on any other goal that is behind;
5. tie a campaign that serves **no goal** to one, or stop it;
6. fund a campaign for an uncovered medium- or low-priority goal;
7. act on a goal **at risk**;
8. fix a campaign's **duration** or **KPI**;
9. have the plan reviewed (only when nothing has been reviewed yet).

Within a step the bigger gap comes first: the goal furthest behind its schedule, the larger
budget, the campaign furthest outside its range; ties keep the input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

_PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
DURATION_RULES = ("duration_out_of_range",)
KPI_RULES = ("kpi_objective_mismatch", "story_focus", "kpi_not_measurable")
FIX_RULES = DURATION_RULES + KPI_RULES
_EMPTY: Mapping[str, Any] = MappingProxyType({})

# Decision kinds, in the order of the module docstring (a tier per line there).
KINDS = (
    "fund_goal",
    "catch_up",
    "move_budget",
    "link_campaign",
    "at_risk",
    "fix_duration",
    "fix_kpi",
    "no_review",
)


@dataclass(frozen=True)
class GoalFacts:
    """A goal as leadership sees it: its figures, its progress and whether a campaign serves it."""

    title: str
    priority: str
    status: str  # on_track | at_risk | behind | achieved
    baseline: float
    latest: float | None
    target: float
    due: date
    percent_complete: float = 0.0
    percent_elapsed: float = 0.0
    unit: str = ""
    covered: bool = True

    @property
    def gap(self) -> float:
        """Points of completion the goal trails the time that has passed."""
        return self.percent_elapsed - self.percent_complete


@dataclass(frozen=True)
class NetworkMiss:
    """A campaign on a network its audience hardly uses (``network_not_used_by_audience``).

    ``shares`` are the audience's network shares in percent, as the audiences model holds them.
    """

    campaign: str
    network: str
    audience: str
    shares: Mapping[str, float]
    budget: float | None = None

    @property
    def share(self) -> float:
        return float(self.shares.get(self.network, 0.0) or 0.0)

    @property
    def best(self) -> tuple[str, float] | None:
        """The audience's most used network (the first one on a tie), unless it is this one."""
        ranked = sorted(
            ((n, float(s)) for n, s in self.shares.items() if n != self.network and s),
            key=lambda item: -item[1],
        )
        return ranked[0] if ranked else None


@dataclass(frozen=True)
class CampaignFix:
    """A review finding about one campaign's duration or KPI: its rule and parameters."""

    rule: str
    campaign: str
    params: Mapping[str, Any] = field(default_factory=dict)
    budget: float | None = None


@dataclass(frozen=True)
class Decision:
    """One action for leadership.

    ``subject`` is the user-entered name it is about (a goal or a campaign); ``figures`` are
    the raw numbers, dates and vocabulary ids that justify it, formatted later for a locale.
    """

    kind: str
    subject: str = ""
    figures: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.subject,) if self.subject else ()

    @property
    def n(self) -> int:
        """How many things the decision is about (for plural forms)."""
        return len(self.names) or 1


def _goal_figures(g: GoalFacts) -> dict[str, Any]:
    return {
        "priority": g.priority,
        "status": g.status,
        "baseline": g.baseline,
        "latest": g.latest,
        "target": g.target,
        "due": g.due,
        "unit": g.unit,
        "percent_complete": g.percent_complete,
        "percent_elapsed": g.percent_elapsed,
    }


def _fix_decision(fix: CampaignFix) -> tuple[float, Decision] | None:
    """A duration or KPI finding as an action, with how far off it is (bigger first)."""
    p = dict(fix.params)
    if fix.rule == "duration_out_of_range":
        days, low, high = p.get("days"), p.get("min_days"), p.get("max_days")
        if not all(isinstance(v, int | float) for v in (days, low, high)):
            return None
        longer = days > high  # type: ignore[operator]
        off = (days - high) if longer else (low - days)  # type: ignore[operator]
        figures = {
            "rule": fix.rule,
            "days": days,
            "min_days": low,
            "max_days": high,
            "objective": p.get("objective"),
            "direction": "shorten" if longer else "lengthen",
        }
        return float(off), Decision("fix_duration", fix.campaign, MappingProxyType(figures))
    if fix.rule in ("kpi_objective_mismatch", "story_focus"):
        expected = p.get("expected")
        expected = [expected] if isinstance(expected, str) else list(expected or [])
        if not p.get("kpi") or not expected:
            return None
        figures = {
            "rule": fix.rule,
            "kpi": p.get("kpi"),
            "expected": tuple(expected),
            "objective": p.get("objective"),
        }
        return 0.0, Decision("fix_kpi", fix.campaign, MappingProxyType(figures))
    if fix.rule == "kpi_not_measurable":
        missing = tuple(str(m) for m in p.get("missing") or ())
        if not missing:
            return None
        figures = {"rule": fix.rule, "missing": missing}
        return 0.0, Decision("fix_kpi", fix.campaign, MappingProxyType(figures))
    return None


def decisions_needed(
    goals: Iterable[GoalFacts],
    *,
    misses: Iterable[NetworkMiss] = (),
    orphans: Iterable[tuple[str, float | None]] = (),
    fixes: Iterable[CampaignFix] = (),
    reviewed: bool = True,
    limit: int | None = None,
) -> list[Decision]:
    """The actions, most pressing first (see the module docstring); never padded.

    ``orphans`` are campaigns that serve no goal, as (name, budget).
    """
    ranked: list[tuple[tuple[float, ...], Decision]] = []

    def add(tier: float, weight: float, decision: Decision) -> None:
        ranked.append(((tier, -weight, len(ranked)), decision))

    for g in goals:
        figures = MappingProxyType(_goal_figures(g))
        rank = _PRIORITY_RANK.get(g.priority, 1)
        if not g.covered and g.status != "achieved":
            add((0, 5, 5.5)[rank], g.gap, Decision("fund_goal", g.title, figures))
        elif g.status == "behind":
            add(1 if rank == 0 else 3, g.gap, Decision("catch_up", g.title, figures))
        elif g.status == "at_risk":
            add(6, g.gap, Decision("at_risk", g.title, figures))
    for m in misses:
        best = m.best
        if best is None:
            continue
        figures = {
            "network": m.network,
            "share": m.share,
            "to_network": best[0],
            "to_share": best[1],
            "audience": m.audience,
            "budget": m.budget,
        }
        add(
            2,
            (m.budget or 0.0) + best[1] - m.share,
            Decision("move_budget", m.campaign, MappingProxyType(figures)),
        )
    for name, budget in orphans:
        add(4, budget or 0.0, Decision("link_campaign", name, MappingProxyType({"budget": budget})))
    for fix in fixes:
        found = _fix_decision(fix)
        if found is not None:
            add(7, found[0], found[1])
    if not reviewed:
        add(8, 0.0, Decision("no_review"))
    ranked.sort(key=lambda item: item[0])
    out = _unique([d for _key, d in ranked])
    return out[:limit] if limit is not None else out


def _unique(decisions: list[Decision]) -> list[Decision]:
    """One decision per kind and subject (a campaign on two wrong networks: the worse one)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for d in decisions:
        key = (d.kind, d.subject, str(d.figures.get("rule", "")))
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
