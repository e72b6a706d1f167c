"""Social plans: create, save revisions, move through the workflow, compare revisions.

The contract other areas code against (CSV import, reviews): ``CampaignData`` and
``CalendarItemData`` are validated input; ``create_plan`` and ``save_revision`` validate
everything first and write nothing on any error (``ValidationFailed`` with a message per
field, keys like ``campaigns.3.end_date``); ``transition`` applies the workflow of
``saas.domain.plan_workflow``.  Loading goes through the ORM, so the caller's tenant and
brand scope applies: another tenant's goal or audience id is simply "unknown".

Revisions: while a plan has never been submitted its working revision is edited in place;
submitting freezes it, and every later save creates revision N+1 (frozen).  Old revisions
never change, so any two can be compared campaign by campaign (matched by ``key``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import uuid4

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from saas.domain import plan_workflow as workflow
from saas.domain.plan_diff import RevisionDiff, diff_revisions
from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import (
    Audience,
    Brand,
    CalendarItem,
    Campaign,
    CampaignGoal,
    Goal,
    Plan,
    PlanRevision,
    Review,
    User,
)
from saas.services import audit
from saas.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tenants.models import utcnow

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
ID_MAX = 2**31 - 1  # primary keys are 32-bit integers on PostgreSQL


def valid_id(value: Any) -> int | None:
    """``value`` as a primary key that can exist, else ``None`` (never an SQL overflow)."""
    if isinstance(value, bool):
        return None
    try:
        ident = int(value)
    except (TypeError, ValueError):
        return None
    return ident if 0 < ident <= ID_MAX else None


# Who may do what (the lead moves these into saas.permissions.MATRIX).
DRAFT_ROLES = workflow.DRAFTERS  # create plans and save revisions: plan.draft
VIEW_ROLES = workflow.DRAFTERS | {workflow.CLIENT_LEADER}  # plan.view (leaders: decided only)
TRANSITION_ROLES = workflow.DRAFTERS  # plan.transition (the workflow narrows it)


@dataclass
class CampaignData:
    """Validated input for one campaign."""

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


@dataclass
class CalendarItemData:
    date: date
    network: str
    format: str
    pillar: str | None
    brief: str | None
    status: str = "planned"
    campaign_key: str | None = None


# --- validation ---------------------------------------------------------------------------


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _finite_number(value: Any, key: str, errors: dict[str, str]) -> float | None:
    if value is None:
        return None
    if not _is_number(value):
        errors[key] = _("Enter a number.")
        return None
    number = float(value)
    if not math.isfinite(number) or abs(number) > KPI_LIMIT:
        errors[key] = _("Enter a number between -1,000,000,000,000 and 1,000,000,000,000.")
        return None
    return number


def _optional_text(value: Any, key: str, limit: int, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[key] = _("Enter text.")
        return None
    text = value.strip()
    if len(text) > limit:
        errors[key] = _("Use at most %(n)d characters.", n=limit)
        return None
    return text or None


def _check_title(title: Any, errors: dict[str, str]) -> str | None:
    if not isinstance(title, str) or not title.strip():
        errors["title"] = _("Give the plan a title.")
        return None
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        errors["title"] = _("Use at most %(n)d characters.", n=TITLE_MAX)
        return None
    return title


def _check_period(start: Any, end: Any, errors: dict[str, str]) -> None:
    if not _is_date(start):
        errors["period_start"] = _("Enter the first day of the plan.")
    if not _is_date(end):
        errors["period_end"] = _("Enter the last day of the plan.")
    if _is_date(start) and _is_date(end):
        if end < start:
            errors["period_end"] = _("The plan cannot end before it starts.")
        elif (end - start).days > MAX_DAYS:
            errors["period_end"] = _("A plan covers at most two years.")


def _clean_campaign(
    i: int, c: Any, errors: dict[str, str], keys: set[str]
) -> tuple[CampaignData | None, set[int], int | None]:
    """Check one campaign; returns the cleaned copy, its goal ids and its audience id."""
    p = f"campaigns.{i}."
    if not isinstance(c, CampaignData):
        errors[f"campaigns.{i}"] = _("Not a campaign.")
        return None, set(), None
    before = len(errors)

    name = c.name.strip() if isinstance(c.name, str) else ""
    name = " ".join(name.split())
    if not name:
        errors[p + "name"] = _("Name the campaign.")
    elif len(name) > NAME_MAX:
        errors[p + "name"] = _("Use at most %(n)d characters.", n=NAME_MAX)

    networks = c.networks if isinstance(c.networks, list | tuple) else None
    if not networks:
        errors[p + "networks"] = _("Choose at least one network.")
    elif any(not isinstance(n, str) or n not in NETWORKS for n in networks):
        bad = next(n for n in networks if not isinstance(n, str) or n not in NETWORKS)
        errors[p + "networks"] = _("Unknown network “%(value)s”.", value=str(bad)[:40])
    elif len(set(networks)) != len(networks):
        errors[p + "networks"] = _("Each network only once.")

    if c.format not in FORMATS:
        errors[p + "format"] = _("Choose a format from the list.")
    if c.objective not in OBJECTIVES:
        errors[p + "objective"] = _("Choose an objective from the list.")
    if c.kpi is not None and c.kpi not in KPIS:
        errors[p + "kpi"] = _("Choose a KPI from the list.")
    baseline = _finite_number(c.kpi_baseline, p + "kpi_baseline", errors)
    target = _finite_number(c.kpi_target, p + "kpi_target", errors)

    audience_id = c.audience_id
    if audience_id is not None and (
        not isinstance(audience_id, int) or isinstance(audience_id, bool)
    ):
        errors[p + "audience_id"] = _("Choose an audience from the list.")
        audience_id = None

    if not _is_date(c.start_date):
        errors[p + "start_date"] = _("Enter the start date.")
    if not _is_date(c.end_date):
        errors[p + "end_date"] = _("Enter the end date.")
    if _is_date(c.start_date) and _is_date(c.end_date):
        if c.end_date < c.start_date:
            errors[p + "end_date"] = _("The campaign cannot end before it starts.")
        elif (c.end_date - c.start_date).days > MAX_DAYS:
            errors[p + "end_date"] = _("A campaign lasts at most two years.")

    rationale = _optional_text(
        c.duration_rationale, p + "duration_rationale", RATIONALE_MAX, errors
    )

    budget: Decimal | None = None
    if c.budget is not None:
        try:
            if not _is_number(c.budget):
                raise InvalidOperation
            budget = Decimal(str(c.budget))
            if not budget.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[p + "budget"] = _("Enter the budget as a number.")
            budget = None
        else:
            if budget < 0:
                errors[p + "budget"] = _("The budget cannot be negative.")
            elif budget > BUDGET_LIMIT:
                errors[p + "budget"] = _("The budget is too large.")
            else:
                budget = budget.quantize(Decimal("0.01"))

    goal_ids: set[int] = set()
    links: list[tuple[int, float | None]] = []
    if not isinstance(c.goal_links, list | tuple):
        errors[p + "goal_ids"] = _("Choose goals from the list.")
    else:
        for link in c.goal_links:
            try:
                goal_id, contribution = link
            except (TypeError, ValueError):
                errors[p + "goal_ids"] = _("Choose goals from the list.")
                break
            if not isinstance(goal_id, int) or isinstance(goal_id, bool):
                errors[p + "goal_ids"] = _("Choose goals from the list.")
                break
            if goal_id in goal_ids:
                errors[p + "goal_ids"] = _("Link each goal only once.")
                break
            number = _finite_number(contribution, p + "goal_contributions", errors)
            goal_ids.add(goal_id)
            links.append((goal_id, number))

    key = c.key
    if key is not None:
        if not isinstance(key, str) or not KEY_RE.match(key):
            errors[p + "key"] = _("A campaign key is 1 to 32 letters, digits, - or _.")
        elif key in keys:
            errors[p + "key"] = _("Two campaigns share this key.")
        else:
            keys.add(key)

    if len(errors) > before:
        return None, goal_ids, audience_id
    return (
        CampaignData(
            name=name,
            networks=list(networks or []),
            format=c.format,
            objective=c.objective,
            kpi=c.kpi,
            kpi_baseline=baseline,
            kpi_target=target,
            audience_id=audience_id,
            start_date=c.start_date,
            end_date=c.end_date,
            duration_rationale=rationale,
            budget=budget,
            goal_links=links,
            key=key,
        ),
        goal_ids,
        audience_id,
    )


def _clean_item(
    i: int, item: Any, errors: dict[str, str], keys: set[str]
) -> CalendarItemData | None:
    p = f"calendar.{i}."
    if not isinstance(item, CalendarItemData):
        errors[f"calendar.{i}"] = _("Not a calendar item.")
        return None
    before = len(errors)
    if not _is_date(item.date):
        errors[p + "date"] = _("Enter the date.")
    if item.network not in NETWORKS:
        errors[p + "network"] = _("Choose a network from the list.")
    if item.format not in FORMATS:
        errors[p + "format"] = _("Choose a format from the list.")
    if item.status not in CALENDAR_STATUSES:
        errors[p + "status"] = _("Choose a status from the list.")
    pillar = _optional_text(item.pillar, p + "pillar", PILLAR_MAX, errors)
    brief = _optional_text(item.brief, p + "brief", BRIEF_MAX, errors)
    if item.campaign_key is not None and item.campaign_key not in keys:
        errors[p + "campaign_key"] = _("No campaign in this plan has this key.")
    if len(errors) > before:
        return None
    return CalendarItemData(
        date=item.date,
        network=item.network,
        format=item.format,
        pillar=pillar,
        brief=brief,
        status=item.status,
        campaign_key=item.campaign_key,
    )


def _clean(
    brand_id: int,
    campaigns: Sequence[CampaignData],
    calendar: Sequence[CalendarItemData],
    period_start: Any,
    period_end: Any,
    errors: dict[str, str],
) -> tuple[list[CampaignData], list[CalendarItemData]]:
    _check_period(period_start, period_end, errors)
    if not isinstance(campaigns, Sequence) or isinstance(campaigns, str):
        errors["campaigns"] = _("Send a list of campaigns.")
        campaigns = []
    if not isinstance(calendar, Sequence) or isinstance(calendar, str):
        errors["calendar"] = _("Send a list of calendar items.")
        calendar = []
    if len(campaigns) > MAX_CAMPAIGNS:
        errors["campaigns"] = _("A plan holds at most %(n)d campaigns.", n=MAX_CAMPAIGNS)
        campaigns = []
    if len(calendar) > MAX_CALENDAR_ITEMS:
        errors["calendar"] = _("A plan holds at most %(n)d calendar items.", n=MAX_CALENDAR_ITEMS)
        calendar = []

    keys: set[str] = set()
    clean_campaigns: list[CampaignData] = []
    wanted_goals: dict[int, set[int]] = {}
    wanted_audiences: dict[int, int] = {}
    for i, c in enumerate(campaigns):
        cleaned, goal_ids, audience_id = _clean_campaign(i, c, errors, keys)
        if cleaned is not None:
            clean_campaigns.append(cleaned)
        wanted_goals[i] = goal_ids
        if audience_id is not None:
            wanted_audiences[i] = audience_id

    # One query each: a goal or audience of another brand or tenant is simply not found.
    all_goals = {i for ids in wanted_goals.values() for i in ids if valid_id(i) is not None}
    known_goals: set[int] = set()
    if all_goals:
        known_goals = set(
            db.session.scalars(
                select(Goal.id).where(Goal.brand_id == brand_id, Goal.id.in_(sorted(all_goals)))
            )
        )
    for i, goal_ids in wanted_goals.items():
        missing = sorted(goal_ids - known_goals)
        if missing:
            errors.setdefault(f"campaigns.{i}.goal_ids", _("Unknown goal %(id)s.", id=missing[0]))
    if wanted_audiences:
        ids = {i for i in wanted_audiences.values() if valid_id(i) is not None}
        known_audiences = set(
            db.session.scalars(
                select(Audience.id).where(
                    Audience.brand_id == brand_id, Audience.id.in_(sorted(ids))
                )
            )
        )
        for i, audience_id in wanted_audiences.items():
            if audience_id not in known_audiences:
                errors.setdefault(
                    f"campaigns.{i}.audience_id", _("Unknown audience %(id)s.", id=audience_id)
                )

    clean_items = []
    for i, item in enumerate(calendar):
        cleaned_item = _clean_item(i, item, errors, keys)
        if cleaned_item is not None:
            clean_items.append(cleaned_item)
    return clean_campaigns, clean_items


def _fail(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        _("The plan was not saved: correct the fields marked and save again."), errors
    )


def validate_campaigns(
    brand_id: int,
    campaigns: Sequence[CampaignData],
    calendar: Sequence[CalendarItemData],
    period_start: date,
    period_end: date,
) -> None:
    """Raise ``ValidationFailed`` (fields like ``campaigns.3.end_date``) or return."""
    errors: dict[str, str] = {}
    _clean(brand_id, campaigns, calendar, period_start, period_end, errors)
    if errors:
        raise _fail(errors)


# --- loading ------------------------------------------------------------------------------


def plans_query(brand_id: int, role: str) -> Select[Any]:
    """The brand's plans this role may see, most recently changed first."""
    stmt = select(Plan).where(Plan.brand_id == brand_id)
    if role == workflow.CLIENT_LEADER:
        stmt = stmt.where(Plan.status.in_(sorted(workflow.LEADER_VISIBLE)))
    elif role not in VIEW_ROLES:
        stmt = stmt.where(False)
    return stmt.order_by(Plan.updated_at.desc(), Plan.id.desc())


