"""Protected learning time: the monthly budget of hours per person the client commits to,
and the learning items that spend it.

Counting rule (per month, in the brand's time zone): *planned* hours are the hours of items
planned or done that are due in that month; *done* hours are the hours of done items whose
``done_at`` falls in that month (a ``partner_session`` item counts as done only when its
strategy session is ``done``).  The team's budget is the per-person budget times the active
members.  An item that would take its member's planned hours for its month over the budget
is refused (422 on ``hours``) until an owner or consultant records a higher budget; with
no budget recorded nothing can be planned.  Budgets are only added: the latest row counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, select

from saas.domain.ids import parse_id
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Finding, Membership, StrategySession
from saas.models.capability import (
    LEARNING_FORMATS,
    LEARNING_STATUSES,
    LearningBudget,
    LearningItem,
    TeamMember,
)
from saas.permissions import can
from saas.services import audit
from saas.services.capability.team import member_of
from saas.services.errors import Forbidden, ValidationFailed
from saas.transactions import use_case
from tenants.models import utcnow

HOURS_MAX = 160.0
TITLE_MAX = 200
FIELDS = ("member_id", "title", "skill_key", "format", "due_on", "hours", "status", "session_id")


def can_manage(role: str | None) -> bool:
    return role is not None and can(role, "learning.manage")


def _zone(brand: Brand) -> ZoneInfo:
    try:
        return ZoneInfo(brand.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _month_of_utc(brand: Brand, moment: datetime) -> tuple[int, int]:
    local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(_zone(brand))
    return local.year, local.month


def today_for(brand: Brand) -> date:
    return datetime.now(_zone(brand)).date()


# --- budget -------------------------------------------------------------------------------


def current_budget(brand_id: int) -> LearningBudget | None:
    return db.session.scalar(
        select(LearningBudget)
        .where(LearningBudget.brand_id == brand_id)
        .order_by(LearningBudget.created_at.desc(), LearningBudget.id.desc())
    )


def budget_history(brand_id: int) -> list[LearningBudget]:
    return list(
        db.session.scalars(
            select(LearningBudget)
            .where(LearningBudget.brand_id == brand_id)
            .order_by(LearningBudget.id.desc())
        )
    )


def _clean_hours(value: Any, field: str) -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Hours must be a number."), {field: _("Enter a number of hours.")}
        ) from None
    if isinstance(value, bool) or not 0 < hours <= HOURS_MAX:
        raise ValidationFailed(
            _("Hours must be more than 0 and at most 160."),
            {field: _("More than 0 and at most 160.")},
        )
    return hours


@use_case
def set_budget(actor: Membership, brand: Brand, hours: Any) -> LearningBudget:
    """Record a new budget; earlier ones stay as history."""
    if not can_manage(actor.role):
        raise Forbidden(_("Only the agency can record the learning budget."))
    value = _clean_hours(hours, "hours_per_person_per_month")
    row = LearningBudget(
        brand_id=brand.id, hours_per_person_per_month=value, set_by_id=actor.user_id
    )
    db.session.add(row)
    db.session.flush()
    audit.record("learning_budget.set", row, hours=value)
    return row


# --- hours --------------------------------------------------------------------------------


def _active_members(brand_id: int) -> list[TeamMember]:
    return list(
        db.session.scalars(
            select(TeamMember).where(TeamMember.brand_id == brand_id, TeamMember.active.is_(True))
        )
    )


def _sessions_done(items: list[LearningItem]) -> set[int]:
    ids = {i.session_id for i in items if i.session_id}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(StrategySession.id).where(
                StrategySession.id.in_(ids), StrategySession.status == "done"
            )
        )
    )


def counts_done(item: LearningItem, done_sessions: set[int]) -> bool:
    if item.status != "done":
        return False
    if item.format == "partner_session":
        return item.session_id is not None and item.session_id in done_sessions
    return True


@dataclass(frozen=True)
class MonthHours:
    year: int
    month: int
    budget_per_person: float | None
    members: int
    team_budget: float
    planned: float
    done: float
    per_member: dict[int, tuple[float, float]]  # member id -> (planned, done)


def month_hours(brand: Brand, year: int, month: int) -> MonthHours:
    items = list(
        db.session.scalars(
            select(LearningItem).where(
                LearningItem.brand_id == brand.id, LearningItem.status != "dropped"
            )
        )
    )
    done_sessions = _sessions_done(items)
    per: dict[int, list[float]] = {}
    for item in items:
        slot = per.setdefault(item.member_id, [0.0, 0.0])
        if item.due_on and (item.due_on.year, item.due_on.month) == (year, month):
            slot[0] += item.hours
        if counts_done(item, done_sessions):
            when = item.done_at or item.updated_at
            if when is not None and _month_of_utc(brand, when) == (year, month):
                slot[1] += item.hours
    budget = current_budget(brand.id)
    per_person = budget.hours_per_person_per_month if budget else None
    members = len(_active_members(brand.id))
    return MonthHours(
        year=year,
        month=month,
        budget_per_person=per_person,
        members=members,
        team_budget=(per_person or 0.0) * members,
        planned=sum(v[0] for v in per.values()),
        done=sum(v[1] for v in per.values()),
        per_member={k: (v[0], v[1]) for k, v in per.items()},
    )


def _planned_for(member_id: int, year: int, month: int, exclude_id: int | None) -> float:
    rows = db.session.scalars(
        select(LearningItem).where(
            LearningItem.member_id == member_id, LearningItem.status != "dropped"
        )
    )
    return sum(
        r.hours
        for r in rows
        if r.id != exclude_id and r.due_on and (r.due_on.year, r.due_on.month) == (year, month)
    )


def _check_budget(item: LearningItem) -> None:
    if item.status == "dropped" or item.due_on is None:
        return
    budget = current_budget(item.brand_id)
    limit = budget.hours_per_person_per_month if budget else 0.0
    planned = (
        _planned_for(item.member_id, item.due_on.year, item.due_on.month, item.id) + item.hours
    )
    if planned > limit:
        message = _(
            "Over the learning budget: %(planned)s hours planned for this person in this "
            "month, the budget is %(budget)s hours. An owner or consultant can record a "
            "higher budget agreed with the client.",
            planned=f"{planned:g}",
            budget=f"{limit:g}",
        )
        raise ValidationFailed(message, {"hours": message}, code="over_budget")


# --- items --------------------------------------------------------------------------------


def load(item_id: int) -> LearningItem | None:
    return db.session.scalar(select(LearningItem).where(LearningItem.id == item_id))


def for_brand(
    brand_id: int, *, status: str | None = None, member_id: int | None = None
) -> Select[Any]:
    stmt = select(LearningItem).where(LearningItem.brand_id == brand_id)
    if status:
        stmt = stmt.where(LearningItem.status == status)
    if member_id:
        stmt = stmt.where(LearningItem.member_id == member_id)
    return stmt.order_by(LearningItem.due_on.is_(None), LearningItem.due_on, LearningItem.id)


def members(brand_id: int) -> list[TeamMember]:
    return list(
        db.session.scalars(
            select(TeamMember).where(TeamMember.brand_id == brand_id).order_by(TeamMember.name)
        )
    )


def own_member_ids(actor: Membership, brand_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(TeamMember.id).where(
                TeamMember.brand_id == brand_id, TeamMember.user_id == actor.user_id
            )
        )
    )


def _member(brand_id: int, value: Any) -> int:
    # Only a JSON/form integer: "3" as a string is not an id here.
    member = member_of(brand_id, value) if isinstance(value, int) else None
    if member is None:
        raise ValidationFailed(
            _("Choose a member of this brand's team."),
            {"member_id": _("Choose a member of this brand's team.")},
        )
    return member.id


def _session(brand_id: int, value: Any) -> int:
    session = None
    ident = parse_id(value) if isinstance(value, int) else None
    if ident is not None:
        session = db.session.scalar(
            select(StrategySession).where(
                StrategySession.id == ident,
                StrategySession.brand_id == brand_id,
                StrategySession.kind == "training",
            )
        )
    if session is None:
        raise ValidationFailed(
            _("Choose a training session of this brand."),
            {"session_id": _("Choose a training session of this brand.")},
        )
    return session.id


def _finding(brand_id: int, value: Any) -> int | None:
    """A finding of one of this brand's reviews (tenant and brand scope apply), or None."""
    if value is None:
        return None
    ident = parse_id(value) if isinstance(value, int) else None
    finding = None
    if ident is not None:
        finding = db.session.scalar(
            select(Finding.id).where(Finding.id == ident, Finding.brand_id == brand_id)
        )
    if finding is None:
        raise ValidationFailed(
            _("Choose a finding of this brand's reviews."),
            {"finding_id": _("Choose a finding of this brand's reviews.")},
        )
    return finding


