"""Company goals per brand and their dated check-ins.

The web views and the API both call these.  Input arrives as strings (forms) or typed values
(the API); ``clean`` accepts either and answers every problem at once as a
``ValidationFailed`` with a message per field.  Nothing is written unless all of it is valid,
and every change is audited.  Loading goes through the ORM, so the caller's tenant and brand
scope applies without a filter here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Integer, Select, bindparam, case, func, select
from sqlalchemy.orm import aliased

from saas.domain.progress import ACHIEVED, Progress, goal_progress
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Goal, GoalCheckin, Membership
from saas.permissions import can
from saas.services import audit, validation
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.validation import unknown_fields
from saas.transactions import use_case

FIELDS = (
    "title",
    "description",
    "metric",
    "unit",
    "baseline",
    "target",
    "start_date",
    "due_date",
    "priority",
    "weight",
    "owner_name",
    "status",
)
CHECKIN_FIELDS = ("date", "value", "comment")
PRIORITIES = ("high", "medium", "low")
STATUSES = ("active", "achieved", "dropped")
TITLE_MAX = 200
METRIC_MAX = 120
UNIT_MAX = 40
OWNER_MAX = 120
DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000
# A check-in may be dated tomorrow (time zones), never later.
CHECKIN_FUTURE_DAYS = 1


# --- who may ------------------------------------------------------------------------------


def can_edit(role: str | None) -> bool:
    """Staff and the client team write goals and check-ins; client leaders only read."""
    return role is not None and can(role, "goal.edit")


def ensure_can_edit(actor: Membership) -> None:
    if not can_edit(actor.role):
        raise Forbidden(_("Your role can read goals but not change them."))


# --- field checks ---------------------------------------------------------------------------
# Forms send text, the API typed values: numbers are read ``from_form`` for both.


def text(data: Mapping[str, Any], field: str, errors: dict[str, str], **options: Any) -> str | None:
    """``validation.text`` of ``data[field]``, for the audiences service."""
    return validation.text(data.get(field), field, errors, **options)


def number(
    data: Mapping[str, Any], field: str, errors: dict[str, str], **options: Any
) -> float | None:
    """``validation.number`` of ``data[field]`` as a form sends it, for the audiences service."""
    return validation.number(data.get(field), field, errors, from_form=True, **options)


Check = Callable[[Any, str, dict[str, str]], Any]


def _goal_checks() -> dict[str, Check]:
    """How each of ``FIELDS`` is checked (built per call: the messages are translated)."""
    return {
        "title": partial(
            validation.text, limit=TITLE_MAX, required=_("Name the goal, in a few words.")
        ),
        "description": partial(validation.text, limit=DESCRIPTION_MAX, multiline=True),
        "metric": partial(
            validation.text,
            limit=METRIC_MAX,
            required=_("Say what you will measure, such as “Instagram followers”."),
        ),
        "unit": partial(validation.text, limit=UNIT_MAX),
        "baseline": partial(
            validation.number, from_form=True, required=_("Enter where the metric stands today.")
        ),
        "target": partial(
            validation.number, from_form=True, required=_("Enter the value to reach.")
        ),
        "start_date": validation.iso_date,
        "due_date": partial(validation.iso_date, required=_("Enter the date the target is due.")),
        "priority": partial(
            validation.choice,
            options=PRIORITIES,
            default="medium",
            message=_("Choose high, medium or low."),
        ),
        "weight": partial(validation.number, from_form=True, low=0, high=100),
        "owner_name": partial(validation.text, limit=OWNER_MAX),
        "status": partial(
            validation.choice,
            options=STATUSES,
            default="active",
            message=_("Choose active, achieved or dropped."),
        ),
    }


# --- goals --------------------------------------------------------------------------------


def clean(data: Mapping[str, Any], *, goal: Goal | None = None) -> dict[str, Any]:
    """Check goal fields.  With ``goal`` (an update) only the keys present are checked, and
    the rules that join two fields use the goal's current value for the one not sent."""
    partial_update = goal is not None
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown_fields(data, FIELDS, errors)
    for name, check in _goal_checks().items():
        if not partial_update or name in data:
            out[name] = check(data.get(name), name, errors)

    def pair(first: str, second: str) -> tuple[Any, Any] | None:
        """Both values of a rule that joins two fields (the goal's for the one not sent),
        or ``None`` when either is missing or refused or neither was sent."""
        if first in errors or second in errors or not (first in out or second in out):
            return None
        values = [out[n] if n in out else getattr(goal, n, None) for n in (first, second)]
        return None if None in values else (values[0], values[1])

    levels = pair("baseline", "target")
    if levels is not None and levels[0] == levels[1]:
        errors["target"] = _("The target must differ from the baseline.")
    days = pair("start_date", "due_date")
    if days is not None and days[0] > days[1]:
        errors["due_date"] = _("The due date cannot be before the start date.")

    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return out


