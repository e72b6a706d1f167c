"""The two files' columns, each named once with how to read and how to write its cells.

A column maps a CSV header to a field of ``CampaignData`` or ``CalendarItemData``; the
headers, the required columns, the row parser and the export all come from these tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.i18n import gettext as _
from saas.services.plan_csv.cells import (
    NameIndex,
    format_goal_links,
    format_number,
    parse_audience,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_float,
    parse_goal_links,
    parse_networks,
)
from saas.services.plan_csv.errors import CellError


@dataclass(frozen=True)
class Names:
    """What reading or writing a cell may need beyond the cell: the brand's goal and
    audience names and the file's delimiter (``;`` files write decimal commas)."""

    goals: NameIndex = field(default_factory=lambda: NameIndex({}))
    audiences: NameIndex = field(default_factory=lambda: NameIndex({}))
    delimiter: str = ","


Reader = Callable[[str, Names], Any]
Writer = Callable[[Any, Names], str]


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the record's attribute
    read: Reader
    write: Writer
    required: bool = False


def _text(text: str, names: Names) -> str:
    return text


def _plain(value: Any, names: Names) -> str:
    return value or ""


def _choice(choices: tuple[str, ...]) -> Reader:
    return lambda text, names: parse_choice(text, choices)


def _networks(text: str, names: Names) -> list[str]:
    networks = parse_networks(text)
    if not networks:  # only separators
        raise CellError(_("is required"))
    return networks


def _day(text: str, names: Names) -> Any:
    return parse_date(text)


def _iso(value: Any, names: Names) -> str:
    return value.isoformat() if value is not None else ""


def _float(text: str, names: Names) -> float:
    return parse_float(text, names.delimiter)


def _amount(text: str, names: Names) -> Any:
    return parse_decimal(text, names.delimiter)


def _number(value: Any, names: Names) -> str:
    return format_number(value)


def _audience(text: str, names: Names) -> int:
    return parse_audience(text, names.audiences)


def _audience_label(value: Any, names: Names) -> str:
    return names.audiences.label(value) if value is not None else ""


def _goals(text: str, names: Names) -> list[tuple[int, float | None]]:
    return parse_goal_links(text, names.goals, names.delimiter)


def _goal_labels(value: Any, names: Names) -> str:
    return format_goal_links(value, names.goals)


CAMPAIGN_COLUMNS = (
    Column("key", "key", _text, _plain),
    Column("name", "name", _text, _plain, required=True),
    Column("networks", "networks", _networks, lambda v, n: "; ".join(v), required=True),
    Column("format", "format", _choice(FORMATS), _plain, required=True),
    Column("objective", "objective", _choice(OBJECTIVES), _plain, required=True),
    Column("kpi", "kpi", _choice(KPIS), _plain),
    Column("kpi_baseline", "kpi_baseline", _float, _number),
    Column("kpi_target", "kpi_target", _float, _number),
    Column("audience", "audience_id", _audience, _audience_label),
    Column("start_date", "start_date", _day, _iso, required=True),
    Column("end_date", "end_date", _day, _iso, required=True),
    Column("duration_rationale", "duration_rationale", _text, _plain),
    Column("budget", "budget", _amount, _number),
    Column("goals", "goal_links", _goals, _goal_labels),
)
CALENDAR_COLUMNS = (
    Column("date", "date", _day, _iso, required=True),
    Column("network", "network", _choice(NETWORKS), _plain, required=True),
    Column("format", "format", _choice(FORMATS), _plain, required=True),
    Column("pillar", "pillar", _text, _plain),
    Column("brief", "brief", _text, _plain),
    Column("status", "status", _choice(CALENDAR_STATUSES), _plain),
    Column("campaign_key", "campaign_key", _text, _plain),
)
COLUMNS = {"campaigns": CAMPAIGN_COLUMNS, "calendar": CALENDAR_COLUMNS}

KINDS = tuple(COLUMNS)
CAMPAIGN_HEADERS = tuple(c.header for c in CAMPAIGN_COLUMNS)
CALENDAR_HEADERS = tuple(c.header for c in CALENDAR_COLUMNS)
HEADERS = {kind: tuple(c.header for c in columns) for kind, columns in COLUMNS.items()}
REQUIRED = {
    kind: tuple(c.header for c in columns if c.required) for kind, columns in COLUMNS.items()
}