def _skill(value: Any) -> str | None:
    """A skill key of the catalogue (not retired), or None for no skill."""
    from saas.services.capability.skills import by_key

    key = value.strip() if isinstance(value, str) else ""
    if not key:
        return None
    skill = by_key(key)
    if skill is None or skill.retired:
        raise ValidationFailed(
            _("Choose a skill from the catalogue."),
            {"skill_key": _("Choose a skill from the catalogue.")},
        )
    return key


def apply_values(item: LearningItem, values: Mapping[str, Any]) -> None:
    """Clean and apply ``values`` (only the fields given) to ``item``."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), {k: _("Unknown field.") for k in unknown})
    if "member_id" in values:
        item.member_id = _member(item.brand_id, values["member_id"])
    if "title" in values:
        title = (values["title"] or "").strip()
        if not title or len(title) > TITLE_MAX:
            raise ValidationFailed(
                _("Give the learning item a title."),
                {"title": _("Required, at most 200 characters.")},
            )
        item.title = title
    if "skill_key" in values:
        item.skill_key = _skill(values["skill_key"])
    if "format" in values:
        if values["format"] not in LEARNING_FORMATS:
            raise ValidationFailed(
                _("Choose a format."),
                {"format": _("One of partner_session, course, reading, shadowing.")},
            )
        item.format = values["format"]
    if "due_on" in values:
        if not isinstance(values["due_on"], date):
            raise ValidationFailed(_("Choose a due date."), {"due_on": _("Choose a due date.")})
        item.due_on = values["due_on"]
    if "hours" in values:
        item.hours = _clean_hours(values["hours"], "hours")
    if "session_id" in values:
        item.session_id = (
            None if values["session_id"] is None else _session(item.brand_id, values["session_id"])
        )
    if "status" in values:
        if values["status"] not in LEARNING_STATUSES:
            raise ValidationFailed(
                _("Choose a status."), {"status": _("One of planned, done, dropped.")}
            )
        if values["status"] == "done" and item.status != "done":
            item.done_at = utcnow()
        elif values["status"] != "done":
            item.done_at = None
        item.status = values["status"]
    if item.format == "partner_session" and item.session_id is None:
        raise ValidationFailed(
            _("A partner-led session needs its training session."),
            {"session_id": _("Choose a training session of this brand.")},
        )
    if item.format != "partner_session":
        item.session_id = None


@use_case
def create(
    actor: Membership, brand: Brand, values: Mapping[str, Any], finding_id: int | None = None
) -> LearningItem:
    if not can_manage(actor.role):
        raise Forbidden(_("Only the agency can plan learning items."))
    for field in ("member_id", "title", "format", "due_on", "hours"):
        if values.get(field) is None:
            raise ValidationFailed(_("Fill in the required fields."), {field: _("Required.")})
    item = LearningItem(
        brand_id=brand.id,
        created_by_id=actor.user_id,
        finding_id=_finding(brand.id, finding_id),
    )
    item.status = "planned"
    apply_values(item, values)
    _check_budget(item)
    db.session.add(item)
    db.session.flush()
    audit.record("learning_item.created", item, hours=item.hours)
    return item


@use_case
def update(actor: Membership, item: LearningItem, values: Mapping[str, Any]) -> LearningItem:
    """Staff change anything; client team members only mark their own items done."""
    if not can(actor.role, "learning.complete"):
        raise Forbidden(_("You can read learning items, not change them."))
    if not can_manage(actor.role):
        if set(values) - {"status"} or values.get("status") not in ("done", "planned"):
            raise Forbidden(_("You can only mark your own learning items done."))
        if item.member_id not in own_member_ids(actor, item.brand_id):
            raise Forbidden(_("You can only mark your own learning items done."))
    before = item.status
    spent = (item.member_id, item.due_on, item.hours)
    apply_values(item, values)
    # Only a change to the hours an item spends is checked against the budget: marking an
    # item done, or renaming it, is never refused because the budget was lowered since.
    if (item.member_id, item.due_on, item.hours) != spent or (
        before == "dropped" and item.status != "dropped"
    ):
        _check_budget(item)
    db.session.flush()
    if item.status == "done" and before != "done":
        audit.record("learning_item.done", item, hours=item.hours)
    elif item.status == "dropped" and before != "dropped":
        audit.record("learning_item.dropped", item)
    else:
        audit.record("learning_item.updated", item)
    return item
