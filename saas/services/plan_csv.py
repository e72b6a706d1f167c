"""CSV import and export of a plan revision's campaigns and content calendar.

Two layers in one module, kept apart:

* pure functions (``decode``, ``read_table``, ``parse_campaigns``, ``parse_calendar``,
  ``campaigns_csv``, ``calendar_csv``) turn bytes into validated ``CampaignData`` /
  ``CalendarItemData`` and back, with no database and no request: they are tested alone;
* ``export_csv`` and ``import_csv`` load what the pure part needs (goal and audience names,
  the current revision) through the tenant scope, and save through ``plans.save_revision``.

An import is all or nothing: every row is checked, every problem is reported with the row
number a person sees in their spreadsheet (the header is row 1), and if any row fails
nothing is saved.  Exports are UTF-8 with a byte-order mark (so Excel shows Arabic
correctly) and neutralise spreadsheet formulas: a cell that starts with ``= + - @`` (or a
tab / carriage return) is prefixed with ``'``; the import removes that prefix again, so an
export imports back unchanged.

Goals and audiences are written by *name* for people, matched case-insensitively on import;
a name that is ambiguous (two goals with the same title) or that could be mistaken for an
id is written as ``#<id>``.  A goal's expected contribution follows its name in brackets:
``Grow sales (40); #12 (5)``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed

KINDS = ("campaigns", "calendar")
CAMPAIGN_HEADERS = (
    "key",
    "name",
    "networks",
    "format",
    "objective",
    "kpi",
    "kpi_baseline",
    "kpi_target",
    "audience",
    "start_date",
    "end_date",
    "duration_rationale",
    "budget",
    "goals",
)
CALENDAR_HEADERS = ("date", "network", "format", "pillar", "brief", "status", "campaign_key")
HEADERS = {"campaigns": CAMPAIGN_HEADERS, "calendar": CALENDAR_HEADERS}
# The API's names for the same columns are accepted too.
HEADER_ALIASES = {"audience_id": "audience", "goal_ids": "goals"}
REQUIRED = {
    "campaigns": ("name", "networks", "format", "objective", "start_date", "end_date"),
    "calendar": ("date", "network", "format"),
}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = {"campaigns": 500, "calendar": 10_000}
BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_REPORTED_ERRORS = 200

# Spellings people type for the vocabulary ids.
ALIASES = {
    "twitter": "x",
    "x_(twitter)": "x",
    "twitter_(x)": "x",
    "ig": "instagram",
    "fb": "facebook",
    "reel": "short_video",
    "reels": "short_video",
    "short": "short_video",
    "shorts": "short_video",
    "stories": "story",
    "posts": "post",
    "ads": "ad",
    "video": "long_video",
}
_LIST_SPLIT = re.compile(r"[;\u061b]")  # ; and the Arabic semicolon
_NETWORK_SPLIT = re.compile(r"[;\u061b,|/\u060c]")
_CONTRIBUTION = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<value>[^()]*?)\s*\)$", re.S)
_ID_REF = re.compile(r"^#?\d+$")
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (None: the file as a whole)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _(
                "Row %(row)s, %(column)s: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        return _("Row %(row)s: %(message)s", row=self.row, message=self.message)


class ImportRejected(ValidationFailed):
    """The file was refused; ``errors`` lists every problem found (nothing was saved)."""

    def __init__(self, errors: Sequence[RowError]):
        errors = list(errors)
        if len(errors) == 1 and errors[0].row is None:
            message = errors[0].message
        else:
            message = _(
                "Nothing was imported: %(count)s problems were found. Fix them in the file "
                "and import it again.",
                count=len(errors),
            )
        super().__init__(message, fields={"file": message})
        self.errors = errors


def _reject(message: str) -> ImportRejected:
    return ImportRejected([RowError(None, None, message)])


class _CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- cells ----------------------------------------------------------------------------------


def escape_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet will run as a formula.

    Plain numbers (``-12.5``) are left alone; any other text starting with a formula
    trigger, or with the ``'`` escape itself, gets a leading ``'``.
    """
    text = "" if value is None else str(value)
    if not text or _NUMERIC.match(text):
        return text
    if text.startswith(FORMULA_TRIGGERS) or text.startswith("'"):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo ``escape_cell``: drop one ``'`` in front of a formula trigger or another ``'``."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


