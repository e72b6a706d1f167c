"""Job functions for the tests.  They run where real jobs run: in this process (eager mode)
or in the ``python -m worker`` process (Redis mode), so they report through files."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from saas.extensions import db
from saas.models import Brand
from tenants.context import TenantScopeError, tenant_scope
from worker.runtime import job_context


def touch(path: str) -> None:
    Path(path).write_text("ran")


def visible_brands(agency_id: int, foreign_brand_id: int, path: str) -> None:
    """What a job scoped to ``agency_id`` can read: every brand, and one by a foreign id."""
    with job_context(), tenant_scope(agency_id):
        names = sorted(b.name for b in db.session.scalars(select(Brand)))
        foreign = db.session.scalar(select(Brand).where(Brand.id == foreign_brand_id))
    Path(path).write_text(json.dumps({"names": names, "foreign_found": foreign is not None}))


def unscoped_read(path: str) -> None:
    """A job that forgot its tenant_scope: the read must be refused, not answered."""
    with job_context():
        try:
            db.session.scalars(select(Brand)).all()
            outcome = "read"
        except TenantScopeError:
            outcome = "refused"
    Path(path).write_text(outcome)


def slow_render(report_id: int, agency_id: int, seconds: float) -> None:
    """The real render job, whose PDF step first waits ``seconds``: a render to kill.

    The wait is patched into ``worker.pdf`` inside the work-horse that runs this job only, so
    the row goes through the real pipeline (lease, ``rendering``, progress 70) and stays
    there long enough for a test to ``kill -9`` the worker.
    """
    import time

    import worker.pdf
    from worker.jobs.reports import render_report

    real = worker.pdf.render_pdf

    def slow(html: str, **kw):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return real(html, **kw)

    worker.pdf.render_pdf = slow
    render_report(report_id, agency_id)
