"""The content calendar: items per month and network within the period."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from saas.presentation.labels.plans import NETWORK_LABELS
from saas.services.report_content.data import ReportData


def build_calendar(d: ReportData) -> dict[str, Any] | None:
    counts = d.calendar_counts
    networks = sorted({n for _y, _m, n, _c in counts})
    months = sorted({(y, m) for y, m, _n, _c in counts})
    table = {(y, m, n): c for y, m, n, c in counts}
    rows = []
    for y, m in months:
        cells = [table.get((y, m, n), 0) for n in networks]
        rows.append(
            {
                "month": format_date(date(y, m, 1), "LLLL y", locale=d.locale),
                "cells": [d.number(c) if c else "·" for c in cells],
                "total": d.number(sum(cells)),
            }
        )
    totals = [sum(table.get((y, m, n), 0) for y, m in months) for n in networks]
    return {
        "networks": [str(NETWORK_LABELS.get(n, n)) for n in networks],
        "rows": rows,
        "totals": [d.number(t) for t in totals],
        "total": d.number(sum(totals)),
    }