def format_number(value: float | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _ascii_digits(text: str) -> str:
    """Arabic-Indic and other decimal digits → 0-9 (Excel in Arabic may write them)."""
    out = []
    for ch in text:
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None and not ch.isascii() else ch)
    return "".join(out)


def _number_text(text: str, delimiter: str) -> str:
    cleaned = _ascii_digits(text).replace("\u066b", ".").replace("\u066c", ",")
    cleaned = re.sub(r"[\s\u00a0\u202f_]", "", cleaned)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned) and delimiter != ";":
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")  # a decimal comma (European spreadsheets)
    return cleaned


def parse_float(text: str, delimiter: str = ",") -> float:
    try:
        value = float(_number_text(text, delimiter))
    except ValueError:
        raise _CellError(_("must be a number, like 1500 or 2.5")) from None
    if not math.isfinite(value):
        raise _CellError(_("must be a number, like 1500 or 2.5"))
    return value


def parse_decimal(text: str, delimiter: str = ",") -> Decimal:
    try:
        value = Decimal(_number_text(text, delimiter))
    except InvalidOperation:
        raise _CellError(_("must be an amount, like 1500 or 1500.50")) from None
    if not value.is_finite():
        raise _CellError(_("must be an amount, like 1500 or 1500.50"))
    return value


def parse_date(text: str) -> date:
    cleaned = _ascii_digits(text).strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", cleaned)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise _CellError(_("must be a date written as year-month-day, like 2027-03-31"))


def _vocabulary_id(text: str) -> str:
    ident = re.sub(r"[\s\-]+", "_", text.strip().casefold())
    return ALIASES.get(ident, ident)


def parse_choice(text: str, choices: Sequence[str]) -> str:
    ident = _vocabulary_id(text)
    if ident not in choices:
        raise _CellError(
            _(
                "“%(value)s” is not one of: %(choices)s",
                value=text.strip(),
                choices=", ".join(choices),
            )
        )
    return ident


def parse_networks(text: str) -> list[str]:
    networks: list[str] = []
    for part in _NETWORK_SPLIT.split(text):
        if part.strip():
            network = parse_choice(part, NETWORKS)
            if network not in networks:
                networks.append(network)
    return networks


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class NameIndex:
    """Names → ids for goals or audiences of one brand, and the reverse for export."""

    def __init__(self, names: Mapping[int, str]):
        self.names = dict(names)
        self._by_name: dict[str, list[int]] = {}
        for ident, name in self.names.items():
            self._by_name.setdefault(_name_key(name), []).append(ident)

    def label(self, ident: int) -> str:
        """The name when it reads back unambiguously, else ``#<id>``."""
        name = self.names.get(ident)
        if (
            name is None
            or name != name.strip()
            or not name
            or len(self._by_name.get(_name_key(name), ())) != 1
            or _LIST_SPLIT.search(name)
            or _ID_REF.match(name)
            or name.startswith(("'", *FORMULA_TRIGGERS))
        ):
            return f"#{ident}"
        return name

    def find(self, ref: str) -> int | None:
        """The id a reference names, ``None`` if nothing; raises when it is ambiguous."""
        ref = _ascii_digits(ref.strip())
        if _ID_REF.match(ref):
            ident = int(ref.lstrip("#"))
            if ident in self.names:
                return ident
        found = self._by_name.get(_name_key(ref), [])
        if len(found) > 1:
            raise _CellError(
                _("“%(name)s” names more than one; write its id instead, like #12", name=ref)
            )
        return found[0] if found else None


def parse_goal_links(
    text: str, goals: NameIndex, delimiter: str = ","
) -> list[tuple[int, float | None]]:
    links: list[tuple[int, float | None]] = []
    for part in _LIST_SPLIT.split(text):
        ref = part.strip()
        if not ref:
            continue
        goal_id, contribution = goals.find(ref), None
        if goal_id is None:
            match = _CONTRIBUTION.match(ref)
            if match:
                goal_id = goals.find(match["name"])
                if goal_id is not None:
                    contribution = parse_float(match["value"], delimiter)
        if goal_id is None:
            raise _CellError(_("Unknown goal “%(name)s”", name=ref))
        if any(existing == goal_id for existing, _c in links):
            raise _CellError(_("the goal “%(name)s” is listed twice", name=ref))
        links.append((goal_id, contribution))
    return links


