"""The content calendar month view: a brand's dated items across its live plans.

The items shown are those of the *current* revision of each plan that is not archived (for
client leaders: of approved plans only, as everywhere else).  One SELECT loads the month,
whatever the number of items, plans or campaigns; the grid maths is pure.
"""

from __future__ import annotations

import calendar as pycalendar
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, func, select

from saas.domain import plan_workflow as workflow
from saas.extensions import db
from saas.models import CalendarItem, Campaign, Plan, PlanRevision

MIN_YEAR, MAX_YEAR = 1970, 2200
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


# --- pure: months and grids -------------------------------------------------------------------


def parse_month(value: str | None, today: date) -> date:
    """``YYYY-MM`` → the first day of that month; anything else → this month."""
    match = _MONTH.match((value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def shift_month(first: date, months: int) -> date | None:
    """The first day ``months`` away, or ``None`` outside the years we show."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return date(year, month + 1, 1)


def month_end(first: date) -> date:
    return first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def weeks(first: date, first_weekday: int) -> list[list[date]]:
    """The month as whole weeks (0 = Monday starts the week, 5 = Saturday, 6 = Sunday)."""
    return pycalendar.Calendar(first_weekday).monthdatescalendar(first.year, first.month)


def today_in(timezone: str | None) -> date:
    try:
        return datetime.now(ZoneInfo(timezone or "UTC")).date()
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo("UTC")).date()


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    date: date
    network: str
    format: str
    pillar: str | None
    brief: str | None
    status: str
    plan_id: int
    plan_title: str
    campaign_name: str | None


@dataclass
class Month:
    first: date
    last: date
    weeks: list[list[date]]
    by_day: dict[date, list[Entry]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.by_day.values())

    @property
    def agenda(self) -> list[tuple[date, list[Entry]]]:
        return sorted(self.by_day.items())


def _live_plans(brand_id: int, role: str | None) -> Any:
    stmt = select(Plan.id).where(Plan.brand_id == brand_id, Plan.status != "archived")
    if role == workflow.CLIENT_LEADER:
        stmt = stmt.where(Plan.status.in_(sorted(workflow.LEADER_VISIBLE - {"archived"})))
    elif role not in workflow.DRAFTERS:
        stmt = stmt.where(False)
    return stmt


def plans_for(brand_id: int, role: str | None) -> list[tuple[int, str]]:
    """(id, title) of the plans whose calendars the month view may show."""
    stmt = (
        select(Plan.id, Plan.title)
        .where(Plan.id.in_(_live_plans(brand_id, role).scalar_subquery()))
        .order_by(Plan.period_start.desc(), Plan.id.desc())
    )
    return [(pid, title) for pid, title in db.session.execute(stmt)]


def month_items(
    brand_id: int, first: date, last: date, role: str | None, plan_id: int | None = None
) -> list[Entry]:
    """Every item dated ``first``..``last`` in the current revision of each live plan.

    One statement: the current revision is the highest number of its plan (a correlated
    sub-query), the campaign name comes through an outer join on the campaign key.
    """
    current_number = (
        select(func.max(PlanRevision.number))
        .where(PlanRevision.plan_id == Plan.id)
        .correlate(Plan)
        .scalar_subquery()
    )
    plans = _live_plans(brand_id, role)
    if plan_id is not None:
        plans = plans.where(Plan.id == plan_id)
    stmt = (
        select(
            CalendarItem.id,
            CalendarItem.date,
            CalendarItem.network,
            CalendarItem.format,
            CalendarItem.pillar,
            CalendarItem.brief,
            CalendarItem.status,
            Plan.id,
            Plan.title,
            Campaign.name,
        )
        .join(PlanRevision, PlanRevision.id == CalendarItem.revision_id)
        .join(Plan, Plan.id == PlanRevision.plan_id)
        .outerjoin(
            Campaign,
            and_(
                Campaign.revision_id == CalendarItem.revision_id,
                Campaign.key == CalendarItem.campaign_key,
            ),
        )
        .where(
            CalendarItem.brand_id == brand_id,
            CalendarItem.date >= first,
            CalendarItem.date <= last,
            Plan.id.in_(plans.scalar_subquery()),
            PlanRevision.number == current_number,
        )
        .order_by(CalendarItem.date, Plan.id, CalendarItem.network, CalendarItem.id)
    )
    return [Entry(*row) for row in db.session.execute(stmt)]


def month(
    brand_id: int,
    first: date,
    *,
    role: str | None,
    first_weekday: int,
    plan_id: int | None = None,
) -> Month:
    last = month_end(first)
    result = Month(first=first, last=last, weeks=weeks(first, first_weekday))
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for entry in month_items(brand_id, first, last, role, plan_id):
        by_day[entry.date].append(entry)
    result.by_day = dict(by_day)
    return result
