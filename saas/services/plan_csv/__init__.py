"""CSV import and export of a plan revision's campaigns and content calendar.

Pure modules, tested alone with no database and no request: ``cells`` (one cell: numbers,
dates, vocabulary, goal, audience and campaign names, formula escaping), ``columns`` (each
file's columns, named once in English and Arabic with how to read and write them),
``table`` (bytes → a table of cells), ``rows`` (rows → validated ``CampaignData`` /
``CalendarItemData``) and ``export`` (and back to CSV).  ``database`` holds the database
side: ``export_csv`` and ``import_csv`` load what the pure part needs through the tenant
scope and save through ``plans.save_revision``; ``template`` makes the downloadable import
templates (a header row and one example row from the plan, in English or Arabic).

Header rows may be English or Arabic (or mixed); a calendar row names its campaign by name
(capitals and spaces do not matter, and it must name one campaign only) or by key.

An import is all or nothing: every row is checked, every problem is reported with the row
number a person sees in their spreadsheet (the header is row 1), and if any row fails
nothing is saved.  Exports are UTF-8 with a byte-order mark (so Excel shows Arabic
correctly) and neutralise spreadsheet formulas: a cell that starts with ``= + - @`` (or a
tab / carriage return) is prefixed with ``'``; the import removes that prefix again, so an
export imports back unchanged.
"""

from saas.domain.vocabulary import CALENDAR_STATUSES, FORMATS, KPIS, NETWORKS, OBJECTIVES
from saas.services.plan_csv.cells import (
    ALIASES,
    FORMULA_TRIGGERS,
    CampaignIndex,
    NameIndex,
    escape_cell,
    format_goal_links,
    format_number,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_float,
    parse_goal_links,
    parse_networks,
    unescape_cell,
)
from saas.services.plan_csv.columns import (
    ARABIC_HEADERS,
    CALENDAR_HEADERS,
    CAMPAIGN_HEADERS,
    HEADER_NAMES,
    HEADERS,
    KINDS,
    REQUIRED,
    header_key,
    headers_in,
)
from saas.services.plan_csv.database import ImportResult, export_csv, import_csv
from saas.services.plan_csv.errors import CellError, ImportConflict, ImportRejected, RowError
from saas.services.plan_csv.export import calendar_csv, campaigns_csv
from saas.services.plan_csv.rows import (
    RowNumbers,
    errors_from_validation,
    parse_calendar,
    parse_campaigns,
)
from saas.services.plan_csv.table import (
    BOM,
    HEADER_ALIASES,
    MAX_BYTES,
    MAX_ROWS,
    Table,
    decode,
    read_table,
    sniff_delimiter,
)
from saas.services.plan_csv.template import LANGUAGES, build_template, template_csv

MAX_REPORTED_ERRORS = 200  # how many problems a page lists before "and N more"
_CellError = CellError  # the name the tests know

__all__ = [
    "ALIASES",
    "ARABIC_HEADERS",
    "BOM",
    "CALENDAR_HEADERS",
    "CALENDAR_STATUSES",
    "CAMPAIGN_HEADERS",
    "FORMATS",
    "FORMULA_TRIGGERS",
    "HEADERS",
    "HEADER_ALIASES",
    "HEADER_NAMES",
    "KINDS",
    "KPIS",
    "LANGUAGES",
    "MAX_BYTES",
    "MAX_REPORTED_ERRORS",
    "MAX_ROWS",
    "NETWORKS",
    "OBJECTIVES",
    "REQUIRED",
    "CampaignIndex",
    "CellError",
    "ImportConflict",
    "ImportRejected",
    "ImportResult",
    "NameIndex",
    "RowError",
    "RowNumbers",
    "Table",
    "build_template",
    "calendar_csv",
    "campaigns_csv",
    "decode",
    "errors_from_validation",
    "escape_cell",
    "export_csv",
    "format_goal_links",
    "format_number",
    "header_key",
    "headers_in",
    "import_csv",
    "parse_calendar",
    "parse_campaigns",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_float",
    "parse_goal_links",
    "parse_networks",
    "read_table",
    "sniff_delimiter",
    "template_csv",
    "unescape_cell",
]
