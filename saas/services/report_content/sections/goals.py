"""Goals: each goal's figures, progress and check-in chart against its baseline and target."""

from __future__ import annotations

from typing import Any

from saas.i18n import gettext as _
from saas.presentation.charts import line_chart
from saas.presentation.labels.goals import PRIORITY_LABELS, PROGRESS_LABELS
from saas.services.report_content.data import ReportData
from saas.services.report_content.sections.common import status_class


def build_goals(d: ReportData) -> dict[str, Any] | None:
    items = []
    for row in d.goal_rows:
        g = row.goal
        points = d.checkins.get(g.id, [])
        status = row.progress.status
        items.append(
            {
                "title": d.text(g.title),
                "metric": d.text(g.metric),
                "unit": d.text(g.unit),
                "baseline": d.number(g.baseline),
                "latest": d.number(row.latest.value) if row.latest else None,
                "target": d.number(g.target),
                "due": d.day(g.due_date),
                "priority": str(PRIORITY_LABELS.get(g.priority, g.priority)),
                "status": str(PROGRESS_LABELS.get(status, status)),
                "status_class": status_class(status),
                "percent": d.number(round(row.progress.percent_complete or 0)),
                "chart": d.chart(
                    line_chart,
                    points,
                    target=g.target,
                    baseline=g.baseline,
                    title=_("Check-ins for %(goal)s", goal=g.title),
                    width=560,
                    height=140,
                    empty_message=_("No check-ins yet"),
                ),
            }
        )
    return {"goals": items}
