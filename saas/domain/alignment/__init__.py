"""The alignment engine: checks a plan revision against a brand's goals and audiences.

Pure Python (no Flask, no database).  Entry point: ``evaluate``; types in ``types``; rule
metadata and defaults in ``RULES``; message catalogue in ``messages``; ready-made inputs in
``samples``.  Rules and scoring are documented in docs/ALIGNMENT.md.
"""

from saas.domain.alignment.engine import evaluate
from saas.domain.alignment.rules import (
    DEFAULT_DURATION_RANGES,
    KPIS_FOR_OBJECTIVE,
    RULES,
    SEVERITIES,
    STORY_KPI,
    merge_settings,
    validate_settings,
)
from saas.domain.alignment.scoring import Scores, rescore
from saas.domain.alignment.types import (
    AudienceIn,
    CalendarItemIn,
    CampaignIn,
    FindingOut,
    GoalIn,
    GoalLinkIn,
    PlanIn,
    Result,
    RuleConfig,
    Settings,
)

__all__ = [
    "DEFAULT_DURATION_RANGES",
    "KPIS_FOR_OBJECTIVE",
    "RULES",
    "SEVERITIES",
    "STORY_KPI",
    "AudienceIn",
    "CalendarItemIn",
    "CampaignIn",
    "FindingOut",
    "GoalIn",
    "GoalLinkIn",
    "PlanIn",
    "Result",
    "RuleConfig",
    "Scores",
    "Settings",
    "evaluate",
    "merge_settings",
    "rescore",
    "validate_settings",
]
