"""Company goals per brand and their dated check-ins.

The web views and the API both call these.  Input arrives as strings (forms) or typed values
(the API); ``clean`` accepts either and answers every problem at once as a
``ValidationFailed`` with a message per field.  Nothing is written unless all of it is valid,
and every change is audited.  Loading goes through the ORM, so the caller's tenant and brand
scope applies without a filter here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, case, func, select

from saas.domain.progress import ACHIEVED, Progress, goal_progress
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Goal, GoalCheckin, Membership
from saas.permissions import can
from saas.services import audit
from saas.services.errors import Forbidden, ValidationFailed

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
NUMBER_MAX = 1e12
# A check-in may be dated tomorrow (time zones), never later.
CHECKIN_FUTURE_DAYS = 1


# --- who may ------------------------------------------------------------------------------


def can_edit(role: str | None) -> bool:
    """Staff and the client team write goals and check-ins; client leaders only read."""
    return role is not None and can(role, "goal.edit")


def ensure_can_edit(actor: Membership) -> None:
    if not can_edit(actor.role):
        raise Forbidden(_("Your role can read goals but not change them."))


# --- parsing helpers (shared with the audiences service) ----------------------------------


def text(
    data: Mapping[str, Any],
    field: str,
    errors: dict[str, str],
    *,
    limit: int,
    required: str | None = None,
    multiline: bool = False,
) -> str | None:
    """A trimmed string (``None`` when empty); ``required`` is the message when missing."""
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        errors[field] = _("Enter text.")
        return None
    value = (value or "").strip() if multiline else " ".join((value or "").split())
    if not value:
        if required:
            errors[field] = required
        return None
    if len(value) > limit:
        errors[field] = _("Use at most %(n)d characters.", n=limit)
        return None
    return value


def number(
    data: Mapping[str, Any],
    field: str,
    errors: dict[str, str],
    *,
    required: str | None = None,
    low: float = -NUMBER_MAX,
    high: float = NUMBER_MAX,
) -> float | None:
    """A finite number within ``low``–``high``, from a number or a string like "1 234,5"."""
    value = data.get(field)
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", "")
        if value == "":
            value = None
    if value is None:
        if required:
            errors[field] = required
        return None
    if isinstance(value, bool):
        errors[field] = _("Enter a number.")
        return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        errors[field] = _("Enter a number.")
        return None
    if not math.isfinite(result):
        errors[field] = _("Enter a number.")
        return None
    if not low <= result <= high:
        errors[field] = _(
            "Enter a number between %(low)s and %(high)s.",
            low=_short(low),
            high=_short(high),
        )
        return None
    return result


def _short(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1e6 else f"{value:,.0f}"


def iso_date(
    data: Mapping[str, Any], field: str, errors: dict[str, str], *, required: str | None = None
) -> date | None:
    """A date from a ``date`` or an ISO 8601 string (YYYY-MM-DD)."""
    value = data.get(field)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        raw = value.strip()
        try:
            # Exactly YYYY-MM-DD: fromisoformat alone would also take "20270131".
            if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
                return date.fromisoformat(raw)
        except ValueError:
            pass
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None
    if value in (None, ""):
        if required:
            errors[field] = required
        return None
    errors[field] = _("Enter a date as YYYY-MM-DD.")
    return None


def choice(
    data: Mapping[str, Any],
    field: str,
    options: Sequence[str],
    errors: dict[str, str],
    *,
    default: str | None = None,
    message: str,
) -> str | None:
    value = data.get(field)
    if value in (None, "") and default is not None:
        return default
    if value not in options:
        errors[field] = message
        return None
    return value


def unknown_fields(data: Mapping[str, Any], allowed: Sequence[str], errors: dict[str, str]) -> None:
    for key in sorted(set(data) - set(allowed)):
        errors[str(key)] = _("Unknown field.")


# --- goals --------------------------------------------------------------------------------


def clean(data: Mapping[str, Any], *, goal: Goal | None = None) -> dict[str, Any]:
    """Check goal fields.  With ``goal`` (an update) only the keys present are checked, and
    the rules that join two fields use the goal's current value for the one not sent."""
    partial = goal is not None
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown_fields(data, FIELDS, errors)

    def wanted(name: str) -> bool:
        return not partial or name in data

    if wanted("title"):
        out["title"] = text(
            data, "title", errors, limit=TITLE_MAX, required=_("Name the goal, in a few words.")
        )
    if wanted("description"):
        out["description"] = text(
            data, "description", errors, limit=DESCRIPTION_MAX, multiline=True
        )
    if wanted("metric"):
        out["metric"] = text(
            data,
            "metric",
            errors,
            limit=METRIC_MAX,
            required=_("Say what you will measure, such as “Instagram followers”."),
        )
    if wanted("unit"):
        out["unit"] = text(data, "unit", errors, limit=UNIT_MAX)
    if wanted("baseline"):
        out["baseline"] = number(
            data, "baseline", errors, required=_("Enter where the metric stands today.")
        )
    if wanted("target"):
        out["target"] = number(data, "target", errors, required=_("Enter the value to reach."))
    if wanted("start_date"):
        out["start_date"] = iso_date(data, "start_date", errors)
    if wanted("due_date"):
        out["due_date"] = iso_date(
            data, "due_date", errors, required=_("Enter the date the target is due.")
        )
    if wanted("priority"):
        out["priority"] = choice(
            data,
            "priority",
            PRIORITIES,
            errors,
            default="medium",
            message=_("Choose high, medium or low."),
        )
    if wanted("weight"):
        out["weight"] = number(data, "weight", errors, low=0, high=100)
    if wanted("owner_name"):
        out["owner_name"] = text(data, "owner_name", errors, limit=OWNER_MAX)
    if wanted("status"):
        out["status"] = choice(
            data,
            "status",
            STATUSES,
            errors,
            default="active",
            message=_("Choose active, achieved or dropped."),
        )

    def merged(name: str) -> Any:
        return out[name] if name in out else getattr(goal, name, None)

    baseline, target = merged("baseline"), merged("target")
    if (
        "baseline" not in errors
        and "target" not in errors
        and baseline is not None
        and target is not None
        and baseline == target
        and ("baseline" in out or "target" in out)
    ):
        errors["target"] = _("The target must differ from the baseline.")
    start, due = merged("start_date"), merged("due_date")
    if (
        "start_date" not in errors
        and "due_date" not in errors
        and start is not None
        and due is not None
        and start > due
        and ("start_date" in out or "due_date" in out)
    ):
        errors["due_date"] = _("The due date cannot be before the start date.")

    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return out


