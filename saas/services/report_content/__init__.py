"""What a PDF alignment report says: its sections, built from the brand's data for a period.

A report is a cover, a table of contents and the sections it asks for.  Each section is a
``Section`` in the ``SECTIONS`` registry (``registry``): a title, a ``build(ctx)`` that
returns plain values (dicts, strings, numbers: never ORM objects, so a template cannot
lazy-load or reach another tenant's rows) or ``None`` to leave the section out, and a
template under ``templates/reports/sections/``.  The built-in sections live one per module
in ``sections/``; features add their own with ``register_section``.

Data is loaded once per report through ``ReportData`` (``data``), in the caller's tenant
scope; ``document`` assembles the HTML and names the assets the PDF may load.
"""

from __future__ import annotations

from saas.models.reviews import Review  # read by tests as ``report_content.Review``
from saas.services.report_content.data import (
    DEFAULT_ACCENT,
    RTL_LOCALES,
    ReportData,
    accent_of,
    shape_svg_text,
)
from saas.services.report_content.document import STATIC_DIR, assets_for, build_html
from saas.services.report_content.registry import (
    SECTION_TITLES,
    SECTIONS,
    Section,
    in_print_order,
    register_section,
    section_names,
    unknown_sections,
)
from saas.services.report_content.sections import (
    FINDINGS_MAX,
    MATRIX_COLUMNS,
    MATRIX_MAX_CAMPAIGNS,
    NEXT_STEPS_MAX,
    build_audiences,
    build_calendar,
    build_findings,
    build_goals,
    build_matrix,
    build_next_steps,
    build_sessions,
    build_summary,
)

__all__ = [
    "DEFAULT_ACCENT",
    "FINDINGS_MAX",
    "MATRIX_COLUMNS",
    "MATRIX_MAX_CAMPAIGNS",
    "NEXT_STEPS_MAX",
    "RTL_LOCALES",
    "SECTIONS",
    "SECTION_TITLES",
    "STATIC_DIR",
    "ReportData",
    "Review",
    "Section",
    "accent_of",
    "assets_for",
    "build_audiences",
    "build_calendar",
    "build_findings",
    "build_goals",
    "build_html",
    "build_matrix",
    "build_next_steps",
    "build_sessions",
    "build_summary",
    "in_print_order",
    "register_section",
    "section_names",
    "shape_svg_text",
    "unknown_sections",
]
