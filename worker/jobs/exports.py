"""Build one agency data export (the row is the truth; see ``saas.services.exports``).

The build holds the export's lease (``worker.leases``) while it runs, as a report render
does: a second job for the same export steps aside.
"""

from __future__ import annotations

import logging

from saas.services import exports
from saas.transactions import unit_of_work
from tenants.context import tenant_scope
from worker import leases
from worker.runtime import job_context

log = logging.getLogger(__name__)


def lease_name(export_id: int) -> str:
    return f"export:{int(export_id)}"


def build_export(export_id: int, agency_id: int) -> None:
    with job_context(unit=False), leases.hold(lease_name(export_id), max_seconds=3600) as ours:
        if not ours:
            log.info("export %s is being built by another job; leaving it", export_id)
            return
        with tenant_scope(agency_id), unit_of_work():  # commits inside the scope
            exports.run_export(export_id)
