"""The content calendar: a brand's dated items across its live plans, and editing them.

The items shown are those of the *current* revision of each plan that is not archived (for
client leaders: of approved plans only, as everywhere else).  One SELECT loads the month,
whatever the number of items, plans or campaigns; the grid maths is pure.

Adding, editing, moving and deleting an item build the plan's new calendar list and save
it through ``plans.save_revision``, the path every campaign edit takes, so the plans
service's revision rules (one working draft per review cycle) apply to calendar edits too.
Items are named by their row id in the plan's current revision; a save writes new rows,
so an id is good until the next save.  Each edit takes the plan ``version`` its form was
opened on: a stale one is an ``EditConflict`` (before the id is looked up, since the id may
name nothing now), and ``item_ref`` / ``find_by_ref`` find the item again after it.
"""

from __future__ import annotations

import calendar as pycalendar
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, func, select

from saas.domain import plan_workflow as workflow
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import CalendarItem, Campaign, Plan, PlanRevision
from saas.services import plans
from saas.services.errors import NotFound, ServiceError, ValidationFailed
from saas.services.plans import CalendarItemData, CampaignData, EditConflict
from saas.transactions import use_case

MIN_YEAR, MAX_YEAR = 1970, 2200
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")  # ?month=2027-03


# --- pure: months and grids -------------------------------------------------------------------


def parse_month(value: str | None, today: date) -> date:
    """``YYYY-MM`` → the first day of that month; anything else → this month."""
    match = MONTH_RE.match((value or "").strip())
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
    plan_status: str


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


def editable_plans(brand_id: int, role: str | None) -> list[tuple[int, str]]:
    """(id, title) of the live plans whose calendar this role may change now."""
    stmt = (
        select(Plan.id, Plan.title, Plan.status)
        .where(Plan.id.in_(_live_plans(brand_id, role).scalar_subquery()))
        .order_by(Plan.period_start.desc(), Plan.id.desc())
    )
    return [
        (pid, title)
        for pid, title, status in db.session.execute(stmt)
        if workflow.can_edit(status, role or "")
    ]


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
            Plan.status,
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


# --- editing one item -------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignOption:
    """A campaign an item may belong to, as the item form lists it (by name, not key)."""

    key: str
    name: str
    start_date: date
    end_date: date
    networks: tuple[str, ...]


@dataclass
class _Content:
    """The current revision's content, and the row id of each calendar item in order."""

    campaigns: list[CampaignData]
    calendar: list[CalendarItemData]
    item_ids: list[int]

    def index_of(self, item_id: int | None) -> int:
        if item_id is None or item_id not in self.item_ids:
            raise NotFound(_("There is no such calendar item in this plan."))
        return self.item_ids.index(item_id)


def _content(plan: Plan) -> _Content:
    revision = plans.load_revision(plans.current_revision(plan).id, with_calendar=True)
    campaigns, calendar = plans.revision_data(revision)
    return _Content(campaigns, calendar, [row.id for row in revision.calendar_items])


def campaign_options(plan: Plan) -> list[CampaignOption]:
    """The current revision's campaigns, in the plan's order."""
    return [
        CampaignOption(c.key or "", c.name, c.start_date, c.end_date, tuple(c.networks))
        for c in _content(plan).campaigns
        if c.key
    ]


def get_item(plan: Plan, item_id: int | None) -> CalendarItemData:
    """One item of the plan's current revision, or ``NotFound`` (another plan's, or gone)."""
    return get_item_and_ref(plan, item_id)[0]


def get_item_and_ref(plan: Plan, item_id: int | None) -> tuple[CalendarItemData, str]:
    """The item and its ``item_ref`` (what its form carries), or ``NotFound``."""
    content = _content(plan)
    index = content.index_of(item_id)
    return content.calendar[index], item_ref(content.calendar, index)


def _item_errors(err: ServiceError, index: int) -> ServiceError:
    """The plans service names fields ``calendar.<index>.date``; the form names them ``date``."""
    if not isinstance(err, ValidationFailed):
        return err
    prefix = f"calendar.{index}."
    fields = {
        (name[len(prefix) :] if name.startswith(prefix) else name): message
        for name, message in err.fields.items()
    }
    return ValidationFailed(err.message, fields=fields)