def revision_counts(plan_ids: Sequence[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(PlanRevision.plan_id, func.count(PlanRevision.id))
        .where(PlanRevision.plan_id.in_(list(plan_ids)))
        .group_by(PlanRevision.plan_id)
    )
    return {plan_id: count for plan_id, count in rows}


def get_plan(plan_id: Any, role: str | None) -> Plan:
    """A plan the role may see, or ``NotFound`` (another tenant's, or a draft for leaders)."""
    ident = valid_id(plan_id)
    if ident is None:
        raise NotFound(_("There is no such plan."))
    plan = db.session.scalar(select(Plan).where(Plan.id == ident))
    if plan is None or role is None or not workflow.can_view(plan.status, role):
        raise NotFound(_("There is no such plan."))
    return plan


def current_revision(plan: Plan) -> PlanRevision:
    revision = db.session.scalar(
        select(PlanRevision)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.number.desc())
        .limit(1)
    )
    if revision is None:  # every plan is created with revision 1
        raise NotFound(_("This plan has no revision."))
    return revision


def load_revision(revision_id: int, *, with_calendar: bool = True) -> PlanRevision:
    """A revision with its campaigns and goal links (and calendar) loaded in a few queries."""
    options = [selectinload(PlanRevision.campaigns).selectinload(Campaign.goal_links)]
    if with_calendar:
        options.append(selectinload(PlanRevision.calendar_items))
    if valid_id(revision_id) is None:
        raise NotFound(_("There is no such revision."))
    revision = db.session.scalar(
        select(PlanRevision)
        .where(PlanRevision.id == revision_id)
        .options(*options)
        .execution_options(populate_existing=True)
    )
    if revision is None:
        raise NotFound(_("There is no such revision."))
    return revision


