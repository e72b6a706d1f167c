"""Bytes → text → a table of cells by column, refusing what is not a usable CSV file.

The header row may be English or Arabic (or mixed): each cell is matched to a column by
``columns.HEADER_NAMES``; the table keeps the file's own spelling to name columns in errors.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from saas.i18n import gettext as _
from saas.services.plan_csv.cells import unescape_cell
from saas.services.plan_csv.columns import (
    ARABIC_HEADERS,
    HEADER_NAMES,
    HEADERS,
    REQUIRED,
    header_key,
)
from saas.services.plan_csv.errors import ImportRejected, RowError, reject

# The API's names for the same columns are accepted too (more spellings, Arabic included,
# per kind in ``columns.OTHER_NAMES``).
HEADER_ALIASES = {"audience_id": "audience", "goal_ids": "goals", "campaign_key": "campaign"}
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = {"campaigns": 500, "calendar": 10_000}
BOM = "\ufeff"


def _decode_text(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise reject(
            _(
                "The file is not UTF-8 text. In Excel choose “CSV UTF-8 (comma delimited)” "
                "when saving, so Arabic and other letters survive."
            )
        ) from None


def decode(data: bytes, filename: str | None = None) -> str:
    """Uploaded bytes → text, or a clear refusal (wrong type, empty, too big, not UTF-8)."""
    if filename and not filename.lower().endswith((".csv", ".txt", ".tsv")):
        raise reject(
            _(
                "Choose a CSV file (ending in .csv). In Excel or Google Sheets, save or "
                "download the sheet as “CSV UTF-8”."
            )
        )
    if len(data) > MAX_BYTES:
        raise reject(
            _("The file is larger than %(mb)s MB. Split it into smaller files.", mb=MAX_BYTES >> 20)
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise reject(
            _(
                "This is a spreadsheet workbook, not a CSV file. In Excel or Google Sheets, "
                "save or download the sheet as “CSV UTF-8” and import that file."
            )
        )
    text = _decode_text(data).lstrip(BOM)
    if "\x00" in text:
        raise reject(_("This does not look like a CSV file. Choose a .csv file."))
    if not text.strip():
        raise reject(_("The file is empty."))
    return text


def sniff_delimiter(text: str) -> str:
    """``,`` ``;`` or tab, whichever the header row uses most (Excel in many locales: ``;``)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_name(cell: str, kind: str) -> str | None:
    """The column a header cell names (its English header), ``None`` when none."""
    return HEADER_NAMES[kind].get(header_key(cell))


@dataclass
class Table:
    kind: str
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)
    labels: dict[str, str] = field(default_factory=dict)  # column → the file's header


def _read_headers(reader: Iterator[list[str]], kind: str) -> tuple[list[str], dict[str, str]]:
    """The header row's columns and the file's spelling of each; refuses unknown, repeated
    or missing ones, listing the columns in the language the file's header row is in."""
    cells = [c.replace(BOM, "").strip() for c in next(reader, [])]
    while cells and not cells[-1]:
        cells.pop()
    arabic = any(_ARABIC_LETTER.search(c) for c in cells)
    expected = ARABIC_HEADERS[kind] if arabic else HEADERS[kind]
    if not any(cells):
        raise reject(_("The first row must name the columns: %(cols)s", cols=", ".join(expected)))
    names = [_header_name(c, kind) if c else None for c in cells]
    headers = [name or cell for name, cell in zip(names, cells, strict=True)]
    labels = {name: cell for name, cell in zip(names, cells, strict=True) if name}
    unknown = [cell or "?" for name, cell in zip(names, cells, strict=True) if name is None]
    repeated = sorted({labels[h] for h in headers if h in labels and headers.count(h) > 1})
    required = dict(zip(HEADERS[kind], expected, strict=True))
    missing = [required[h] for h in REQUIRED[kind] if h not in headers]
    errors = []
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
        errors.append(RowError(1, None, _("repeated columns: %(cols)s", cols=", ".join(repeated))))
    if missing:
        errors.append(RowError(1, None, _("missing columns: %(cols)s", cols=", ".join(missing))))
    if errors:
        raise ImportRejected(errors)
    return headers, labels


def _read_rows(
    reader: Iterator[list[str]], headers: list[str], kind: str, errors: list[RowError]
) -> list[tuple[int, dict[str, str]]]:
    """The rows under the header, numbered as the spreadsheet shows them."""
    limit = MAX_ROWS[kind]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= limit:
            raise reject(
                _(
                    "The file has more than %(max)s rows. Split it, or remove rows you do "
                    "not need.",
                    max=limit,
                )
            )
        if any(c.strip() for c in record[len(headers) :]):
            errors.append(
                RowError(number, None, _("this row has more cells than there are columns"))
            )
        cells = {
            h: unescape_cell(record[i]).strip() if i < len(record) else ""
            for i, h in enumerate(headers)
        }
        rows.append((number, cells))
    return rows


def read_table(text: str, kind: str) -> Table:
    """Read the header and the rows; refuses unknown, missing or repeated columns and files
    with too many rows.  Wholly empty rows are skipped but still counted for numbering."""
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[RowError] = []
    try:
        headers, labels = _read_headers(reader, kind)
        rows = _read_rows(reader, headers, kind, errors)
    except csv.Error as err:
        raise reject(
            _(
                "The file could not be read as CSV near line %(line)s (%(detail)s).",
                line=reader.line_num,
                detail=str(err),
            )
        ) from None
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise reject(_("The file has a header row but no rows under it."))
    return Table(kind=kind, delimiter=delimiter, headers=headers, rows=rows, labels=labels)
