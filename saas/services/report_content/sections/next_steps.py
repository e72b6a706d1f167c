"""Next steps: the consultant's recommendations, then the engine's fixes, most severe first."""

from __future__ import annotations

from typing import Any

from saas.services.report_content.data import ReportData
from saas.services.report_content.sections.common import by_severity

NEXT_STEPS_MAX = 10


def build_next_steps(d: ReportData) -> dict[str, Any] | None:
    # The consultant's text as typed: the template keeps its paragraphs and lists.
    recommendations = d.text((d.review.recommendations or "").strip()) if d.review else ""
    fixes: list[str] = []
    for f in by_severity(d.findings):
        _message, fix = d.render_finding(f)
        if fix and fix not in fixes:
            fixes.append(fix)
        if len(fixes) >= NEXT_STEPS_MAX:
            break
    return {"recommendations": recommendations, "fixes": fixes}