def get_revision(plan: Plan, revision_id: Any = None, *, number: Any = None) -> PlanRevision:
    """One of this plan's revisions by id or by number (no content loaded)."""
    ident = valid_id(number if number is not None else revision_id)
    if ident is None:
        raise NotFound(_("There is no such revision."))
    column = PlanRevision.number if number is not None else PlanRevision.id
    revision = db.session.scalar(
        select(PlanRevision).where(PlanRevision.plan_id == plan.id, column == ident)
    )
    if revision is None:
        raise NotFound(_("There is no such revision."))
    return revision


@dataclass
class RevisionRow:
    revision: PlanRevision
    author_name: str | None
    campaign_count: int


def revision_history(plan: Plan) -> list[RevisionRow]:
    """Every revision, newest first, with author name and campaign count (two queries)."""
    rows = db.session.execute(
        select(PlanRevision, User.name)
        .outerjoin(User, User.id == PlanRevision.author_id)
        .where(PlanRevision.plan_id == plan.id)
        .order_by(PlanRevision.number.desc())
    ).all()
    counts = dict(
        db.session.execute(
            select(Campaign.revision_id, func.count(Campaign.id))
            .join(PlanRevision, PlanRevision.id == Campaign.revision_id)
            .where(PlanRevision.plan_id == plan.id)
            .group_by(Campaign.revision_id)
        ).all()
    )
    return [RevisionRow(rev, name, counts.get(rev.id, 0)) for rev, name in rows]


