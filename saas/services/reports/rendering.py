"""Rendering a report: the job body, from the row's ``rendering`` to a stored PDF.

Progress is written to the row (and the RQ job's meta) as the content is built; a refused
render fails with its reason, any other error is retried by RQ while attempts remain.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import Report
from saas.services import audit
from saas.services.report_content import assets_for, build_html
from saas.services.reports import jobs
from saas.services.reports.delivery import notify_ready
from saas.services.reports.queries import load, reports_dir
from saas.transactions import commit_now, use_case
from tenants.models import utcnow
from worker import pdf  # called as ``pdf.render_pdf``, so a test can replace it
from worker.queue import retries_left

log = logging.getLogger(__name__)

PROGRESS = "the row shows the render's progress while the job runs"


def _store(report: Report, data: bytes) -> str:
    """Write atomically (temporary file + rename) and return the path under REPORTS_DIR."""
    relative = f"{report.agency_id}/{report.id}.pdf"
    target = reports_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{report.id}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return relative


def _rq_job() -> Any:
    """The running RQ job, or None (in-process modes; rq is imported only when needed)."""
    try:
        from rq import get_current_job

        return get_current_job()
    except Exception:  # noqa: BLE001 - not inside an RQ job
        return None


def _progress_writer(report: Report) -> Callable[[int], None]:
    state = {"last": report.progress or 0}
    job = _rq_job()

    def write(value: int) -> None:
        # Content building reports 0..60; the row shows 5..65 (5 = started, 100 = stored).
        shown = max(5, min(65, 5 + int(value)))
        if shown - state["last"] < 10 and value < 60:
            return
        state["last"] = shown
        report.progress = shown
        commit_now(PROGRESS)
        if job is not None:
            job.meta["progress"] = shown
            try:
                job.save_meta()
            except Exception:  # noqa: BLE001 - progress is a courtesy; the row has it
                log.warning("could not save job meta for report %s", report.id)

    return write


def _fail(report: Report, reason: str) -> None:
    report.status = "failed"
    report.error = reason[:2000]
    report.finished_at = utcnow()
    audit.record("report.failed", report, brand_id=report.brand_id, reason=report.error)
    db.session.flush()


@use_case
def render(report_id: int) -> None:
    """The job body: rendering → content → PDF → stored → ready (and the emails).

    One unit of work ends it (ready, or failed for good); the ``rendering`` status, the
    progress and a retry's ``queued`` are committed early (``commit_now``) to be seen.
    """
    report = load(report_id)
    if report is None:
        log.warning("report %s is gone; nothing to render", report_id)
        return
    if report.status in ("ready", "failed"):
        return
    now = utcnow()
    report.status = "rendering"
    report.started_at = now
    report.deadline_at = jobs.deadline(now)
    report.attempts = (report.attempts or 0) + 1
    report.progress = 5
    report.error = None
    commit_now(PROGRESS)
    job = _rq_job()
    if job is not None:
        job.meta["progress"] = 5
        job.save_meta()

    try:
        html = build_html(report, progress=_progress_writer(report))
        report.progress = 70
        commit_now(PROGRESS)
        rendered = pdf.render_pdf(
            html,
            assets=assets_for(report),
            timeout=jobs.timeout(),
            memory_mb=int(current_app.config.get("REPORT_MEMORY_MB", 1024)),
        )
        relative = _store(report, rendered.pdf)
    except pdf.RenderRefused as exc:
        db.session.rollback()
        report = load(report_id)
        if report is not None:
            _fail(report, str(exc) or _("The report could not be rendered."))
        return
    except Exception:
        db.session.rollback()
        report = load(report_id)
        if report is not None:
            left = retries_left()
            if left == 0:
                _fail(
                    report,
                    _(
                        "The report could not be rendered after %(n)s attempts; "
                        "please request it again.",
                        n=report.attempts,
                    ),
                )
                log.exception("report %s failed for good", report_id)
                return
            report.status = "queued"
            report.progress = 0
            report.error = _("Temporary problem, retrying (attempt %(n)s)", n=report.attempts)
            commit_now("the retry's status survives the job's failure")
        raise

    report.file_path = relative
    report.size_bytes = len(rendered.pdf)
    report.pages = rendered.pages
    report.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    report.status = "ready"
    report.progress = 100
    report.error = None
    report.finished_at = utcnow()
    if rendered.refused:
        log.warning("report %s: refused URLs %s", report.id, rendered.refused)
    audit.record(
        "report.ready",
        report,
        brand_id=report.brand_id,
        pages=report.pages,
        size_bytes=report.size_bytes,
        sha256=report.sha256,
    )
    if not report.held:  # a held report is emailed when a consultant approves it
        notify_ready(report)
    db.session.flush()
    if job is not None:
        job.meta["progress"] = 100
        job.save_meta()
