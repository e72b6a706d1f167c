"""The summary: the score and its trend, the decisions the client must take, goals at a glance."""

from __future__ import annotations

from typing import Any

from saas.i18n import gettext as _
from saas.presentation.charts import score_chart
from saas.presentation.decisions import for_template as decisions_for_template
from saas.presentation.labels.goals import PROGRESS_LABELS
from saas.presentation.labels.reviews import VERDICT_LABELS
from saas.services.decisions import brand_decisions
from saas.services.report_content.data import ReportData
from saas.services.report_content.sections.changes import build_changes
from saas.services.report_content.sections.common import status_class, verdict_class


def build_summary(d: ReportData) -> dict[str, Any]:
    review = d.review
    score = None
    verdict = None
    if review is not None:
        verdict = review.verdict or review.engine_verdict
        score = {
            "value": d.number(review.score),
            "completed": review.status == "completed",
            "date": d.day(review.completed_at or review.created_at, "long"),
            "verdict": str(VERDICT_LABELS.get(verdict, verdict)),
            "verdict_class": verdict_class(verdict),
        }
    history = d.score_history
    trend = None
    if len(history) >= 2:
        # One point per review, in review order: two reviews on one day are two points.
        trend = d.chart(
            score_chart,
            [
                (
                    d.chart_label(_("Revision %(number)s", number=number)),
                    d.day(when, "d MMM"),
                    value,
                )
                for when, value, number in history
            ],
            title=_("Alignment score by revision"),
            width=620,
            height=210,
        )
    errors = sum(1 for f in d.findings if f.severity == "error" and f.state == "open")
    decisions = decisions_for_template(
        brand_decisions(d.goal_rows, review, reviewed=review is not None, limit=3), d.locale
    )
    glance = [
        {
            "title": d.text(r.goal.title),
            "status": str(PROGRESS_LABELS.get(r.progress.status, r.progress.status)),
            "status_class": status_class(r.progress.status),
            "percent": d.number(round(r.progress.percent_complete or 0)),
        }
        for r in d.goal_rows
    ]
    return {
        "score": score,
        "trend": trend,
        "revisions": len(history),
        "override": d.text((d.report.summary_override or "").strip()) or None,
        "goals_total": len(d.goal_rows),
        "goals_behind": sum(1 for r in d.goal_rows if r.progress.status == "behind"),
        "goals_at_risk": sum(1 for r in d.goal_rows if r.progress.status == "at_risk"),
        "campaigns": len(d.campaigns),
        "plan_title": d.names([d.plan.title]) if d.plan else None,
        "open_errors": errors,
        "decisions": decisions,
        "changes": build_changes(d),
        "glance": glance,
    }
