"""Checking a plan's content before anything is written.

Every problem is collected under a field key a form or a spreadsheet can point at
(``campaigns.3.end_date``, ``calendar.12.network``); one ``ValidationFailed`` answers them
all.  Goals and audiences are looked up through the tenant and brand scope in one query
each, so another brand's or tenant's id is simply "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from saas.domain.ids import parse_id
from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Audience, Goal
from saas.services import validation
from saas.services.errors import ValidationFailed
from saas.services.plans.data import (
    BRIEF_MAX,
    BUDGET_LIMIT,
    KEY_RE,
    KPI_LIMIT,
    MAX_CALENDAR_ITEMS,
    MAX_CAMPAIGNS,
    MAX_DAYS,
    NAME_MAX,
    PILLAR_MAX,
    RATIONALE_MAX,
    TITLE_MAX,
    CalendarItemData,
    CampaignData,
)


def fail(errors: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        _("The plan was not saved: correct the fields marked and save again."), errors
    )


def check_title(title: Any, errors: dict[str, str]) -> str | None:
    """A title of one line; anything but text counts as no title."""
    return validation.text(
        title if isinstance(title, str) else None,
        "title",
        errors,
        limit=TITLE_MAX,
        required=_("Give the plan a title."),
    )


def _kpi_number(value: Any, key: str, errors: dict[str, str]) -> float | None:
    """A KPI value or an expected contribution: a finite number of at most a trillion."""
    message = _("Enter a number between -1,000,000,000,000 and 1,000,000,000,000.")
    return validation.number(
        value,
        key,
        errors,
        low=-KPI_LIMIT,
        high=KPI_LIMIT,
        out_of_range=message,
        not_finite=message,
    )


def _check_span(
    start: Any,
    end: Any,
    keys: tuple[str, str],
    messages: tuple[str, str, str, str],
    errors: dict[str, str],
) -> None:
    """Two days in order, at most two years apart.

    ``messages``: no start, no end, ends before it starts, longer than two years."""
    no_start, no_end, backwards, too_long = messages
    if not validation.is_date(start):
        errors[keys[0]] = no_start
    if not validation.is_date(end):
        errors[keys[1]] = no_end
    if validation.is_date(start) and validation.is_date(end):
        if end < start:
            errors[keys[1]] = backwards
        elif (end - start).days > MAX_DAYS:
            errors[keys[1]] = too_long


def check_period(start: Any, end: Any, errors: dict[str, str]) -> None:
    _check_span(
        start,
        end,
        ("period_start", "period_end"),
        (
            _("Enter the first day of the plan."),
            _("Enter the last day of the plan."),
            _("The plan cannot end before it starts."),
            _("A plan covers at most two years."),
        ),
        errors,
    )


# --- one campaign ---------------------------------------------------------------------------


def _networks(value: Any, key: str, errors: dict[str, str]) -> list[str]:
    networks = list(value) if isinstance(value, list | tuple) else []
    if not networks:
        errors[key] = _("Choose at least one network.")
        return []
    bad = next((n for n in networks if not isinstance(n, str) or n not in NETWORKS), None)
    if bad is not None:
        errors[key] = _("Unknown network “%(value)s”.", value=str(bad)[:40])
    elif len(set(networks)) != len(networks):
        errors[key] = _("Each network only once.")
    return networks


def _vocabulary(c: CampaignData, p: str, errors: dict[str, str]) -> None:
    """Format, objective and (optional) KPI come from the shared vocabulary."""
    _choose(c.format, p + "format", FORMATS, _("Choose a format from the list."), errors)
    _choose(
        c.objective, p + "objective", OBJECTIVES, _("Choose an objective from the list."), errors
    )
    if c.kpi is not None:
        _choose(c.kpi, p + "kpi", KPIS, _("Choose a KPI from the list."), errors)


def _choose(
    value: Any, key: str, options: tuple[str, ...], message: str, errors: dict[str, str]
) -> None:
    validation.choice(value, key, errors, options=options, message=message)


def _audience_id(value: Any, key: str, errors: dict[str, str]) -> int | None:
    if value is not None and not validation.is_int(value):
        errors[key] = _("Choose an audience from the list.")
        return None
    return value


def _budget(value: Any, key: str, errors: dict[str, str]) -> Decimal | None:
    """A non-negative amount up to ``BUDGET_LIMIT``, to the cent."""
    if value is None:
        return None
    try:
        if not validation.is_number(value):
            raise InvalidOperation
        budget = Decimal(str(value))
        if not budget.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[key] = _("Enter the budget as a number.")
        return None
    if budget < 0:
        errors[key] = _("The budget cannot be negative.")
    elif budget > BUDGET_LIMIT:
        errors[key] = _("The budget is too large.")
    else:
        return budget.quantize(Decimal("0.01"))
    return None


def _goal_links(
    value: Any, p: str, errors: dict[str, str]
) -> tuple[list[tuple[int, float | None]], set[int]]:
    """(goal id, expected contribution) pairs, each goal once; and the ids to look up."""
    goal_ids: set[int] = set()
    links: list[tuple[int, float | None]] = []
    if not isinstance(value, list | tuple):
        errors[p + "goal_ids"] = _("Choose goals from the list.")
        return links, goal_ids
    for link in value:
        try:
            goal_id, contribution = link
        except (TypeError, ValueError):
            errors[p + "goal_ids"] = _("Choose goals from the list.")
            break
        if not validation.is_int(goal_id):
            errors[p + "goal_ids"] = _("Choose goals from the list.")
            break
        if goal_id in goal_ids:
            errors[p + "goal_ids"] = _("Link each goal only once.")
            break
        goal_ids.add(goal_id)
        links.append((goal_id, _kpi_number(contribution, p + "goal_contributions", errors)))
    return links, goal_ids


def _key(value: Any, key: str, errors: dict[str, str], keys: set[str]) -> None:
    """A campaign key, unique in the plan (``keys`` collects those seen so far)."""
    if value is None:
        return
    if not isinstance(value, str) or not KEY_RE.match(value):
        errors[key] = _("A campaign key is 1 to 32 letters, digits, - or _.")
    elif value in keys:
        errors[key] = _("Two campaigns share this key.")
    else:
        keys.add(value)


def clean_campaign(
    i: int, c: Any, errors: dict[str, str], keys: set[str]
) -> tuple[CampaignData | None, set[int], int | None]:
    """Check one campaign; returns the cleaned copy (``None`` on any problem), the goal
    ids and the audience id it names (looked up afterwards, for all campaigns at once)."""
    p = f"campaigns.{i}."
    if not isinstance(c, CampaignData):
        errors[f"campaigns.{i}"] = _("Not a campaign.")
        return None, set(), None
    before = len(errors)
    name = validation.text(
        c.name if isinstance(c.name, str) else None,
        p + "name",
        errors,
        limit=NAME_MAX,
        required=_("Name the campaign."),
    )
    networks = _networks(c.networks, p + "networks", errors)
    _vocabulary(c, p, errors)
    baseline = _kpi_number(c.kpi_baseline, p + "kpi_baseline", errors)
    target = _kpi_number(c.kpi_target, p + "kpi_target", errors)
    audience_id = _audience_id(c.audience_id, p + "audience_id", errors)
    _check_span(
        c.start_date,
        c.end_date,
        (p + "start_date", p + "end_date"),
        (
            _("Enter the start date."),
            _("Enter the end date."),
            _("The campaign cannot end before it starts."),
            _("A campaign lasts at most two years."),
        ),
        errors,
    )
    rationale = validation.text(
        c.duration_rationale,
        p + "duration_rationale",
        errors,
        limit=RATIONALE_MAX,
        multiline=True,
    )
    budget = _budget(c.budget, p + "budget", errors)
    links, goal_ids = _goal_links(c.goal_links, p, errors)
    _key(c.key, p + "key", errors, keys)
    if len(errors) > before:
        return None, goal_ids, audience_id
    cleaned = replace(
        c,
        name=name,
        networks=networks,
        kpi_baseline=baseline,
        kpi_target=target,
        duration_rationale=rationale,
        budget=budget,
        goal_links=links,
    )
    return cleaned, goal_ids, audience_id


# --- one calendar item ----------------------------------------------------------------------


def clean_item(
    i: int, item: Any, errors: dict[str, str], keys: set[str]
) -> CalendarItemData | None:
    """Check one calendar item; ``keys`` are the plan's campaign keys it may name."""
    p = f"calendar.{i}."
    if not isinstance(item, CalendarItemData):
        errors[f"calendar.{i}"] = _("Not a calendar item.")
        return None
    before = len(errors)
    if not validation.is_date(item.date):
        errors[p + "date"] = _("Enter the date.")
    _choose(item.network, p + "network", NETWORKS, _("Choose a network from the list."), errors)
    _choose(item.format, p + "format", FORMATS, _("Choose a format from the list."), errors)
    _choose(
        item.status, p + "status", CALENDAR_STATUSES, _("Choose a status from the list."), errors
    )
    pillar = validation.text(item.pillar, p + "pillar", errors, limit=PILLAR_MAX, multiline=True)
    brief = validation.text(item.brief, p + "brief", errors, limit=BRIEF_MAX, multiline=True)
    if item.campaign_key is not None and item.campaign_key not in keys:
        errors[p + "campaign_key"] = _("No campaign in this plan has this key.")
    if len(errors) > before:
        return None
    return replace(item, pillar=pillar, brief=brief)


