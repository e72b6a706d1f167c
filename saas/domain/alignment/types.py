"""The engine's inputs and outputs: plain frozen dataclasses, no ORM, no Flask.

The review service maps ORM rows to these; the engine never sees a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class GoalIn:
    id: int
    title: str
    metric: str
    baseline: float
    target: float
    due_date: date
    priority: str = "medium"  # high | medium | low
    weight: float | None = None
    status: str = "active"  # active | achieved | dropped


@dataclass(frozen=True)
class AudienceIn:
    id: int
    name: str
    networks: dict[str, float]  # network -> share in percent (0-100)
    engages: str | None = None


@dataclass(frozen=True)
class GoalLinkIn:
    goal_id: int
    contribution: float | None = None


@dataclass(frozen=True)
class CampaignIn:
    id: int
    name: str
    networks: tuple[str, ...]
    format: str
    objective: str
    kpi: str | None
    kpi_baseline: float | None
    kpi_target: float | None
    audience_id: int | None
    start_date: date
    end_date: date
    duration_rationale: str | None
    budget: float | None
    goal_links: tuple[GoalLinkIn, ...] = ()
    # Stable across revisions; calendar items name their campaign by it (None: no key).
    key: str | None = None


@dataclass(frozen=True)
class CalendarItemIn:
    date: date
    network: str
    format: str
    campaign_key: str | None = None


@dataclass(frozen=True)
class PlanIn:
    period_start: date
    period_end: date
    campaigns: tuple[CampaignIn, ...]
    calendar: tuple[CalendarItemIn, ...] = ()
    # Skill key -> the team's strongest counted rating (0-4); a skill nobody is rated in is
    # absent.  None: the brand has no team recorded, so capability_gap stays silent.
    team_skills: Mapping[str, int] | None = None


@dataclass(frozen=True)
class RuleConfig:
    """One rule's setting after agency defaults and brand overrides are merged."""

    enabled: bool = True
    severity: str | None = None  # None: the rule decides (e.g. by goal priority)
    weight: float = 1.0
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """rule id -> RuleConfig; rules not listed use their defaults."""

    rules: dict[str, RuleConfig] = field(default_factory=dict)


@dataclass(frozen=True)
class FindingOut:
    rule: str
    severity: str  # error | warning | info
    campaign_id: int | None
    goal_id: int | None
    params: dict[str, Any]  # enough to render message and fix in any language
    message: str  # in the requested locale
    fix: str  # suggested fix, in the requested locale


@dataclass(frozen=True)
class Result:
    findings: tuple[FindingOut, ...]
    # coverage[goal_id][campaign_id] = strength 0..1, one row per active goal.  Sparse: a
    # campaign that does not serve the goal is absent (read it as 0: ``row.get(cid, 0.0)``),
    # so the matrix stays linear in the plan's size.
    coverage: dict[int, dict[int, float]]
    campaign_scores: dict[int, int]  # 0-100
    goal_scores: dict[int, int]  # 0-100
    score: int  # 0-100
    verdict: str  # aligned | needs_changes | misaligned