def brand_goals(brand_id: int) -> list[Goal]:
    return list(db.session.scalars(select(Goal).where(Goal.brand_id == brand_id).order_by(Goal.id)))


def brand_audiences(brand_id: int) -> list[Audience]:
    return list(
        db.session.scalars(
            select(Audience).where(Audience.brand_id == brand_id).order_by(Audience.name)
        )
    )


def revision_data(revision: PlanRevision) -> tuple[list[CampaignData], list[CalendarItemData]]:
    """A copy of a loaded revision's content (keys kept), for editing and re-saving."""
    campaigns = [
        CampaignData(
            name=c.name,
            networks=list(c.networks or []),
            format=c.format,
            objective=c.objective,
            kpi=c.kpi,
            kpi_baseline=c.kpi_baseline,
            kpi_target=c.kpi_target,
            audience_id=c.audience_id,
            start_date=c.start_date,
            end_date=c.end_date,
            duration_rationale=c.duration_rationale,
            budget=c.budget,
            goal_links=sorted((link.goal_id, link.contribution) for link in c.goal_links),
            key=c.key,
        )
        for c in revision.campaigns
    ]
    calendar = [
        CalendarItemData(
            date=item.date,
            network=item.network,
            format=item.format,
            pillar=item.pillar,
            brief=item.brief,
            status=item.status,
            campaign_key=item.campaign_key,
        )
        for item in revision.calendar_items
    ]
    return campaigns, calendar