def _save(
    plan: Plan,
    content: _Content,
    calendar: list[CalendarItemData],
    index: int,
    author: Any,
    expected_version: int | None,
) -> PlanRevision:
    try:
        return plans.save_revision(
            plan,
            campaigns=content.campaigns,
            calendar=calendar,
            author=author,
            expected_version=expected_version,
        )
    except EditConflict:
        raise
    except ServiceError as err:
        raise _item_errors(err, index) from None


def _stale(plan: Plan, expected_version: int | None) -> None:
    """A form opened on an older version is a conflict before its item is even looked up:
    every save renumbers the items, so its item id may name nothing (or another item) now.
    The compare-and-set in ``save_revision`` still decides races after this check."""
    if expected_version is not None and expected_version != plan.version:
        raise EditConflict(plan.version)


def item_ref(calendar: list[CalendarItemData], index: int) -> str:
    """What names an item across saves (its row id does not survive one): its place in the
    list and a fingerprint of its values, ``"<index>:<16 hex>"``."""
    return f"{index}:{_fingerprint(calendar[index])}"


def _fingerprint(item: CalendarItemData) -> str:
    values = [str(v) if v is not None else "" for v in item.as_dict().values()]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


def find_by_ref(calendar: list[CalendarItemData], ref: str | None) -> int | None:
    """The index of the item ``ref`` named when its form was opened, if that item is still
    in ``calendar`` unchanged (at its place, else anywhere); None when it was changed or
    removed since."""
    place, _sep, fingerprint = (ref or "").partition(":")
    if not fingerprint:
        return None
    matches = [i for i, item in enumerate(calendar) if _fingerprint(item) == fingerprint]
    if not matches:
        return None
    wanted = int(place) if place.isascii() and place.isdigit() else -1
    return wanted if wanted in matches else matches[0]


@dataclass
class SavedCalendar:
    """The plan's calendar as committed now, with the row id of each item."""

    items: list[CalendarItemData]
    ids: list[int]
    campaigns: list[CampaignData]


def saved_calendar(plan: Plan) -> SavedCalendar:
    """After a conflict: the plan and its calendar as the other person saved them."""
    plans.reload(plan)
    content = _content(plan)
    return SavedCalendar(content.calendar, content.item_ids, content.campaigns)


@use_case
def add_item(
    plan: Plan, item: CalendarItemData, *, author: Any, expected_version: int | None = None
) -> PlanRevision:
    """Add one item to the plan's calendar (saved as the plans service saves any edit)."""
    _stale(plan, expected_version)
    content = _content(plan)
    calendar = [*content.calendar, item]
    return _save(plan, content, calendar, len(calendar) - 1, author, expected_version)


@use_case
def update_item(
    plan: Plan,
    item_id: int | None,
    item: CalendarItemData,
    *,
    author: Any,
    expected_version: int | None = None,
) -> PlanRevision:
    """Replace one item (its date, network, format, campaign, pillar, brief, status)."""
    _stale(plan, expected_version)
    content = _content(plan)
    index = content.index_of(item_id)
    calendar = list(content.calendar)
    calendar[index] = item
    return _save(plan, content, calendar, index, author, expected_version)


@use_case
def move_item(
    plan: Plan,
    item_id: int | None,
    to: date,
    *,
    author: Any,
    expected_version: int | None = None,
) -> PlanRevision:
    """Move one item to another date, everything else kept."""
    _stale(plan, expected_version)
    content = _content(plan)
    index = content.index_of(item_id)
    calendar = list(content.calendar)
    calendar[index] = replace(calendar[index], date=to)
    return _save(plan, content, calendar, index, author, expected_version)


@use_case
def delete_item(
    plan: Plan, item_id: int | None, *, author: Any, expected_version: int | None = None
) -> PlanRevision:
    """Remove one item from the plan's calendar."""
    _stale(plan, expected_version)
    content = _content(plan)
    index = content.index_of(item_id)
    calendar = content.calendar[:index] + content.calendar[index + 1 :]
    return _save(plan, content, calendar, index, author, expected_version)
