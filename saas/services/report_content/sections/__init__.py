"""The built-in sections, one module each, registered here in the order they print."""

from __future__ import annotations

from saas.i18n import lazy_gettext as _l
from saas.services.report_content.registry import register_section
from saas.services.report_content.sections.audiences import build_audiences
from saas.services.report_content.sections.calendar import build_calendar
from saas.services.report_content.sections.capability import CAPABILITY_GAPS_MAX, build_capability
from saas.services.report_content.sections.findings import FINDINGS_MAX, build_findings
from saas.services.report_content.sections.goals import build_goals
from saas.services.report_content.sections.matrix import (
    MATRIX_COLUMNS,
    MATRIX_MAX_CAMPAIGNS,
    build_matrix,
)
from saas.services.report_content.sections.next_steps import NEXT_STEPS_MAX, build_next_steps
from saas.services.report_content.sections.sessions import build_sessions
from saas.services.report_content.sections.summary import build_summary

__all__ = [
    "CAPABILITY_GAPS_MAX",
    "FINDINGS_MAX",
    "MATRIX_COLUMNS",
    "MATRIX_MAX_CAMPAIGNS",
    "NEXT_STEPS_MAX",
    "build_audiences",
    "build_calendar",
    "build_capability",
    "build_findings",
    "build_goals",
    "build_matrix",
    "build_next_steps",
    "build_sessions",
    "build_summary",
]

register_section("summary", _l("Summary"), build_summary)
register_section("goals", _l("Goals"), build_goals)
register_section("matrix", _l("Alignment matrix"), build_matrix)
register_section("findings", _l("Findings and comments"), build_findings)
register_section("audiences", _l("Audiences and networks"), build_audiences)
register_section("calendar", _l("Content calendar"), build_calendar)
# Whether the team can deliver the plan, and the learning time that closes the gaps.
register_section("capability", _l("Team capability"), build_capability)
# What leadership agreed and still has to do, before the consultant's next steps.
register_section("sessions", _l("Leadership sessions"), build_sessions)
register_section("next_steps", _l("Next steps"), build_next_steps)