@use_case
def create(actor: Membership, brand: Brand, data: Mapping[str, Any]) -> Goal:
    ensure_can_edit(actor)
    values = clean(data)
    goal = Goal(agency_id=brand.agency_id, brand_id=brand.id, **values)
    db.session.add(goal)
    db.session.flush()
    audit.record("goal.created", goal, brand_id=brand.id, **_audit_values(values))
    return goal


@use_case
def update(actor: Membership, goal: Goal, data: Mapping[str, Any]) -> Goal:
    """Change the fields given; a refusal of any field changes nothing."""
    ensure_can_edit(actor)
    values = clean(data, goal=goal)
    changed = {k: v for k, v in values.items() if getattr(goal, k) != v}
    if not changed:
        return goal
    before = {k: getattr(goal, k) for k in changed}
    for key, value in changed.items():
        setattr(goal, key, value)
    if "status" in changed:
        audit.record("goal.status_changed", goal, before=before["status"], after=goal.status)
    audit.record(
        "goal.updated", goal, changed=sorted(changed), before=_audit_values(before, keep_none=True)
    )
    return goal


def set_status(actor: Membership, goal: Goal, status: str) -> Goal:
    """Mark a goal active, achieved or dropped."""
    return update(actor, goal, {"status": status})


def _audit_values(values: Mapping[str, Any], keep_none: bool = False) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if value is None and not keep_none:
            continue
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


# --- check-ins ----------------------------------------------------------------------------


def brand_today(brand: Brand | None) -> date:
    """Today in the brand's time zone (UTC when unknown)."""
    return today_in(brand.timezone if brand is not None else None)


