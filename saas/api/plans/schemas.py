"""The bodies and responses of the plans API, as the OpenAPI document publishes them.

Field names follow the issue so integrations can rely on them (campaigns: ``name,
networks, format, objective, kpi, kpi_baseline, kpi_target, audience_id, start_date,
end_date, duration_rationale, budget, goal_ids``).  Numbers are strict: the string
``"1.5"`` is a 422 naming the field, never a number.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from saas.api.schemas import ApiDate, Number, Page, ServiceCheckedId, UtcDateTime
from saas.domain.plan_workflow import STATUSES
from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.services import plans as plans_service

Network = Literal[NETWORKS]  # type: ignore[valid-type]
Format = Literal[FORMATS]  # type: ignore[valid-type]
Objective = Literal[OBJECTIVES]  # type: ignore[valid-type]
Kpi = Literal[KPIS]  # type: ignore[valid-type]
CalendarStatus = Literal[CALENDAR_STATUSES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]

VERSION_MAX = 2**31 - 1  # the column is a 32-bit integer


def _expected_version() -> Any:
    return Field(
        default=None,
        ge=1,
        le=VERSION_MAX,
        description=(
            "The plan's `version` this change was made from (optional). When the plan has "
            "been saved since, nothing changes and the answer is 409 with error.code "
            "`edit_conflict` and error.current_version; without it, the change applies to "
            "the current version"
        ),
    )


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=plans_service.NAME_MAX)
    networks: list[Network] = Field(min_length=1, max_length=len(NETWORKS))
    format: Format
    objective: Objective
    kpi: Kpi | None = None
    kpi_baseline: Number | None = None
    kpi_target: Number | None = None
    audience_id: ServiceCheckedId | None = None
    start_date: ApiDate
    end_date: ApiDate
    duration_rationale: StrictStr | None = Field(
        default=None, max_length=plans_service.RATIONALE_MAX
    )
    budget: Number | None = Field(default=None, examples=[1500])
    goal_ids: list[ServiceCheckedId] = Field(default_factory=list, max_length=200)
    goal_contributions: dict[ServiceCheckedId, Number] = Field(
        default_factory=dict,
        max_length=200,
        description="Expected contribution to each linked goal, in the goal's unit",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]{1,10}$"}},  # goal ids
    )
    key: StrictStr | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="Keep a campaign's key to match it across revisions; new ones get one",
    )


class CalendarItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: ApiDate
    network: Network
    format: Format
    pillar: StrictStr | None = Field(default=None, max_length=plans_service.PILLAR_MAX)
    brief: StrictStr | None = Field(default=None, max_length=plans_service.BRIEF_MAX)
    status: CalendarStatus = "planned"
    campaign_key: StrictStr | None = Field(default=None, min_length=1, max_length=32)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(min_length=1, max_length=plans_service.TITLE_MAX)
    period_start: ApiDate
    period_end: ApiDate
    campaigns: list[CampaignIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CAMPAIGNS
    )
    calendar: list[CalendarItemIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CALENDAR_ITEMS
    )


class RevisionCreate(BaseModel):
    """The whole content of the plan: campaigns and calendar are replaced."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr | None = Field(default=None, min_length=1, max_length=plans_service.TITLE_MAX)
    period_start: ApiDate | None = None
    period_end: ApiDate | None = None
    note: StrictStr | None = Field(default=None, max_length=plans_service.NOTE_MAX)
    version: StrictInt | None = _expected_version()
    campaigns: list[CampaignIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CAMPAIGNS
    )
    calendar: list[CalendarItemIn] = Field(
        default_factory=list, max_length=plans_service.MAX_CALENDAR_ITEMS
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Status
    version: StrictInt | None = _expected_version()


class CampaignOut(BaseModel):
    id: int
    key: str
    position: int
    name: str
    networks: list[str]
    format: str
    objective: str
    kpi: str | None
    kpi_baseline: float | None
    kpi_target: float | None
    audience_id: int | None
    start_date: ApiDate
    end_date: ApiDate
    duration_rationale: str | None
    budget: float | None
    goal_ids: list[int]
    goal_contributions: dict[str, float | None]


class CalendarItemOut(BaseModel):
    id: int
    date: ApiDate
    network: str
    format: str
    pillar: str | None
    brief: str | None
    status: str
    campaign_key: str | None


class RevisionOut(BaseModel):
    id: int
    number: int
    title: str
    period_start: ApiDate
    period_end: ApiDate
    frozen: bool = Field(
        description="False for the plan's working draft (saves update it), true once submitted"
    )
    submitted_at: UtcDateTime | None = Field(
        description="When this revision was submitted; null for the draft"
    )
    author_id: int | None
    note: str | None
    created_at: UtcDateTime


class PlanSummary(BaseModel):
    id: int
    brand_id: int
    title: str
    period_start: ApiDate
    period_end: ApiDate
    status: str
    owner_id: int | None
    reviewer_membership_id: int | None
    submitted_at: UtcDateTime | None
    version: int = Field(
        description=(
            "Moves on by one with every save and transition; send it back with a change "
            "to be told (409 `edit_conflict`) when someone else saved in between"
        )
    )
    created_at: UtcDateTime
    updated_at: UtcDateTime


class PlanOut(PlanSummary):
    revision: RevisionOut
    campaigns: list[CampaignOut]
    calendar: list[CalendarItemOut]


class PlanPage(Page[PlanSummary]):
    pass


class RevisionList(BaseModel):
    data: list[RevisionOut]


class FieldChangeOut(BaseModel):
    field: str
    old: Any
    new: Any


class CampaignChangeOut(BaseModel):
    key: str
    name: str
    changes: list[FieldChangeOut]


class CalendarCountOut(BaseModel):
    old: int
    new: int


class CompareOut(BaseModel):
    a: int
    b: int
    plan_changes: list[FieldChangeOut]
    added: list[CampaignChangeOut]
    removed: list[CampaignChangeOut]
    changed: list[CampaignChangeOut]
    unchanged_count: int
    calendar_items: CalendarCountOut
