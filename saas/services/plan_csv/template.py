"""Import templates: the header row and one example row, in English or Arabic.

The example is made from the plan itself (its period, its first campaign, the brand's first
goal and audience), so a template downloaded and imported unchanged is accepted as it is.
UTF-8 with a byte-order mark, like every export, so Excel opens the Arabic one correctly.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.models import Audience, Goal, Plan
from saas.services import plans
from saas.services.plan_csv.cells import CampaignIndex, NameIndex
from saas.services.plan_csv.columns import CALENDAR_COLUMNS, CAMPAIGN_COLUMNS, KINDS, Names
from saas.services.plan_csv.export import write_csv

LANGUAGES = ("en", "ar")

# The example's words in each language (data of the file, not of the interface).
EXAMPLE_TEXT = {
    "en": {
        "name": "Spring launch",
        "rationale": "Four weeks: one product drop each week.",
        "pillar": "Product",
        "brief": "Behind the scenes of the new collection, 30 seconds",
    },
    "ar": {
        "name": "إطلاق الربيع",
        "rationale": "أربعة أسابيع: منتج جديد كل أسبوع.",
        "pillar": "المنتج",
        "brief": "كواليس المجموعة الجديدة في ثلاثين ثانية",
    },
}


def _campaign_example(
    language: str, start: date, end: date, goal: int | None, audience: int | None
) -> Any:
    text = EXAMPLE_TEXT[language]
    return plans.CampaignData(
        name=text["name"],
        networks=["instagram", "tiktok"],
        format="short_video",
        objective="awareness",
        kpi="reach",
        kpi_baseline=1000.0,
        kpi_target=25000.0,
        audience_id=audience,
        start_date=start,
        end_date=min(start + timedelta(days=27), end),
        duration_rationale=text["rationale"],
        budget=None,
        goal_links=[(goal, None)] if goal is not None else [],
        key=None,
    )


def build_template(
    kind: str,
    language: str,
    *,
    start: date,
    end: date,
    campaigns: list[Any],
    goals: dict[int, str],
    audiences: dict[int, str],
) -> bytes:
    """Pure: the template of ``kind`` in ``language`` for a plan running ``start``..``end``."""
    if kind not in KINDS or language not in LANGUAGES:
        raise ValueError((kind, language))
    if kind == "campaigns":
        names = Names(NameIndex(goals), NameIndex(audiences))
        example = _campaign_example(
            language, start, end, next(iter(goals), None), next(iter(audiences), None)
        )
        return write_csv(CAMPAIGN_COLUMNS, [example], names, language)
    first = next((c for c in campaigns if c.key), None)
    item = plans.CalendarItemData(
        date=max(first.start_date, start) if first is not None else start,
        network=first.networks[0] if first is not None and first.networks else "instagram",
        format=first.format if first is not None else "post",
        pillar=EXAMPLE_TEXT[language]["pillar"],
        brief=EXAMPLE_TEXT[language]["brief"],
        status="planned",
        campaign_key=first.key if first is not None else None,
    )
    names = Names(campaigns=CampaignIndex.of(campaigns))
    return write_csv(CALENDAR_COLUMNS, [item], names, language)


def template_csv(plan: Plan, kind: str, language: str) -> bytes:
    """The template for this plan's current revision (read through the tenant scope)."""
    revision = plans.load_revision(plans.current_revision(plan).id, with_calendar=False)
    campaigns = [plans.CampaignData.from_row(c) for c in revision.campaigns]
    goals = dict(
        db.session.execute(
            select(Goal.id, Goal.title).where(Goal.brand_id == plan.brand_id).order_by(Goal.id)
        ).all()
    )
    audiences = dict(
        db.session.execute(
            select(Audience.id, Audience.name)
            .where(Audience.brand_id == plan.brand_id)
            .order_by(Audience.name)
        ).all()
    )
    return build_template(
        kind,
        language,
        start=revision.period_start,
        end=revision.period_end,
        campaigns=campaigns,
        goals=goals,
        audiences=audiences,
    )
