"""The rules' metadata and the planning tables they rely on.

Everything an agency can tune lives here as a default: severity, weight and parameters.
``docs/ALIGNMENT.md`` documents the same tables for people; a test keeps them in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from saas.domain.alignment.types import RuleConfig, Settings

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

# Which KPIs measure which campaign objective (kpi_objective_mismatch).
KPIS_FOR_OBJECTIVE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "awareness": ("views", "reach", "impressions"),
        "engagement": ("replies", "comments", "shares", "engagement_rate"),
        "traffic": ("visits", "link_clicks"),
        "leads": ("leads",),
        "conversions": ("conversions", "revenue"),
        "customer_care": ("response_time", "resolution_rate", "replies"),
        "community": ("community_growth", "followers", "comments", "engagement_rate"),
    }
)

# The one KPI a Stories campaign should chase for its objective (story_focus).
STORY_KPI: Mapping[str, str] = MappingProxyType(
    {
        "awareness": "views",
        "engagement": "replies",
        "community": "replies",
        "customer_care": "replies",
        "traffic": "visits",
        "leads": "visits",
        "conversions": "visits",
    }
)

# Sensible campaign lengths in days (inclusive of both ends), per objective.
DEFAULT_DURATION_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "awareness": (14, 90),
        "engagement": (14, 120),
        "traffic": (7, 60),
        "leads": (14, 90),
        "conversions": (7, 60),
        "customer_care": (30, 366),
        "community": (30, 366),
    }
)

# The skills a campaign needs (capability_gap), by the keys of the default skills catalogue.
# Each network needs the skill of the same key; the other rows add skills by format,
# objective and paid budget.  Planning skills (strategy_planning, campaign_planning) are not
# asked per campaign: the partner works on them with the team in the review itself.
SKILL_FOR_FORMAT: Mapping[str, str] = MappingProxyType(
    {
        "short_video": "short_video",
        "story": "short_video",
        "live": "short_video",
        "long_video": "content_creation",
        "post": "content_creation",
        "carousel": "content_creation",
        "ad": "paid_social",
        "message": "community_management",
    }
)
SKILL_FOR_OBJECTIVE: Mapping[str, str] = MappingProxyType(
    {
        "customer_care": "customer_care",
        "community": "community_management",
        "conversions": "social_commerce",
    }
)
PAID_SKILL = "paid_social"  # any budget above zero
SKILL_LEVELS = (0, 1, 2, 3, 4)  # none, aware, practising with help, independent, can teach

STORY_FORMAT = "story"
CUSTOMER_CARE_OBJECTIVE = "customer_care"
RESPONSE_TIME_KPI = "response_time"


@dataclass(frozen=True)
class Rule:
    """A rule's identity and defaults.

    ``subject`` says what a finding is about: ``campaign``, ``goal`` or ``plan`` (then neither
    id is set).  ``params`` are the tunable parameters and their defaults.
    """

    id: str
    subject: str
    severity: str
    weight: float = 1.0
    params: Mapping[str, Any] = field(default_factory=dict)


_RULE_LIST = (
    Rule("campaign_without_goal", "campaign", "error"),
    Rule("goal_uncovered", "goal", "error"),  # error for high priority, warning otherwise
    Rule("audience_missing", "campaign", "warning"),
    Rule("network_not_used_by_audience", "campaign", "warning", params={"threshold_percent": 10.0}),
    Rule("kpi_objective_mismatch", "campaign", "warning"),
    Rule("story_focus", "campaign", "warning"),
    Rule("kpi_not_measurable", "campaign", "warning"),
    Rule("duration_unjustified", "campaign", "warning"),
    Rule(
        "duration_out_of_range",
        "campaign",
        "warning",
        params={"ranges": {k: list(v) for k, v in DEFAULT_DURATION_RANGES.items()}},
    ),
    Rule("campaign_after_goal_due", "campaign", "warning"),
    Rule("outside_plan_period", "campaign", "warning"),
    Rule("engagers_unknown", "campaign", "info"),
    Rule("calendar_gap", "campaign", "warning", params={"max_gap_days": 14}),
    Rule("customer_care_missing", "plan", "warning"),
    Rule("capability_gap", "campaign", "warning", params={"min_rating": 2}),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in _RULE_LIST})
RULE_ORDER: Mapping[str, int] = MappingProxyType({r.id: i for i, r in enumerate(_RULE_LIST)})


@dataclass(frozen=True)
class Effective:
    """A rule's configuration after the agency's settings are applied to the defaults."""

    enabled: bool
    severity: str | None  # None: the rule's own default (goal_uncovered: by priority)
    weight: float
    params: Mapping[str, Any]


def skills_needed(
    networks: tuple[str, ...], fmt: str, objective: str, budget: float | None
) -> tuple[str, ...]:
    """The skill keys a campaign needs, sorted: its networks, format, objective and ads."""
    needed = set(networks)
    for skill in (SKILL_FOR_FORMAT.get(fmt), SKILL_FOR_OBJECTIVE.get(objective)):
        if skill:
            needed.add(skill)
    if budget is not None and _is_number(budget) and budget > 0:
        needed.add(PAID_SKILL)
    return tuple(sorted(needed))


def effective(rule_id: str, settings: Settings | None) -> Effective:
    """Merge ``settings`` over the rule's defaults.

    Tolerant on purpose: an unknown severity or a malformed parameter falls back to the
    default rather than failing a review (``validate_settings`` is for the forms).
    """
    rule = RULES[rule_id]
    config = (settings.rules.get(rule_id) if settings else None) or RuleConfig()
    severity = config.severity if config.severity in SEVERITIES else None
    weight = config.weight if _is_number(config.weight) and config.weight >= 0 else rule.weight
    params = dict(rule.params)
    given = config.params or {}
    if rule_id == "network_not_used_by_audience":
        value = given.get("threshold_percent")
        if _is_number(value) and 0 <= value <= 100:
            params["threshold_percent"] = float(value)
    elif rule_id == "calendar_gap":
        value = given.get("max_gap_days")
        if _is_number(value) and value >= 1:
            params["max_gap_days"] = int(value)
    elif rule_id == "capability_gap":
        value = given.get("min_rating")
        if _is_number(value) and 1 <= value <= 4:
            params["min_rating"] = int(value)
    elif rule_id == "duration_out_of_range":
        ranges = {k: tuple(v) for k, v in DEFAULT_DURATION_RANGES.items()}
        for objective, pair in sorted((given.get("ranges") or {}).items()):
            if _valid_range(pair):
                ranges[str(objective)] = (int(pair[0]), int(pair[1]))
        params["ranges"] = ranges
    return Effective(bool(config.enabled), severity, float(weight), MappingProxyType(params))


def validate_settings(settings: Settings) -> dict[str, str]:
    """Problems in an agency's settings, keyed like ``rules.calendar_gap.params.max_gap_days``.

    Messages are short English developer text; forms translate by key.  Empty: all good.
    """
    problems: dict[str, str] = {}
    for rule_id in sorted(settings.rules):
        config = settings.rules[rule_id]
        prefix = f"rules.{rule_id}"
        if rule_id not in RULES:
            problems[prefix] = "unknown rule"
            continue
        if config.severity is not None and config.severity not in SEVERITIES:
            problems[f"{prefix}.severity"] = "must be error, warning or info"
        if not _is_number(config.weight) or not 0 <= config.weight <= 10:
            problems[f"{prefix}.weight"] = "must be a number from 0 to 10"
        params = config.params or {}
        for name in sorted(params):
            key = f"{prefix}.params.{name}"
            value = params[name]
            if name not in RULES[rule_id].params:
                problems[key] = "unknown parameter"
            elif name == "threshold_percent" and not (_is_number(value) and 0 <= value <= 100):
                problems[key] = "must be a percentage from 0 to 100"
            elif name == "min_rating" and not (_is_number(value) and 1 <= value <= 4):
                problems[key] = "must be a rating from 1 to 4"
            elif name == "max_gap_days" and not (_is_number(value) and 1 <= value <= 366):
                problems[key] = "must be a number of days from 1 to 366"
            elif name == "ranges":
                if not isinstance(value, Mapping):
                    problems[key] = "must map objectives to [min, max] days"
                    continue
                for objective in sorted(value, key=str):
                    if not _valid_range(value[objective]):
                        problems[f"{key}.{objective}"] = "must be [min, max] days, 1 ≤ min ≤ max"
    return problems


def merge_settings(*layers: Mapping[str, Mapping[str, Any]]) -> Settings:
    """Settings from layers of partial rule settings, later layers winning.

    Each layer maps a rule id to ``{"enabled", "severity", "weight", "params"}`` where a
    missing or ``None`` value inherits from the layer below (the agency default, then the
    built-in default); ``params`` merge key by key (``ranges`` objective by objective).
    Typical use: ``merge_settings(agency_rows, brand_rows)``.
    """
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for rule_id in sorted(layer):
            if rule_id not in RULES:
                continue
            partial = layer[rule_id] or {}
            into = merged.setdefault(rule_id, {"params": {}})
            for name in ("enabled", "severity", "weight"):
                if partial.get(name) is not None:
                    into[name] = partial[name]
            for name, value in sorted((partial.get("params") or {}).items()):
                if name == "ranges" and isinstance(value, Mapping):
                    into["params"]["ranges"] = {**into["params"].get("ranges", {}), **value}
                elif value is not None:
                    into["params"][name] = value
    return Settings(
        rules={
            rule_id: RuleConfig(
                enabled=bool(values.get("enabled", True)),
                severity=values.get("severity"),
                weight=float(values.get("weight", RULES[rule_id].weight)),
                params=values["params"],
            )
            for rule_id, values in sorted(merged.items())
        }
    )


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value == value  # not NaN
        and value not in (float("inf"), float("-inf"))
    )


def _valid_range(pair: Any) -> bool:
    return (
        isinstance(pair, list | tuple)
        and len(pair) == 2
        and all(_is_number(v) for v in pair)
        and 1 <= pair[0] <= pair[1]
    )