# --- writing ------------------------------------------------------------------------------


def _user_id(author: Any) -> int | None:
    if author is None:
        return None
    if hasattr(author, "user_id"):  # a Membership
        return author.user_id
    return getattr(author, "id", None)


def _campaign_rows(
    brand_id: int, revision_id: int, campaigns: list[CampaignData]
) -> list[Campaign]:
    rows = []
    for position, c in enumerate(campaigns):
        rows.append(
            Campaign(
                brand_id=brand_id,
                revision_id=revision_id,
                key=c.key or uuid4().hex,
                position=position,
                name=c.name,
                networks=list(c.networks),
                format=c.format,
                objective=c.objective,
                kpi=c.kpi,
                kpi_baseline=c.kpi_baseline,
                kpi_target=c.kpi_target,
                audience_id=c.audience_id,
                start_date=c.start_date,
                end_date=c.end_date,
                duration_rationale=c.duration_rationale,
                budget=c.budget,
                goal_links=[
                    CampaignGoal(brand_id=brand_id, goal_id=goal_id, contribution=contribution)
                    for goal_id, contribution in c.goal_links
                ],
            )
        )
    return rows


def _calendar_rows(
    brand_id: int, revision_id: int, calendar: list[CalendarItemData]
) -> list[CalendarItem]:
    return [
        CalendarItem(
            brand_id=brand_id,
            revision_id=revision_id,
            campaign_key=item.campaign_key,
            date=item.date,
            network=item.network,
            format=item.format,
            pillar=item.pillar,
            brief=item.brief,
            status=item.status,
        )
        for item in calendar
    ]