def today_in(timezone: str | None) -> date:
    """Today in the zone named ``timezone`` (UTC when unknown), for rows read as columns."""
    try:
        zone = ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def clean_checkin(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    unknown_fields(data, CHECKIN_FIELDS, errors)
    day = validation.iso_date(
        data.get("date"), "date", errors, required=_("Enter the date of this value.")
    )
    if day is not None and day > today + timedelta(days=CHECKIN_FUTURE_DAYS):
        errors["date"] = _("A check-in cannot be dated in the future.")
    value = validation.number(
        data.get("value"), "value", errors, from_form=True, required=_("Enter the value measured.")
    )
    comment = validation.text(
        data.get("comment"), "comment", errors, limit=COMMENT_MAX, multiline=True
    )
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return {"date": day, "value": value, "comment": comment}


@use_case
def add_checkin(
    actor: Membership, goal: Goal, data: Mapping[str, Any], *, today: date | None = None
) -> GoalCheckin:
    ensure_can_edit(actor)
    values = clean_checkin(data, today=today or date.today())
    checkin = GoalCheckin(
        agency_id=goal.agency_id,
        brand_id=goal.brand_id,
        goal_id=goal.id,
        created_by_id=actor.user_id,
        **values,
    )
    db.session.add(checkin)
    db.session.flush()
    audit.record(
        "goal.checkin_added",
        goal,
        checkin_id=checkin.id,
        date=values["date"].isoformat(),
        value=values["value"],
    )
    return checkin


# --- reading ------------------------------------------------------------------------------


def for_brand(brand_id: int) -> Select[Any]:
    """The brand's goals: active first, then by priority and due date."""
    priority_order = {"high": 0, "medium": 1, "low": 2}
    status_order = {"active": 0, "achieved": 1, "dropped": 2}
    return (
        select(Goal)
        .where(Goal.brand_id == brand_id)
        .order_by(
            case(status_order, value=Goal.status, else_=3),
            case(priority_order, value=Goal.priority, else_=3),
            Goal.due_date,
            Goal.id,
        )
    )


def load(goal_id: int) -> Goal | None:
    return db.session.scalar(select(Goal).where(Goal.id == goal_id))


def checkins_of(goal: Goal, *, newest_first: bool = False) -> Select[Any]:
    order = (
        (GoalCheckin.date.desc(), GoalCheckin.id.desc())
        if newest_first
        else (GoalCheckin.date, GoalCheckin.id)
    )
    return select(GoalCheckin).where(GoalCheckin.goal_id == goal.id).order_by(*order)


def latest_checkins(goal_ids: Sequence[int]) -> dict[int, GoalCheckin]:
    """The most recent check-in of each goal, in one query whatever the number of goals."""
    if not goal_ids:
        return {}
    ranked = (
        select(
            GoalCheckin.id.label("id"),
            func.row_number()
            .over(
                partition_by=GoalCheckin.goal_id,
                order_by=(GoalCheckin.date.desc(), GoalCheckin.id.desc()),
            )
            .label("rank"),
        )
        .where(GoalCheckin.goal_id.in_(list(goal_ids)))
        .subquery()
    )
    stmt = select(GoalCheckin).join(ranked, ranked.c.id == GoalCheckin.id).where(ranked.c.rank == 1)
    return {c.goal_id: c for c in db.session.scalars(stmt)}


def latest_checkin_column(goal_id: Any, column: str = "id") -> Any:
    """A correlated subquery: ``column`` (the id, the value...) of the newest check-in of
    the goal ``goal_id`` names (a column of the enclosing statement), so goals and their
    latest check-ins come back in one query.  Newest as ``latest_checkins`` orders them."""
    newest = aliased(GoalCheckin)
    return (
        select(getattr(newest, column))
        .where(newest.goal_id == goal_id)
        .order_by(newest.date.desc(), newest.id.desc())
        .limit(1)
        .correlate_except(newest)
        .scalar_subquery()
    )


def progress_of(goal: Goal, latest: GoalCheckin | None, today: date) -> Progress:
    """The goal's progress; a goal marked achieved by hand shows as achieved."""
    return progress_from(
        goal.baseline,
        goal.target,
        latest.value if latest is not None else None,
        goal.start_date,
        goal.created_at,
        goal.due_date,
        goal.status,
        today,
    )


def progress_from(
    baseline: float,
    target: float,
    latest_value: float | None,
    start_date: date | None,
    created_at: datetime | None,
    due_date: date,
    status: str,
    today: date,
) -> Progress:
    """``progress_of`` from the columns alone, for pages that read goals as rows."""
    start = start_date or (created_at.date() if created_at else today)
    result = goal_progress(baseline, target, latest_value, start, due_date, today)
    if status == "achieved" and result.status != ACHIEVED:
        result = Progress(result.percent_complete, result.percent_elapsed, ACHIEVED)
    return result


@dataclass
class GoalRow:
    goal: Goal
    latest: GoalCheckin | None
    progress: Progress


def brand_rows(brand_id: int, today: date) -> list[GoalRow]:
    """The brand's goals that are not dropped, by due date, each with its latest check-in
    and progress: one query (the check-in is joined through ``latest_checkin_column``)."""
    found = db.session.execute(_brand_rows_statement(), {"brand_id": brand_id})
    return [GoalRow(goal, latest, progress_of(goal, latest, today)) for goal, latest in found]


@lru_cache(maxsize=1)
def _brand_rows_statement() -> Select[Any]:
    """Built once (``brand_id`` is bound per call; the tenant criteria are added per
    execution)."""
    return (
        select(Goal, GoalCheckin)
        .outerjoin(
            GoalCheckin,
            (GoalCheckin.goal_id == Goal.id) & (GoalCheckin.id == latest_checkin_column(Goal.id)),
        )
        .where(Goal.brand_id == bindparam("brand_id", type_=Integer), Goal.status != "dropped")
        .order_by(Goal.due_date, Goal.id)
    )


def rows(goals: Sequence[Goal], today: date) -> list[GoalRow]:
    """Goals with their latest check-in and progress (one query for all the check-ins)."""
    latest = latest_checkins([g.id for g in goals])
    return [GoalRow(g, latest.get(g.id), progress_of(g, latest.get(g.id), today)) for g in goals]
