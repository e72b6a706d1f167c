"""The database side of CSV import and export: load what the pure modules need (goal and
audience names, the current revision) through the tenant scope, save through
``plans.save_revision``.  An import is all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Audience, Goal, Plan, PlanRevision
from saas.services import audit, plans
from saas.services.errors import ValidationFailed
from saas.services.plan_csv.columns import KINDS
from saas.services.plan_csv.errors import ImportConflict, ImportRejected, RowError, reject
from saas.services.plan_csv.export import calendar_csv, campaigns_csv
from saas.services.plan_csv.rows import errors_from_validation, parse_calendar, parse_campaigns
from saas.services.plan_csv.table import Table, decode, read_table
from saas.services.plans import CalendarItemData, CampaignData, EditConflict
from saas.transactions import use_case


@dataclass
class ImportResult:
    revision: Any
    kind: str
    count: int
    detached: int = 0  # calendar items whose campaign left the plan (kept, unlinked)


def _brand_names(brand_id: int) -> tuple[dict[int, str], dict[int, str]]:
    goals = dict(
        db.session.execute(select(Goal.id, Goal.title).where(Goal.brand_id == brand_id)).all()
    )
    audiences = dict(
        db.session.execute(
            select(Audience.id, Audience.name).where(Audience.brand_id == brand_id)
        ).all()
    )
    return goals, audiences


def export_csv(plan: Plan, kind: str, revision: PlanRevision | None = None) -> bytes:
    """The CSV of ``revision`` (default: the plan's current one)."""
    if kind not in KINDS:
        raise ValueError(kind)
    revision = revision or plans.current_revision(plan)
    loaded = plans.load_revision(revision.id, with_calendar=True)
    campaigns, calendar = plans.revision_data(loaded)
    if kind == "calendar":
        return calendar_csv(calendar, campaigns)
    goals, audiences = _brand_names(plan.brand_id)
    return campaigns_csv(campaigns, goals, audiences)


def _detach(calendar: list[CalendarItemData], table: Table) -> tuple[list[CalendarItemData], int]:
    """Calendar items of campaigns no longer in the file stay, without their campaign."""
    in_file = {cells.get("key") for _n, cells in table.rows} - {"", None}
    kept, detached = [], 0
    for item in calendar:
        if item.campaign_key and item.campaign_key not in in_file:
            item = replace(item, campaign_key=None)
            detached += 1
        kept.append(item)
    return kept, detached


@dataclass
class _Parsed:
    """The revision's content with the file's rows in place of the old ones."""

    campaigns: list[CampaignData]
    calendar: list[CalendarItemData]
    numbers: list[int]
    errors: list[RowError]
    detached: int = 0


def _parse(plan: Plan, table: Table, current: PlanRevision) -> _Parsed:
    campaigns, calendar = plans.revision_data(current)
    if table.kind == "campaigns":
        goals, audiences = _brand_names(plan.brand_id)
        campaigns, numbers, errors = parse_campaigns(table, goals, audiences)
        calendar, detached = _detach(calendar, table)
        return _Parsed(campaigns, calendar, numbers, errors, detached)
    calendar, numbers, errors = parse_calendar(table, campaigns)
    return _Parsed(campaigns, calendar, numbers, errors)


def _check(plan: Plan, kind: str, parsed: _Parsed, current: PlanRevision) -> None:
    """The plans service checks what a cell alone cannot tell (end before start, lengths,
    ranges); with rows already refused, check the others alone so all errors show at once."""
    errors = parsed.errors
    check_calendar = parsed.calendar if not (errors and kind == "campaigns") else []
    try:
        plans.validate_campaigns(
            plan.brand_id,
            parsed.campaigns,
            check_calendar,
            current.period_start,
            current.period_end,
        )
    except ValidationFailed as err:
        errors += errors_from_validation(err, kind, parsed.numbers, only_rows=bool(errors))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row or 0))


@use_case
def import_csv(
    plan: Plan,
    kind: str,
    data: bytes,
    filename: str | None,
    author: Any,
    *,
    expected_version: int | None = None,
) -> ImportResult:
    """Replace the current revision's campaigns or calendar with a CSV's rows, or refuse the
    whole file.  ``save_revision`` puts it in the plan's working draft, like any edit: the
    first save after "changes requested" starts the cycle's draft, later ones update it.

    One use case: the revision and its audit row are written together or not at all.
    ``expected_version`` is the plan version the import page was opened on: when someone
    saved since, ``ImportConflict`` (an ``EditConflict``, 409) with the file's content, and
    nothing is saved (the same compare-and-set as every save, see ``plans.versions``)."""
    if kind not in KINDS:
        raise reject(_("Choose what the file holds: campaigns or calendar."))
    table = read_table(decode(data, filename), kind)
    current = plans.load_revision(plans.current_revision(plan).id, with_calendar=True)
    parsed = _parse(plan, table, current)
    _check(plan, kind, parsed, current)
    try:
        revision = plans.save_revision(
            plan,
            campaigns=parsed.campaigns,
            calendar=parsed.calendar,
            author=author,
            expected_version=expected_version,
        )
    except EditConflict as err:
        raise ImportConflict(err.current_version, kind, parsed.campaigns, parsed.calendar) from None
    except ValidationFailed as err:
        raise ImportRejected(errors_from_validation(err, kind, parsed.numbers)) from None
    count = len(table.rows)
    audit.record(
        "plan.csv_imported",
        plan,
        kind=kind,
        rows=count,
        revision=revision.number,
        filename=(filename or "")[:120] or None,
    )
    return ImportResult(revision=revision, kind=kind, count=count, detached=parsed.detached)