def create_plan(
    brand: Brand,
    *,
    title: str,
    period_start: date,
    period_end: date,
    campaigns: list[CampaignData],
    calendar: list[CalendarItemData],
    author: Any,
) -> Plan:
    """A new draft plan with revision 1; validates everything first; commits."""
    if brand.is_archived:
        raise Conflict(_("This brand is archived: restore it before planning."))
    errors: dict[str, str] = {}
    clean_title = _check_title(title, errors)
    clean_campaigns, clean_calendar = _clean(
        brand.id, campaigns, calendar, period_start, period_end, errors
    )
    if errors:
        raise _fail(errors)
    user_id = _user_id(author)
    plan = Plan(
        brand_id=brand.id,
        title=clean_title,
        period_start=period_start,
        period_end=period_end,
        status="draft",
        owner_id=user_id,
        created_by_id=user_id,
    )
    db.session.add(plan)
    db.session.flush()
    revision = PlanRevision(
        brand_id=brand.id,
        plan_id=plan.id,
        number=1,
        title=clean_title,
        period_start=period_start,
        period_end=period_end,
        author_id=user_id,
        frozen=False,
    )
    db.session.add(revision)
    db.session.flush()
    db.session.add_all(_campaign_rows(brand.id, revision.id, clean_campaigns))
    db.session.add_all(_calendar_rows(brand.id, revision.id, clean_calendar))
    audit.record(
        "plan.created",
        plan,
        brand_id=brand.id,
        campaigns=len(clean_campaigns),
        calendar_items=len(clean_calendar),
    )
    db.session.commit()
    return plan


def save_revision(
    plan: Plan,
    *,
    campaigns: list[CampaignData],
    calendar: list[CalendarItemData],
    author: Any,
    title: str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    note: str | None = None,
) -> PlanRevision:
    """Save the plan's whole content.  Commits.

    A never-submitted plan's working revision is replaced in place; after the first
    submission this creates revision N+1 (frozen) and never edits an older one.
    """
    if plan.status not in workflow.EDITABLE:
        raise Conflict(
            _("A plan that is in review, approved or archived cannot be changed."),
            code="plan_not_editable",
        )
    current = current_revision(plan)
    errors: dict[str, str] = {}
    clean_title = _check_title(title if title is not None else current.title, errors)
    start = period_start if period_start is not None else current.period_start
    end = period_end if period_end is not None else current.period_end
    clean_note = _optional_text(note, "note", NOTE_MAX, errors)
    clean_campaigns, clean_calendar = _clean(plan.brand_id, campaigns, calendar, start, end, errors)
    if errors:
        raise _fail(errors)

    user_id = _user_id(author)
    in_place = not current.frozen
    if in_place:
        revision = load_revision(current.id, with_calendar=True)
        revision.title, revision.period_start, revision.period_end = clean_title, start, end
        revision.author_id, revision.note = user_id, clean_note
        # The collections are loaded: delete-orphan removes the old rows (links included).
        revision.campaigns.clear()
        revision.calendar_items.clear()
        db.session.flush()
    else:
        revision = PlanRevision(
            brand_id=plan.brand_id,
            plan_id=plan.id,
            number=current.number + 1,
            title=clean_title,
            period_start=start,
            period_end=end,
            author_id=user_id,
            frozen=True,
            note=clean_note,
        )
        db.session.add(revision)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Conflict(
                _("Someone saved this plan at the same moment. Reload it and try again.")
            ) from None
    db.session.add_all(_campaign_rows(plan.brand_id, revision.id, clean_campaigns))
    db.session.add_all(_calendar_rows(plan.brand_id, revision.id, clean_calendar))
    plan.title, plan.period_start, plan.period_end = clean_title, start, end
    plan.updated_at = utcnow()
    audit.record(
        "plan.revision_saved",
        plan,
        revision=revision.number,
        in_place=in_place,
        campaigns=len(clean_campaigns),
        calendar_items=len(clean_calendar),
    )
    number = revision.number
    db.session.commit()
    return get_revision(plan, number=number)


def _has_new_revision(revision: PlanRevision) -> bool:
    """True when no review has looked at this revision yet."""
    reviewed = db.session.scalar(
        select(func.count(Review.id)).where(Review.revision_id == revision.id)
    )
    return not reviewed


