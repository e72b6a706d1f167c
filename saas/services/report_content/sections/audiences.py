"""Audiences: who each one is and how its time splits across networks."""

from __future__ import annotations

from typing import Any

from saas.i18n import gettext as _
from saas.presentation.charts import bar_chart
from saas.presentation.labels.plans import NETWORK_LABELS
from saas.services.report_content.data import ReportData


def build_audiences(d: ReportData) -> dict[str, Any] | None:
    items = []
    for a in d.audiences:
        shares = [
            (d.chart_label(NETWORK_LABELS.get(n.get("network"), n.get("network"))), n.get("share"))
            for n in (a.networks or [])
            if isinstance(n, dict) and isinstance(n.get("share"), int | float)
        ]
        items.append(
            {
                "name": d.text(a.name),
                "description": d.text(a.description),
                "engages": d.text(a.engages),
                "chart": d.chart(
                    bar_chart,
                    shares,
                    max_value=100,
                    percent=True,
                    title=_("Network share for %(audience)s", audience=a.name),
                    width=520,
                    empty_message=_("No networks recorded"),
                ),
            }
        )
    return {"audiences": items}
