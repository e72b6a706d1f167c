"""Render one PDF report (the row is the truth; see ``saas.services.reports.render``)."""

from __future__ import annotations

from tenants.context import tenant_scope
from worker.runtime import job_context


def render_report(report_id: int, agency_id: int) -> None:
    from saas.services import reports

    with job_context(), tenant_scope(agency_id):
        reports.render(report_id)
