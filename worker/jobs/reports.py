"""Render one PDF report (the row is the truth; see ``saas.services.reports.render``).

The render holds the report's lease (``worker.leases``) while it runs: a second job for the
same report (a re-enqueue while this one is still going) steps aside, and a render killed
with its worker lets go of the lease within ``JOB_LEASE_SECONDS``, which is how the sweeper
tells a dead render from a slow one without waiting for the row's deadline.
"""

from __future__ import annotations

import logging

from saas.services import reports
from saas.services.reports import lease_name
from saas.transactions import unit_of_work
from tenants.context import tenant_scope
from worker import leases
from worker.runtime import job_context

log = logging.getLogger(__name__)

__all__ = ["lease_name", "render_report"]  # lease_name: defined with the reports service


def render_report(report_id: int, agency_id: int) -> None:
    # The unit of work commits inside the lease: the next job for this report finds it done.
    with job_context(unit=False) as app:
        # Past the render's own time limit the lease is no longer kept alive.
        longest = int(app.config.get("REPORT_TIMEOUT_SECONDS", 120)) + 90
        with leases.hold(lease_name(report_id), max_seconds=longest) as ours:
            if not ours:
                log.info("report %s is being rendered by another job; leaving it", report_id)
                return
            with tenant_scope(agency_id), unit_of_work():  # commits inside the scope
                reports.render(report_id)
