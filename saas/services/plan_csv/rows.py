"""Table rows → ``CampaignData`` / ``CalendarItemData``, every cell's problem collected.

Pure: the goal and audience names come in as mappings.  What a cell alone cannot tell (an
end before the start, lengths, ranges) the plans service checks afterwards;
``errors_from_validation`` maps its field keys back to spreadsheet rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.services.plan_csv.cells import NameIndex
from saas.services.plan_csv.columns import CALENDAR_COLUMNS, CAMPAIGN_COLUMNS, Column, Names
from saas.services.plan_csv.errors import CellError, RowError
from saas.services.plan_csv.table import Table
from saas.services.plans import CalendarItemData, CampaignData


class _Row:
    """One spreadsheet row being parsed: every cell's problem is collected, none raised."""

    def __init__(self, number: int, cells: Mapping[str, str], errors: list[RowError]):
        self.number, self.cells, self.errors = number, cells, errors
        self._before = len(errors)

    @property
    def failed(self) -> bool:
        return len(self.errors) > self._before

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

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
    numbers: list[int] = []
    errors: list[RowError] = []
    seen_keys: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, errors)
        _check_key(row, seen_keys)
        values = row.values(CAMPAIGN_COLUMNS, names)
        if row.failed:
            continue
        values["goal_links"] = values["goal_links"] or []
        campaigns.append(CampaignData(**values))
        numbers.append(number)
    return campaigns, numbers, errors


def parse_calendar(
    table: Table, campaign_keys: Iterable[str]
) -> tuple[list[CalendarItemData], list[int], list[RowError]]:
    """Rows → ``CalendarItemData`` and their row numbers, and every problem found."""
    names = Names(delimiter=table.delimiter)
    keys = set(campaign_keys)
    items: list[CalendarItemData] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    for number, cells in table.rows:
        row = _Row(number, cells, errors)
        values = row.values(CALENDAR_COLUMNS, names)
        campaign_key = values["campaign_key"]
        if campaign_key is not None and campaign_key not in keys:
            row.error(
                "campaign_key",
                _("no campaign of this plan has the key “%(key)s”", key=campaign_key),
            )
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
    columns = {"goal_ids": "goals", "goal_contributions": "goals", "audience_id": "audience"}
    out: list[RowError] = []
    for field, message in (err.fields or {}).items():
        parts = field.split(".")
        if len(parts) >= 2 and parts[0] == kind and parts[1].isascii() and parts[1].isdigit():
            index = int(parts[1])
            row = numbers[index] if index < len(numbers) else None
            column = columns.get(parts[2], parts[2]) if len(parts) > 2 else None
            out.append(RowError(row, column, message))
        elif not only_rows:
            out.append(RowError(None, None, message))
    if not out and not only_rows:
        out.append(RowError(None, None, err.message))
    return out