def create(actor: Membership, brand: Brand, data: Mapping[str, Any]) -> Goal:
    ensure_can_edit(actor)
    values = clean(data)
    goal = Goal(agency_id=brand.agency_id, brand_id=brand.id, **values)
    db.session.add(goal)
    db.session.flush()
    audit.record("goal.created", goal, brand_id=brand.id, **_audit_values(values))
    db.session.commit()
    return goal


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
    db.session.commit()
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
    try:
        zone = ZoneInfo(brand.timezone) if brand is not None and brand.timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def clean_checkin(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    unknown_fields(data, CHECKIN_FIELDS, errors)
    day = iso_date(data, "date", errors, required=_("Enter the date of this value."))
    if day is not None and day > today + timedelta(days=CHECKIN_FUTURE_DAYS):
        errors["date"] = _("A check-in cannot be dated in the future.")
    value = number(data, "value", errors, required=_("Enter the value measured."))
    comment = text(data, "comment", errors, limit=COMMENT_MAX, multiline=True)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    return {"date": day, "value": value, "comment": comment}


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
    db.session.commit()
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


def progress_of(goal: Goal, latest: GoalCheckin | None, today: date) -> Progress:
    """The goal's progress; a goal marked achieved by hand shows as achieved."""
    start = goal.start_date or (goal.created_at.date() if goal.created_at else today)
    result = goal_progress(
        goal.baseline,
        goal.target,
        latest.value if latest is not None else None,
        start,
        goal.due_date,
        today,
    )
    if goal.status == "achieved" and result.status != ACHIEVED:
        result = Progress(result.percent_complete, result.percent_elapsed, ACHIEVED)
    return result


@dataclass
class GoalRow:
    goal: Goal
    latest: GoalCheckin | None
    progress: Progress


def rows(goals: Sequence[Goal], today: date) -> list[GoalRow]:
    """Goals with their latest check-in and progress (one query for all the check-ins)."""
    latest = latest_checkins([g.id for g in goals])
    return [GoalRow(g, latest.get(g.id), progress_of(g, latest.get(g.id), today)) for g in goals]