# --- the whole content ----------------------------------------------------------------------


def _bounded_lists(
    campaigns: Any, calendar: Any, errors: dict[str, str]
) -> tuple[Sequence[Any], Sequence[Any]]:
    """The two lists, or empty ones where they are not lists or are too long."""
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
    return campaigns, calendar


def _known(model: type[Goal] | type[Audience], brand_id: int, ids: set[int]) -> set[int]:
    """Which of ``ids`` name a goal or audience of this brand that the caller may see."""
    valid = sorted(i for i in ids if parse_id(i) is not None)
    if not valid:
        return set()
    return set(
        db.session.scalars(select(model.id).where(model.brand_id == brand_id, model.id.in_(valid)))
    )


def _check_references(
    brand_id: int,
    wanted_goals: dict[int, set[int]],
    wanted_audiences: dict[int, int],
    errors: dict[str, str],
) -> None:
    """One query each: a goal or audience of another brand or tenant is simply not found."""
    known_goals = _known(Goal, brand_id, {i for ids in wanted_goals.values() for i in ids})
    for i, goal_ids in wanted_goals.items():
        missing = sorted(goal_ids - known_goals)
        if missing:
            errors.setdefault(f"campaigns.{i}.goal_ids", _("Unknown goal %(id)s.", id=missing[0]))
    if not wanted_audiences:
        return
    known_audiences = _known(Audience, brand_id, set(wanted_audiences.values()))
    for i, audience_id in wanted_audiences.items():
        if audience_id not in known_audiences:
            errors.setdefault(
                f"campaigns.{i}.audience_id", _("Unknown audience %(id)s.", id=audience_id)
            )