def format_goal_links(links: Iterable[tuple[int, float | None]], goals: NameIndex) -> str:
    parts = []
    for goal_id, contribution in links:
        label = goals.label(goal_id)
        if contribution is not None:
            label = f"{label} ({format_number(contribution)})"
        parts.append(label)
    return "; ".join(parts)


# --- files and tables -------------------------------------------------------------------------


def decode(data: bytes, filename: str | None = None) -> str:
    """Uploaded bytes → text, or a clear refusal (wrong type, empty, too big, not UTF-8)."""
    if filename and not filename.lower().endswith((".csv", ".txt", ".tsv")):
        raise _reject(
            _(
                "Choose a CSV file (ending in .csv). In Excel or Google Sheets, save or "
                "download the sheet as “CSV UTF-8”."
            )
        )
    if len(data) > MAX_BYTES:
        raise _reject(
            _("The file is larger than %(mb)s MB. Split it into smaller files.", mb=MAX_BYTES >> 20)
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject(
            _(
                "This is a spreadsheet workbook, not a CSV file. In Excel or Google Sheets, "
                "save or download the sheet as “CSV UTF-8” and import that file."
            )
        )
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(
            _(
                "The file is not UTF-8 text. In Excel choose “CSV UTF-8 (comma delimited)” "
                "when saving, so Arabic and other letters survive."
            )
        ) from None
    text = text.lstrip(BOM)
    if "\x00" in text:
        raise _reject(_("This does not look like a CSV file. Choose a .csv file."))
    if not text.strip():
        raise _reject(_("The file is empty."))
    return text


def sniff_delimiter(text: str) -> str:
    """``,`` ``;`` or tab, whichever the header row uses most (Excel in many locales: ``;``)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_name(cell: str) -> str:
    name = cell.strip().strip(BOM).strip().casefold()
    name = re.sub(r"[\s\-]+", "_", name)
    return HEADER_ALIASES.get(name, name)


@dataclass
class Table:
    kind: str
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)


def read_table(text: str, kind: str) -> Table:
    """Read the header and the rows; refuses unknown, missing or repeated columns and files
    with too many rows.  Wholly empty rows are skipped but still counted for numbering."""
    expected = HEADERS[kind]
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header_cells = next(reader, [])
        headers = [_header_name(c) for c in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        if not any(headers):
            raise _reject(
                _("The first row must name the columns: %(cols)s", cols=", ".join(expected))
            )
        unknown = [h or "?" for h in headers if h not in expected]
        repeated = sorted({h for h in headers if h and headers.count(h) > 1})
        missing = [h for h in REQUIRED[kind] if h not in headers]
        if unknown:
            errors.append(
                RowError(
                    1,
                    None,
                    _(
                        "unknown columns: %(unknown)s. The columns are: %(cols)s",
                        unknown=", ".join(unknown),
                        cols=", ".join(expected),
                    ),
                )
            )
        if repeated:
            errors.append(
                RowError(1, None, _("repeated columns: %(cols)s", cols=", ".join(repeated)))
            )
        if missing:
            errors.append(
                RowError(
                    1,
                    None,
                    _("missing columns: %(cols)s", cols=", ".join(missing)),
                )
            )
        if errors:
            raise ImportRejected(errors)
        limit = MAX_ROWS[kind]
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= limit:
                raise _reject(
                    _(
                        "The file has more than %(max)s rows. Split it, or remove rows you do "
                        "not need.",
                        max=limit,
                    )
                )
            extra = [c for c in record[len(headers) :] if c.strip()]
            if extra:
                errors.append(
                    RowError(number, None, _("this row has more cells than there are columns"))
                )
            cells = {
                h: unescape_cell(record[i]).strip() if i < len(record) else ""
                for i, h in enumerate(headers)
            }
            rows.append((number, cells))
    except csv.Error as err:
        raise _reject(
            _(
                "The file could not be read as CSV near line %(line)s (%(detail)s).",
                line=reader.line_num,
                detail=str(err),
            )
        ) from None
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise _reject(_("The file has a header row but no rows under it."))
    return Table(kind=kind, delimiter=delimiter, headers=headers, rows=rows)


# --- rows → service data --------------------------------------------------------------------


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

    def get(self, column: str, parse: Any, *args: Any, required: bool = False) -> Any:
        raw = self.cells.get(column, "")
        if not raw:
            if required:
                self.error(column, _("is required"))
            return None
        try:
            return parse(raw, *args)
        except _CellError as err:
            self.error(column, err.message)
            return None


def parse_campaigns(
    table: Table, goals: Mapping[int, str], audiences: Mapping[int, str]
) -> tuple[list[Any], list[int], list[RowError]]:
    """Rows → ``CampaignData`` and their row numbers, and every problem found."""
    from saas.services.plans import CampaignData

    goal_index, audience_index = NameIndex(goals), NameIndex(audiences)
    d = table.delimiter
    campaigns: list[Any] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    seen_keys: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, errors)
        key = row.text("key")
        if key is not None:
            if key in seen_keys:
                row.error(
                    "key",
                    _(
                        "row %(other)s has the same key; leave the key empty for a new campaign",
                        other=seen_keys[key],
                    ),
                )
            else:
                seen_keys[key] = number
        name = row.get("name", str, required=True)
        networks = row.get("networks", parse_networks, required=True)
        if networks == []:
            row.error("networks", _("is required"))
        fmt = row.get("format", parse_choice, FORMATS, required=True)
        objective = row.get("objective", parse_choice, OBJECTIVES, required=True)
        kpi = row.get("kpi", parse_choice, KPIS)
        kpi_baseline = row.get("kpi_baseline", parse_float, d)
        kpi_target = row.get("kpi_target", parse_float, d)
        audience_id = row.get("audience", _find_audience, audience_index)
        start_date = row.get("start_date", parse_date, required=True)
        end_date = row.get("end_date", parse_date, required=True)
        budget = row.get("budget", parse_decimal, d)
        goal_links = row.get("goals", parse_goal_links, goal_index, d) or []
        if row.failed:
            continue
        campaigns.append(
            CampaignData(
                name=name,
                networks=networks,
                format=fmt,
                objective=objective,
                kpi=kpi,
                kpi_baseline=kpi_baseline,
                kpi_target=kpi_target,
                audience_id=audience_id,
                start_date=start_date,
                end_date=end_date,
                duration_rationale=row.text("duration_rationale"),
                budget=budget,
                goal_links=goal_links,
                key=key,
            )
        )
        numbers.append(number)
    return campaigns, numbers, errors


def _find_audience(ref: str, audiences: NameIndex) -> int:
    found = audiences.find(ref)
    if found is None:
        raise _CellError(_("Unknown audience “%(name)s”", name=ref))
    return found


def parse_calendar(
    table: Table, campaign_keys: Iterable[str]
) -> tuple[list[Any], list[int], list[RowError]]:
    """Rows → ``CalendarItemData`` and their row numbers, and every problem found."""
    from saas.services.plans import CalendarItemData

    keys = set(campaign_keys)
    items: list[Any] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    for number, cells in table.rows:
        row = _Row(number, cells, errors)
        day = row.get("date", parse_date, required=True)
        network = row.get("network", parse_choice, NETWORKS, required=True)
        fmt = row.get("format", parse_choice, FORMATS, required=True)
        status = row.get("status", parse_choice, CALENDAR_STATUSES) or "planned"
        campaign_key = row.text("campaign_key")
        if campaign_key is not None and campaign_key not in keys:
            row.error(
                "campaign_key",
                _("no campaign of this plan has the key “%(key)s”", key=campaign_key),
            )
        if row.failed:
            continue
        items.append(
            CalendarItemData(
                date=day,
                network=network,
                format=fmt,
                pillar=row.text("pillar"),
                brief=row.text("brief"),
                status=status,
                campaign_key=campaign_key,
            )
        )
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


# --- service data → CSV -----------------------------------------------------------------------


def _write(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def campaigns_csv(
    campaigns: Iterable[Any], goals: Mapping[int, str], audiences: Mapping[int, str]
) -> bytes:
    goal_index, audience_index = NameIndex(goals), NameIndex(audiences)
    return _write(
        CAMPAIGN_HEADERS,
        (
            (
                c.key or "",
                c.name,
                "; ".join(c.networks),
                c.format,
                c.objective,
                c.kpi or "",
                format_number(c.kpi_baseline),
                format_number(c.kpi_target),
                audience_index.label(c.audience_id) if c.audience_id is not None else "",
                c.start_date.isoformat(),
                c.end_date.isoformat(),
                c.duration_rationale or "",
                format_number(c.budget),
                format_goal_links(c.goal_links, goal_index),
            )
            for c in campaigns
        ),
    )


def calendar_csv(items: Iterable[Any]) -> bytes:
    return _write(
        CALENDAR_HEADERS,
        (
            (
                i.date.isoformat(),
                i.network,
                i.format,
                i.pillar or "",
                i.brief or "",
                i.status,
                i.campaign_key or "",
            )
            for i in items
        ),
    )


# --- the database side ------------------------------------------------------------------------


@dataclass
class ImportResult:
    revision: Any
    kind: str
    count: int
    detached: int = 0  # calendar items whose campaign left the plan (kept, unlinked)


def _brand_names(brand_id: int) -> tuple[dict[int, str], dict[int, str]]:
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models.goals import Audience, Goal

    goals = dict(
        db.session.execute(select(Goal.id, Goal.title).where(Goal.brand_id == brand_id)).all()
    )
    audiences = dict(
        db.session.execute(
            select(Audience.id, Audience.name).where(Audience.brand_id == brand_id)
        ).all()
    )
    return goals, audiences


def export_csv(plan: Any, kind: str, revision: Any = None) -> bytes:
    """The CSV of ``revision`` (default: the plan's current one)."""
    from saas.services import plans

    if kind not in KINDS:
        raise ValueError(kind)
    revision = revision or plans.current_revision(plan)
    loaded = plans.load_revision(revision.id, with_calendar=True)
    campaigns, calendar = plans.revision_data(loaded)
    if kind == "calendar":
        return calendar_csv(calendar)
    goals, audiences = _brand_names(plan.brand_id)
    return campaigns_csv(campaigns, goals, audiences)


def import_csv(
    plan: Any, kind: str, data: bytes, filename: str | None, author: Any
) -> ImportResult:
    """Replace the current revision's campaigns or calendar with a CSV's rows, or refuse the
    whole file.  After a submission ``save_revision`` makes this a new revision."""
    from saas.extensions import db
    from saas.services import audit, plans

    if kind not in KINDS:
        raise _reject(_("Choose what the file holds: campaigns or calendar."))
    table = read_table(decode(data, filename), kind)
    current = plans.load_revision(plans.current_revision(plan).id, with_calendar=True)
    campaigns, calendar = plans.revision_data(current)
    detached = 0
    if kind == "campaigns":
        goals, audiences = _brand_names(plan.brand_id)
        campaigns, numbers, errors = parse_campaigns(table, goals, audiences)
        # Calendar items of campaigns no longer in the file stay, without their campaign.
        in_file = {cells.get("key") for _n, cells in table.rows} - {"", None}
        kept_calendar = []
        for item in calendar:
            if item.campaign_key and item.campaign_key not in in_file:
                item = replace(item, campaign_key=None)
                detached += 1
            kept_calendar.append(item)
        calendar = kept_calendar
        count = len(table.rows)
    else:
        calendar, numbers, errors = parse_calendar(table, (c.key for c in campaigns if c.key))
        count = len(table.rows)
    # The plans service checks what a cell alone cannot tell (end before start, lengths,
    # ranges); with rows already refused, check the others alone so all errors show at once.
    check_campaigns = campaigns
    check_calendar = calendar if not (errors and kind == "campaigns") else []
    try:
        plans.validate_campaigns(
            plan.brand_id, check_campaigns, check_calendar, current.period_start, current.period_end
        )
    except ValidationFailed as err:
        errors += errors_from_validation(err, kind, numbers, only_rows=bool(errors))
    if errors:
        db.session.rollback()
        raise ImportRejected(sorted(errors, key=lambda e: e.row or 0))
    try:
        revision = plans.save_revision(plan, campaigns=campaigns, calendar=calendar, author=author)
    except ValidationFailed as err:
        db.session.rollback()
        raise ImportRejected(errors_from_validation(err, kind, numbers)) from None
    except Exception:
        db.session.rollback()
        raise
    audit.record(
        "plan.csv_imported",
        plan,
        kind=kind,
        rows=count,
        revision=revision.number,
        filename=(filename or "")[:120] or None,
    )
    db.session.commit()
    return ImportResult(revision=revision, kind=kind, count=count, detached=detached)
