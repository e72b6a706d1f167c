"""What changed between two plan revisions, campaign by campaign.

Pure Python: the input is plain dicts (see ``saas.services.plans.revision_dict``), so the
comparison is unit-tested without a database.  Campaigns are matched by their ``key``,
which stays the same across revisions; a campaign renamed is "changed", not "removed and
added".  Networks and goal links compare as sets (order does not matter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# The campaign fields compared, in the order people read them.
CAMPAIGN_FIELDS = (
    "name",
    "networks",
    "format",
    "objective",
    "kpi",
    "kpi_baseline",
    "kpi_target",
    "audience_id",
    "start_date",
    "end_date",
    "duration_rationale",
    "budget",
    "goal_ids",
    "goal_contributions",
)
SET_FIELDS = frozenset({"networks", "goal_ids"})
PLAN_FIELDS = ("title", "period_start", "period_end")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class CampaignChange:
    key: str
    name: str  # the newer name (or the only one)
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RevisionDiff:
    plan_changes: tuple[FieldChange, ...] = ()
    added: tuple[CampaignChange, ...] = ()
    removed: tuple[CampaignChange, ...] = ()
    changed: tuple[CampaignChange, ...] = ()
    calendar_count: tuple[int, int] = (0, 0)
    unchanged_count: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.plan_changes
            or self.added
            or self.removed
            or self.changed
            or self.calendar_count[0] != self.calendar_count[1]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (dates ISO 8601, sets as sorted lists, decimals as numbers)."""

        def change(c: FieldChange) -> dict[str, Any]:
            return {"field": c.field, "old": _json(c.old), "new": _json(c.new)}

        def campaign(c: CampaignChange) -> dict[str, Any]:
            return {"key": c.key, "name": c.name, "changes": [change(x) for x in c.changes]}

        return {
            "plan_changes": [change(c) for c in self.plan_changes],
            "added": [campaign(c) for c in self.added],
            "removed": [campaign(c) for c in self.removed],
            "changed": [campaign(c) for c in self.changed],
            "unchanged_count": self.unchanged_count,
            "calendar_items": {"old": self.calendar_count[0], "new": self.calendar_count[1]},
        }


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in sorted(value.items())}
    return value


def _norm(name: str, value: Any) -> Any:
    if name in SET_FIELDS:
        return frozenset(value or ())
    if name == "goal_contributions":
        # Only the contributions of goals linked on both sides would be noise otherwise:
        # compare the mapping, ignoring links without a number.
        return {k: float(v) for k, v in (value or {}).items() if v is not None}
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value or None
    return value


def _changes(old: Mapping[str, Any], new: Mapping[str, Any], names: tuple[str, ...]) -> tuple:
    out = []
    for name in names:
        a, b = _norm(name, old.get(name)), _norm(name, new.get(name))
        if a != b:
            out.append(FieldChange(name, a, b))
    return tuple(out)


def diff_revisions(old: Mapping[str, Any], new: Mapping[str, Any]) -> RevisionDiff:
    """Compare revision ``old`` with revision ``new`` (either may be the later one)."""
    old_campaigns = {c["key"]: c for c in old.get("campaigns", ())}
    new_campaigns = {c["key"]: c for c in new.get("campaigns", ())}
    added = tuple(
        CampaignChange(key, c.get("name", ""))
        for key, c in new_campaigns.items()
        if key not in old_campaigns
    )
    removed = tuple(
        CampaignChange(key, c.get("name", ""))
        for key, c in old_campaigns.items()
        if key not in new_campaigns
    )
    changed = []
    unchanged = 0
    for key, c in new_campaigns.items():
        if key not in old_campaigns:
            continue
        changes = _changes(old_campaigns[key], c, CAMPAIGN_FIELDS)
        if changes:
            changed.append(CampaignChange(key, c.get("name", ""), changes))
        else:
            unchanged += 1
    return RevisionDiff(
        plan_changes=_changes(old, new, PLAN_FIELDS),
        added=added,
        removed=removed,
        changed=tuple(changed),
        calendar_count=(int(old.get("calendar_count", 0)), int(new.get("calendar_count", 0))),
        unchanged_count=unchanged,
    )
