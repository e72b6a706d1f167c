"""``CampaignData`` / ``CalendarItemData`` → CSV bytes (pure).

UTF-8 with a byte-order mark, so Excel shows Arabic correctly; every cell through
``escape_cell``, so no spreadsheet runs one as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saas.services.plan_csv.cells import NameIndex, escape_cell
from saas.services.plan_csv.columns import CALENDAR_COLUMNS, CAMPAIGN_COLUMNS, Column, Names
from saas.services.plan_csv.table import BOM


def _write(columns: Sequence[Column], records: Iterable[Any], names: Names) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for record in records:
        writer.writerow(
            [escape_cell(column.write(getattr(record, column.field), names)) for column in columns]
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


def campaigns_csv(
    campaigns: Iterable[Any], goals: Mapping[int, str], audiences: Mapping[int, str]
) -> bytes:
    return _write(CAMPAIGN_COLUMNS, campaigns, Names(NameIndex(goals), NameIndex(audiences)))


def calendar_csv(items: Iterable[Any]) -> bytes:
    return _write(CALENDAR_COLUMNS, items, Names())
