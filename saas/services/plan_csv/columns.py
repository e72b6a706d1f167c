"""The two files' columns, each named once with how to read and how to write its cells.

A column maps a CSV header to a field of ``CampaignData`` or ``CalendarItemData``; the
headers, the required columns, the row parser and the export all come from these tables.
Each column has an English header (what exports write) and an Arabic one (the Arabic
template's, with the words of the product's glossary); an import accepts either, and a few
other spellings people use (``HEADER_NAMES``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.i18n import gettext as _
from saas.services.plan_csv.cells import (
    CampaignIndex,
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
    campaigns: CampaignIndex | None = None  # calendar files: the plan's campaigns


Reader = Callable[[str, Names], Any]
Writer = Callable[[Any, Names], str]


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the record's attribute
    read: Reader
    write: Writer
    required: bool = False
    arabic: str = ""  # the Arabic template's header


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


def _campaign(text: str, names: Names) -> str:
    if names.campaigns is None:  # no campaigns given: the cell is a key, checked later
        return text
    return names.campaigns.find(text)


def _campaign_label(value: Any, names: Names) -> str:
    if not value:
        return ""
    return names.campaigns.label(value) if names.campaigns is not None else value


CAMPAIGN_COLUMNS = (
    Column("key", "key", _text, _plain, arabic="المفتاح"),
    Column("name", "name", _text, _plain, required=True, arabic="اسم الحملة"),
    Column(
        "networks",
        "networks",
        _networks,
        lambda v, n: "; ".join(v),
        required=True,
        arabic="المنصات",
    ),
    Column("format", "format", _choice(FORMATS), _plain, required=True, arabic="الصيغة"),
    Column("objective", "objective", _choice(OBJECTIVES), _plain, required=True, arabic="الغاية"),
    Column("kpi", "kpi", _choice(KPIS), _plain, arabic="مؤشر الأداء الأساسي"),
    Column("kpi_baseline", "kpi_baseline", _float, _number, arabic="خط الأساس لمؤشر الأداء"),
    Column("kpi_target", "kpi_target", _float, _number, arabic="القيمة المستهدفة لمؤشر الأداء"),
    Column("audience", "audience_id", _audience, _audience_label, arabic="الجمهور المستهدف"),
    Column("start_date", "start_date", _day, _iso, required=True, arabic="تاريخ البدء"),
    Column("end_date", "end_date", _day, _iso, required=True, arabic="تاريخ الانتهاء"),
    Column("duration_rationale", "duration_rationale", _text, _plain, arabic="مبرر المدة"),
    Column("budget", "budget", _amount, _number, arabic="الميزانية"),
    Column("goals", "goal_links", _goals, _goal_labels, arabic="أهداف الشركة"),
)
CALENDAR_COLUMNS = (
    Column("date", "date", _day, _iso, required=True, arabic="التاريخ"),
    Column("network", "network", _choice(NETWORKS), _plain, required=True, arabic="المنصة"),
    Column("format", "format", _choice(FORMATS), _plain, required=True, arabic="الصيغة"),
    Column("pillar", "pillar", _text, _plain, arabic="محور المحتوى"),
    Column("brief", "brief", _text, _plain, arabic="الموجز"),
    Column("status", "status", _choice(CALENDAR_STATUSES), _plain, arabic="الحالة"),
    # The campaign by its name (or its key, which exports wrote before names).
    Column("campaign", "campaign_key", _campaign, _campaign_label, arabic="الحملة"),
)
COLUMNS = {"campaigns": CAMPAIGN_COLUMNS, "calendar": CALENDAR_COLUMNS}

KINDS = tuple(COLUMNS)
CAMPAIGN_HEADERS = tuple(c.header for c in CAMPAIGN_COLUMNS)
CALENDAR_HEADERS = tuple(c.header for c in CALENDAR_COLUMNS)
HEADERS = {kind: tuple(c.header for c in columns) for kind, columns in COLUMNS.items()}
REQUIRED = {
    kind: tuple(c.header for c in columns if c.required) for kind, columns in COLUMNS.items()
}
ARABIC_HEADERS = {kind: tuple(c.arabic for c in columns) for kind, columns in COLUMNS.items()}

# Other spellings of the headers, by kind: the API's field names, and Arabic words people
# use for the same thing.  Matched after ``header_key`` (case, spaces, Arabic letter forms).
OTHER_NAMES: dict[str, dict[str, str]] = {
    "campaigns": {
        "audience_id": "audience",
        "goal_ids": "goals",
        "الاسم": "name",
        "الحملة": "name",
        "مفتاح الحملة": "key",
        "الشبكات": "networks",
        "الهدف من الحملة": "objective",
        "الجمهور": "audience",
        "الأهداف": "goals",
        "أهداف الشركة المستهدفة": "goals",
    },
    "calendar": {
        "campaign_key": "campaign",
        "campaign_name": "campaign",
        "اسم الحملة": "campaign",
        "مفتاح الحملة": "campaign",
        "الشبكة": "network",
        "المحور": "pillar",
        "الوصف": "brief",
    },
}

_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")  # short vowels, tatweel
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})


def header_key(cell: str) -> str:
    """A header cell as compared: case, spaces, ``-``/``_`` and Arabic vowel marks, tatweel
    and alef forms do not matter (``Start date``, ``start-date`` and ``START_DATE`` agree)."""
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().casefold()
    text = _TASHKEEL.sub("", text).translate(_ALEF)
    return re.sub(r"[\s\-_]+", "_", text).strip("_")


def _header_names(kind: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for other, header in OTHER_NAMES[kind].items():
        names[header_key(other)] = header
    for column in COLUMNS[kind]:
        names[header_key(column.arabic)] = column.header
        names[header_key(column.header)] = column.header
    return names


# header_key(any accepted spelling) → the column's English header, by kind.
HEADER_NAMES = {kind: _header_names(kind) for kind in COLUMNS}


def headers_in(kind: str, language: str) -> tuple[str, ...]:
    """The header row of a file in ``language`` ("ar": Arabic, else English)."""
    return ARABIC_HEADERS[kind] if language == "ar" else HEADERS[kind]
