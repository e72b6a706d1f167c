"""What a plan holds, as plain records: limits, and the campaign and calendar item records.

``CampaignData`` and ``CalendarItemData`` are the contract other areas code against (the
web form, the API, the CSV import, the demo).  Each owns its conversions from and to the
ORM row (``from_row``, ``to_row``) and to plain values (``as_dict``, ``from_dict``), so the
campaign's fields are written out once in the services: in the dataclass below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from saas.domain import plan_workflow as workflow
from saas.models import CalendarItem, Campaign, CampaignGoal

TITLE_MAX = 200
NAME_MAX = 200
RATIONALE_MAX = 4000
BRIEF_MAX = 4000
PILLAR_MAX = 120
NOTE_MAX = 2000
MAX_CAMPAIGNS = 500
MAX_CALENDAR_ITEMS = 10_000
MAX_DAYS = 731  # two years, leap day included
KPI_LIMIT = 1e12
BUDGET_LIMIT = Decimal("1e11")
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Who may see plans (the lead moves this into saas.permissions.MATRIX).
VIEW_ROLES = workflow.DRAFTERS | {workflow.CLIENT_LEADER}  # plan.view (leaders: decided only)


@dataclass
class CampaignData:
    """One campaign's content (validated when it comes back from the plans service)."""

    name: str
    networks: list[str]
    format: str
    objective: str
    kpi: str | None
    kpi_baseline: float | None
    kpi_target: float | None
    audience_id: int | None
    start_date: date
    end_date: date
    duration_rationale: str | None
    budget: Decimal | None
    goal_links: list[tuple[int, float | None]] = field(default_factory=list)
    key: str | None = None  # keep to match a campaign across revisions

    @classmethod
    def from_row(cls, row: Campaign) -> CampaignData:
        """A copy of a campaign row (goal links loaded), its key kept, to edit and re-save."""
        values = {name: getattr(row, name) for name in CAMPAIGN_COLUMNS}
        values["networks"] = list(row.networks or [])
        links = sorted((link.goal_id, link.contribution) for link in row.goal_links)
        return cls(**values, goal_links=links, key=row.key)

    def to_row(self, *, brand_id: int, revision_id: int, position: int) -> Campaign:
        """A new row for ``revision_id``, with its goal links; a campaign without a key gets
        a new one."""
        values = self.columns()
        values["networks"] = list(self.networks)
        return Campaign(
            brand_id=brand_id,
            revision_id=revision_id,
            key=self.key or uuid4().hex,
            position=position,
            goal_links=[
                CampaignGoal(brand_id=brand_id, goal_id=goal_id, contribution=contribution)
                for goal_id, contribution in self.goal_links
            ],
            **values,
        )

    def columns(self) -> dict[str, Any]:
        """The campaign's own values, one per column of its row (no key, no goal links)."""
        return {name: getattr(self, name) for name in CAMPAIGN_COLUMNS}

    def as_dict(self) -> dict[str, Any]:
        """Plain values under the API's names: goal links as ``goal_ids`` and
        ``goal_contributions`` (what the revision diff compares)."""
        return {
            "key": self.key,
            **self.columns(),
            "networks": list(self.networks),
            "goal_ids": sorted(goal_id for goal_id, _c in self.goal_links),
            "goal_contributions": dict(self.goal_links),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CampaignData:
        """The inverse of ``as_dict`` (an API campaign body has that shape); other keys are
        ignored, missing ones are ``None``."""
        contributions = data.get("goal_contributions") or {}
        return cls(
            **{name: data.get(name) for name in CAMPAIGN_COLUMNS},
            goal_links=[(gid, contributions.get(gid)) for gid in data.get("goal_ids") or []],
            key=data.get("key"),
        )


# The fields stored as the campaign row's own columns, named alike on the model.
CAMPAIGN_COLUMNS = tuple(
    f.name for f in fields(CampaignData) if f.name not in ("goal_links", "key")
)


@dataclass
class CalendarItemData:
    """One dated entry of the content calendar; ``campaign_key`` names its campaign."""

    date: date
    network: str
    format: str
    pillar: str | None
    brief: str | None
    status: str = "planned"
    campaign_key: str | None = None

    @classmethod
    def from_row(cls, row: CalendarItem) -> CalendarItemData:
        return cls(**{name: getattr(row, name) for name in CALENDAR_COLUMNS})

    def to_row(self, *, brand_id: int, revision_id: int) -> CalendarItem:
        return CalendarItem(brand_id=brand_id, revision_id=revision_id, **self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CALENDAR_COLUMNS}


CALENDAR_COLUMNS = tuple(f.name for f in fields(CalendarItemData))
