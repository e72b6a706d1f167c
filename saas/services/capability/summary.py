"""The capability summary of a brand, for its leaders: what the team is strong in, which
gaps put the company's goals at risk, and how much protected learning time was used.

* **Strengths**: skills where the team's strongest counted rating is at least
  ``STRENGTH_AT`` (3, "independent").
* **Gaps that put goals at risk**: skills the campaigns of the brand's current plans need
  (``saas.domain.alignment.rules.skills_needed``, the engine's own table) whose strongest
  counted rating is below the brand's effective ``capability_gap`` threshold, exactly as
  the next review would raise them.  The current plans are those in review or approved
  (the ones the reader may see: a client leader sees approved plans only), each by its
  latest revision.  Each gap names its campaigns and their linked goals, goals ranked
  high priority first; gaps are ranked by the most important goal they touch.
* **Learning hours**: done against committed (the per-person budget times the active
  members) this month in the brand's time zone (``saas.services.learning.month_hours``),
  and the skills planned learning items are working on.

A fixed number of queries whatever the number of members, plans, campaigns or items; reads
only, in the caller's tenant scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial

from sqlalchemy import func, select

from saas.domain import plan_workflow
from saas.domain.alignment.rules import Effective, effective, skills_needed
from saas.extensions import db
from saas.models import Brand
from saas.models.capability import LearningItem, Skill
from saas.models.goals import Goal
from saas.models.plans import Campaign, CampaignGoal, Plan, PlanRevision
from saas.services import learning
from saas.services import methodology as methodology_service
from saas.services.capability.matrix import active_members, latest_cells, strongest

STRENGTH_AT = 3  # "independent": the team can do this without help
CURRENT_PLAN_STATUSES = ("submitted", "in_review", "approved")
PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}
RULE = "capability_gap"


@dataclass(frozen=True)
class SkillName:
    key: str
    name_en: str
    name_ar: str
    position: int = 10_000

    def name(self, locale: str | None) -> str:
        """The skill's name in ``locale`` (Arabic when it starts with "ar")."""
        return self.name_ar if (locale or "").startswith("ar") else self.name_en


@dataclass(frozen=True)
class Strength:
    skill: SkillName
    rating: int


@dataclass(frozen=True)
class GoalAtRisk:
    id: int
    title: str
    priority: str

    @property
    def high(self) -> bool:
        return self.priority == "high"


@dataclass(frozen=True)
class CampaignNeed:
    id: int
    name: str
    plan_id: int
    plan_title: str
    goals: tuple[GoalAtRisk, ...]


@dataclass(frozen=True)
class Gap:
    skill: SkillName
    skill_id: int | None  # the catalogue row (None: a key the agency's catalogue lacks)
    rating: int  # the team's strongest counted rating (0: nobody rated)
    threshold: int
    campaigns: tuple[CampaignNeed, ...]
    goals: tuple[GoalAtRisk, ...]  # every linked goal once, high priority first

    @property
    def touches_high_priority(self) -> bool:
        return any(g.high for g in self.goals)

    @property
    def high_goals(self) -> tuple[GoalAtRisk, ...]:
        return tuple(g for g in self.goals if g.high)


@dataclass(frozen=True)
class Hours:
    done: float
    committed: float  # per-person budget × active members
    planned: float
    per_person: float | None

    @property
    def percent(self) -> int:
        """Done as a share of committed, 0–100 (for the bar)."""
        if self.committed <= 0:
            return 0
        return max(0, min(100, round(self.done * 100 / self.committed)))


@dataclass
class CapabilitySummary:
    members: int
    # The brand's effective capability_gap rule, read when first asked for: a brand
    # without a team shows only the empty card, so its page need not read the settings.
    rule: Callable[[], Effective] = field(repr=False, compare=False)
    strengths: list[Strength] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    hours: Hours | None = None
    learning: list[SkillName] = field(default_factory=list)  # skills of planned items

    @cached_property
    def _config(self) -> Effective:
        return self.rule()

    @property
    def threshold(self) -> int:
        return int(self._config.params.get("min_rating", 2))

    @property
    def rule_enabled(self) -> bool:
        return bool(self._config.enabled)

    @property
    def has_team(self) -> bool:
        return self.members > 0

    @property
    def empty(self) -> bool:
        return not self.has_team

    @property
    def high_priority_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.touches_high_priority]


