"""``CampaignData`` / ``CalendarItemData`` → CSV bytes (pure).

UTF-8 with a byte-order mark, so Excel shows Arabic correctly; every cell through
``escape_cell``, so no spreadsheet runs one as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saas.services.plan_csv.cells import CampaignIndex, NameIndex, escape_cell
from saas.services.plan_csv.columns import CALENDAR_COLUMNS, CAMPAIGN_COLUMNS, Column, Names
from saas.services.plan_csv.table import BOM


def write_csv(
    columns: Sequence[Column], records: Iterable[Any], names: Names, language: str = "en"
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.arabic if language == "ar" else column.header for column in columns])
    for record in records:
        writer.writerow(
            [escape_cell(column.write(getattr(record, column.field), names)) for column in columns]
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


def campaigns_csv(
    campaigns: Iterable[Any], goals: Mapping[int, str], audiences: Mapping[int, str]
) -> bytes:
    return write_csv(CAMPAIGN_COLUMNS, campaigns, Names(NameIndex(goals), NameIndex(audiences)))


def calendar_csv(items: Iterable[Any], campaigns: Iterable[Any] | None = None) -> bytes:
    """The calendar; with the plan's ``campaigns``, each item's campaign by name where the
    name reads back to it (else its key)."""
    index = CampaignIndex.of(campaigns) if campaigns is not None else None
    return write_csv(CALENDAR_COLUMNS, items, Names(campaigns=index))