def clean_content(
    brand_id: int,
    campaigns: Sequence[CampaignData],
    calendar: Sequence[CalendarItemData],
    period_start: Any,
    period_end: Any,
    errors: dict[str, str],
) -> tuple[list[CampaignData], list[CalendarItemData]]:
    """The plan's period, campaigns and calendar, cleaned; problems go to ``errors``."""
    check_period(period_start, period_end, errors)
    campaigns, calendar = _bounded_lists(campaigns, calendar, errors)
    keys: set[str] = set()
    clean_campaigns: list[CampaignData] = []
    wanted_goals: dict[int, set[int]] = {}
    wanted_audiences: dict[int, int] = {}
    for i, c in enumerate(campaigns):
        cleaned, goal_ids, audience_id = clean_campaign(i, c, errors, keys)
        if cleaned is not None:
            clean_campaigns.append(cleaned)
        wanted_goals[i] = goal_ids
        if audience_id is not None:
            wanted_audiences[i] = audience_id
    _check_references(brand_id, wanted_goals, wanted_audiences, errors)
    clean_items = [clean_item(i, item, errors, keys) for i, item in enumerate(calendar)]
    return clean_campaigns, [item for item in clean_items if item is not None]


def validate_campaigns(
    brand_id: int,
    campaigns: Sequence[CampaignData],
    calendar: Sequence[CalendarItemData],
    period_start: date,
    period_end: date,
) -> None:
    """Raise ``ValidationFailed`` (fields like ``campaigns.3.end_date``) or return."""
    errors: dict[str, str] = {}
    clean_content(brand_id, campaigns, calendar, period_start, period_end, errors)
    if errors:
        raise fail(errors)