def transition(plan: Plan, to: str, membership: Any, *, via_review: bool = False) -> Plan:
    """Move the plan to status ``to`` if the workflow lets this member; commits; audits.

    ``Forbidden`` when the role (or authorship) does not allow it, ``Conflict`` when the
    move does not exist from the current status or needs a review / a new revision first.
    """
    if to not in workflow.STATUSES:
        raise ValidationFailed(_("Unknown status."), {"to": _("Choose a status from the list.")})
    role = getattr(membership, "role", None)
    if role is None or not workflow.can_view(plan.status, role):
        raise NotFound(_("There is no such plan."))
    revision = current_revision(plan)
    is_author = revision.author_id is not None and revision.author_id == membership.user_id
    move = workflow.MOVES.get((plan.status, to))
    has_new = _has_new_revision(revision) if move and move.needs_new_revision else True
    reason = workflow.check(
        plan.status,
        to,
        role,
        via_review=via_review,
        is_author=is_author,
        has_new_revision=has_new,
    )
    if reason == workflow.ROLE:
        raise Forbidden(_("Your role does not allow this."), code="forbidden")
    if reason == workflow.OWN_REVISION:
        raise Forbidden(
            _("You wrote this revision: another consultant must approve it."),
            code="own_revision",
        )
    if reason == workflow.VIA_REVIEW:
        raise Conflict(
            _("Open a review to start reviewing this plan.")
            if to == "in_review"
            else _("Only a completed review can request changes or approve a plan."),
            code="review_required",
        )
    if reason == workflow.NO_NEW_REVISION:
        raise Conflict(
            _("Save a new revision with the requested changes before submitting again."),
            code="revision_required",
        )
    if reason is not None:
        raise Conflict(
            _("A plan cannot move from this status to that one."), code="transition_not_allowed"
        )
    previous = plan.status
    if to == "submitted":
        plan.submitted_at = utcnow()
        plan.reminders_sent = 0
        revision.frozen = True
    plan.status = to
    plan.updated_at = utcnow()
    audit.record("plan.transition", plan, **{"from": previous, "to": to})
    db.session.commit()
    return plan


def available_transitions(plan: Plan, membership: Any, revision: PlanRevision) -> list[str]:
    """The statuses this member can move the plan to with a button."""
    role = getattr(membership, "role", None)
    if role is None:
        return []
    is_author = revision.author_id is not None and revision.author_id == membership.user_id
    has_new = _has_new_revision(revision) if plan.status == "changes_requested" else True
    return workflow.available(plan.status, role, is_author=is_author, has_new_revision=has_new)


# --- comparing ----------------------------------------------------------------------------


def campaign_dict(c: Campaign) -> dict[str, Any]:
    """A campaign as plain values (goal links loaded), for the diff."""
    return {
        "key": c.key,
        "name": c.name,
        "networks": list(c.networks or []),
        "format": c.format,
        "objective": c.objective,
        "kpi": c.kpi,
        "kpi_baseline": c.kpi_baseline,
        "kpi_target": c.kpi_target,
        "audience_id": c.audience_id,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "duration_rationale": c.duration_rationale,
        "budget": c.budget,
        "goal_ids": sorted(link.goal_id for link in c.goal_links),
        "goal_contributions": {link.goal_id: link.contribution for link in c.goal_links},
    }


def revision_dict(revision: PlanRevision, calendar_count: int) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "period_start": revision.period_start,
        "period_end": revision.period_end,
        "campaigns": [campaign_dict(c) for c in revision.campaigns],
        "calendar_count": calendar_count,
    }


def calendar_counts(revision_ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(CalendarItem.revision_id, func.count(CalendarItem.id))
        .where(CalendarItem.revision_id.in_(list(revision_ids)))
        .group_by(CalendarItem.revision_id)
    )
    return dict(rows.all())


def compare(plan: Plan, a_id: Any, b_id: Any) -> tuple[PlanRevision, PlanRevision, RevisionDiff]:
    """What changed from revision ``a`` to revision ``b`` of this plan."""
    a = load_revision(get_revision(plan, a_id).id, with_calendar=False)
    b = load_revision(get_revision(plan, b_id).id, with_calendar=False)
    counts = calendar_counts([a.id, b.id])
    return (
        a,
        b,
        diff_revisions(
            revision_dict(a, counts.get(a.id, 0)), revision_dict(b, counts.get(b.id, 0))
        ),
    )