def _catalogue() -> tuple[dict[str, SkillName], dict[str, int], set[str]]:
    """The agency's skills by key (names, ids, retired keys), read without seeding."""
    names: dict[str, SkillName] = {}
    ids: dict[str, int] = {}
    retired: set[str] = set()
    for s in db.session.scalars(select(Skill).order_by(Skill.position, Skill.id)):
        names[s.key] = SkillName(s.key, s.name_en, s.name_ar, s.position)
        ids[s.key] = s.id
        if s.retired:
            retired.add(s.key)
    return names, ids, retired


def _named(key: str, names: dict[str, SkillName]) -> SkillName:
    return names.get(key) or SkillName(key, key, key)


def _current_revisions(brand_id: int, role: str | None) -> list[tuple[int, int, str]]:
    """(revision id, plan id, plan title) of the latest revision of each current plan the
    role may see.  One query."""
    statuses = [
        s
        for s in CURRENT_PLAN_STATUSES
        if role is None or plan_workflow.can_view(s, role)  # leaders: approved plans only
    ]
    if not statuses:
        return []
    latest = (
        select(PlanRevision.plan_id, func.max(PlanRevision.number).label("number"))
        .where(PlanRevision.brand_id == brand_id)
        .group_by(PlanRevision.plan_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PlanRevision.id, Plan.id, Plan.title)
        .join(Plan, Plan.id == PlanRevision.plan_id)
        .join(
            latest,
            (latest.c.plan_id == PlanRevision.plan_id) & (latest.c.number == PlanRevision.number),
        )
        .where(Plan.brand_id == brand_id, Plan.status.in_(statuses))
        .order_by(Plan.period_start, Plan.id)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _campaigns(revisions: list[tuple[int, int, str]]) -> list[tuple[Campaign, int, str]]:
    if not revisions:
        return []
    plan_of = {rev: (plan_id, title) for rev, plan_id, title in revisions}
    rows = db.session.scalars(
        select(Campaign)
        .where(Campaign.revision_id.in_(list(plan_of)))
        .order_by(Campaign.revision_id, Campaign.position, Campaign.id)
    )
    return [(c, *plan_of[c.revision_id]) for c in rows]


def _goals_of(campaign_ids: list[int]) -> dict[int, list[GoalAtRisk]]:
    out: dict[int, list[GoalAtRisk]] = {}
    if not campaign_ids:
        return out
    rows = db.session.execute(
        select(CampaignGoal.campaign_id, Goal.id, Goal.title, Goal.priority)
        .join(Goal, Goal.id == CampaignGoal.goal_id)
        .where(CampaignGoal.campaign_id.in_(campaign_ids), Goal.status == "active")
        .order_by(Goal.id)
    )
    for campaign_id, goal_id, title, priority in rows:
        out.setdefault(campaign_id, []).append(GoalAtRisk(goal_id, title, priority or "medium"))
    return out


def _ranked_goals(goals: Iterable[GoalAtRisk]) -> tuple[GoalAtRisk, ...]:
    unique = {g.id: g for g in goals}
    return tuple(sorted(unique.values(), key=lambda g: (PRIORITY_RANK.get(g.priority, 9), g.id)))


def _gaps(
    brand_id: int,
    role: str | None,
    best: dict[str, int],
    threshold: int,
    names: dict[str, SkillName],
    ids: dict[str, int],
) -> list[Gap]:
    campaigns = _campaigns(_current_revisions(brand_id, role))
    goals_of = _goals_of([c.id for c, _p, _t in campaigns])
    needs: dict[str, list[CampaignNeed]] = {}
    for c, plan_id, plan_title in campaigns:
        budget = float(c.budget) if c.budget is not None else None
        needed = skills_needed(tuple(c.networks or ()), c.format, c.objective, budget)
        for key in needed:
            if int(best.get(key, 0) or 0) < threshold:
                need = CampaignNeed(
                    c.id, c.name, plan_id, plan_title, _ranked_goals(goals_of.get(c.id, ()))
                )
                needs.setdefault(key, []).append(need)
    gaps = [
        Gap(
            skill=_named(key, names),
            skill_id=ids.get(key),
            rating=int(best.get(key, 0) or 0),
            threshold=threshold,
            campaigns=tuple(found),
            goals=_ranked_goals(g for need in found for g in need.goals),
        )
        for key, found in needs.items()
    ]

    def rank(gap: Gap) -> tuple[int, int, int, int, str]:
        top = min((PRIORITY_RANK.get(g.priority, 9) for g in gap.goals), default=9)
        return (top, gap.rating, -len(gap.campaigns), gap.skill.position, gap.skill.key)

    return sorted(gaps, key=rank)


def _learning_skills(brand_id: int, names: dict[str, SkillName]) -> list[SkillName]:
    keys = db.session.scalars(
        select(LearningItem.skill_key)
        .where(
            LearningItem.brand_id == brand_id,
            LearningItem.status == "planned",
            LearningItem.skill_key.is_not(None),
        )
        .distinct()
    )
    return sorted((_named(k, names) for k in keys if k), key=lambda s: (s.position, s.key))


def gaps_for(brand: Brand, role: str | None = None) -> tuple[list[Gap], int]:
    """Only the gaps (ranked) and the threshold: for the agenda, without the hours."""
    cfg = effective(RULE, methodology_service.settings_for(brand.id))
    threshold = int(cfg.params.get("min_rating", 2))
    members = active_members(brand.id)
    if not members or not cfg.enabled:
        return [], threshold
    best = strongest(latest_cells(brand.id, [m.id for m in members]))
    names, ids, _retired = _catalogue()
    return _gaps(brand.id, role, best, threshold, names, ids), threshold


def _rule_config(brand_id: int) -> Effective:
    return effective(RULE, methodology_service.settings_for(brand_id))


def capability_summary(
    brand: Brand,
    role: str | None = None,
    *,
    today: date | None = None,
    team_size: int | None = None,
) -> CapabilitySummary:
    """The brand's capability summary as ``role`` may see it (``None``: everything, for the
    agency's own reports).  ``team_size``: the active members, when the caller has counted
    them (the brand overview, in its one-row query): none means nothing more to read."""
    members = [] if team_size == 0 else active_members(brand.id)
    if not members:
        return CapabilitySummary(members=0, rule=partial(_rule_config, brand.id))
    cfg = _rule_config(brand.id)
    threshold = int(cfg.params.get("min_rating", 2))
    summary = CapabilitySummary(members=len(members), rule=lambda: cfg)
    best = strongest(latest_cells(brand.id, [m.id for m in members]))
    names, ids, retired = _catalogue()
    summary.strengths = sorted(
        (
            Strength(_named(key, names), rating)
            for key, rating in best.items()
            if rating >= STRENGTH_AT and key not in retired
        ),
        key=lambda s: (-s.rating, s.skill.position, s.skill.key),
    )
    if cfg.enabled:
        summary.gaps = _gaps(brand.id, role, best, threshold, names, ids)
    day = today or learning.today_for(brand)
    month = learning.month_hours(brand, day.year, day.month)
    summary.hours = Hours(
        done=month.done,
        committed=month.team_budget,
        planned=month.planned,
        per_person=month.budget_per_person,
    )
    summary.learning = _learning_skills(brand.id, names)
    return summary


__all__ = [
    "CURRENT_PLAN_STATUSES",
    "STRENGTH_AT",
    "CampaignNeed",
    "CapabilitySummary",
    "Gap",
    "GoalAtRisk",
    "Hours",
    "SkillName",
    "Strength",
    "capability_summary",
    "gaps_for",
]
