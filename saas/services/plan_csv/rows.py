"""Table rows → ``CampaignData`` / ``CalendarItemData``, every cell's problem collected.

Pure: the goal and audience names and the plan's campaigns come in as arguments.  What a
cell alone cannot tell (an end before the start, lengths, ranges) the plans service checks
afterwards; ``errors_from_validation`` maps its field keys back to spreadsheet rows.  Errors
name a column as the file's header row does (English or Arabic).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.services.plan_csv.cells import CampaignIndex, NameIndex
from saas.services.plan_csv.columns import CALENDAR_COLUMNS, CAMPAIGN_COLUMNS, Column, Names
from saas.services.plan_csv.errors import CellError, RowError
from saas.services.plan_csv.table import Table
from saas.services.plans import CalendarItemData, CampaignData


class RowNumbers(list[int]):
    """The spreadsheet row of each parsed record, carrying the file's header names, so that
    ``errors_from_validation`` names columns as the file does."""

    def __init__(self, labels: Mapping[str, str] | None = None):
        super().__init__()
        self.labels = dict(labels or {})


class _Row:
    """One spreadsheet row being parsed: every cell's problem is collected, none raised."""

    def __init__(
        self,
        number: int,
        cells: Mapping[str, str],
        errors: list[RowError],
        labels: Mapping[str, str] | None = None,
    ):
        self.number, self.cells, self.errors = number, cells, errors
        self.labels = labels or {}
        self._before = len(errors)

    @property
    def failed(self) -> bool:
        return len(self.errors) > self._before

    def error(self, column: str | None, message: str) -> None:
        label = self.labels.get(column, column) if column else column
        self.errors.append(RowError(self.number, label, message))

    def text(self, column: str) -> str | None:
        return self.cells.get(column) or None

    def read(self, column: Column, names: Names) -> Any:
        """The column's cell read, ``None`` when empty (an error when required)."""
        raw = self.cells.get(column.header, "")
        if not raw:
            if column.required:
                self.error(column.header, _("is required"))
            return None
        try:
            return column.read(raw, names)
        except CellError as err:
            self.error(column.header, err.message)
            return None

    def values(self, columns: Sequence[Column], names: Names) -> dict[str, Any]:
        return {column.field: self.read(column, names) for column in columns}


def _check_key(row: _Row, seen_keys: dict[str, int]) -> None:
    """Two rows with one key would be one campaign twice."""
    key = row.text("key")
    if key is None:
        return
    if key in seen_keys:
        row.error(
            "key",
            _(
                "row %(other)s has the same key; leave the key empty for a new campaign",
                other=seen_keys[key],
            ),
        )
    else:
        seen_keys[key] = row.number


def parse_campaigns(
    table: Table, goals: Mapping[int, str], audiences: Mapping[int, str]
) -> tuple[list[CampaignData], list[int], list[RowError]]:
    """Rows → ``CampaignData`` and their row numbers, and every problem found."""
    names = Names(NameIndex(goals), NameIndex(audiences), table.delimiter)
    campaigns: list[CampaignData] = []
    numbers = RowNumbers(table.labels)
    errors: list[RowError] = []
    seen_keys: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, errors, table.labels)
        _check_key(row, seen_keys)
        values = row.values(CAMPAIGN_COLUMNS, names)
        if row.failed:
            continue
        values["goal_links"] = values["goal_links"] or []
        campaigns.append(CampaignData(**values))
        numbers.append(number)
    return campaigns, numbers, errors


def parse_calendar(
    table: Table, campaigns: Iterable[Any]
) -> tuple[list[CalendarItemData], list[int], list[RowError]]:
    """Rows → ``CalendarItemData`` and their row numbers, and every problem found.

    ``campaigns`` are the plan's campaigns (records with ``key`` and ``name``, or bare keys):
    the ``campaign`` column names one by its name or its key."""
    names = Names(delimiter=table.delimiter, campaigns=CampaignIndex.of(campaigns))
    items: list[CalendarItemData] = []
    numbers = RowNumbers(table.labels)
    errors: list[RowError] = []
    for number, cells in table.rows:
        row = _Row(number, cells, errors, table.labels)
        values = row.values(CALENDAR_COLUMNS, names)
        if row.failed:
            continue
        values["status"] = values["status"] or "planned"
        items.append(CalendarItemData(**values))
        numbers.append(number)
    return items, numbers, errors


def errors_from_validation(
    err: ValidationFailed, kind: str, numbers: Sequence[int], *, only_rows: bool = False
) -> list[RowError]:
    """The plans service's ``campaigns.3.end_date`` field keys → spreadsheet rows.

    ``only_rows`` keeps just the errors about the file's rows (used when some rows were
    already refused, so the rest of the plan was checked without them)."""
    columns = {
        "goal_ids": "goals",
        "goal_contributions": "goals",
        "audience_id": "audience",
        "campaign_key": "campaign",
    }
    labels = getattr(numbers, "labels", {})
    out: list[RowError] = []
    for field, message in (err.fields or {}).items():
        parts = field.split(".")
        if len(parts) >= 2 and parts[0] == kind and parts[1].isascii() and parts[1].isdigit():
            index = int(parts[1])
            row = numbers[index] if index < len(numbers) else None
            column = columns.get(parts[2], parts[2]) if len(parts) > 2 else None
            column = labels.get(column, column) if column else column
            out.append(RowError(row, column, message))
        elif not only_rows:
            out.append(RowError(None, None, message))
    if not out and not only_rows:
        out.append(RowError(None, None, err.message))
    return out
