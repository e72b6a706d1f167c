"""A worker killed mid-render (kill -9) never leaves its report stuck in ``rendering``.

Needs a real Redis and real worker processes: fakeredis and SimpleWorker cannot show it.
A second worker, started here on a private queue, takes a slow render; the test kills it
and its work-horse, then the sweeper's ``fail_stuck`` re-queues the row on the regular
queue, where the session's worker renders it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models.reports import Report
from saas.services import reports as service
from tenants.context import tenant_scope
from tests import factories
from tests.jobs.workers import descendants

ROOT = Path(__file__).resolve().parents[2]


def _status(world, report_id):
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        return row.status, row.attempts, row.error


def test_killed_worker_leaves_no_report_stuck_in_rendering(
    alpha, app, database_url, redis_url, run_jobs, monkeypatch
):
    if not redis_url:
        pytest.skip("needs REDIS_URL: a real worker process must be killed (kill -9)")
    from rq import Queue

    factories.planning_data(alpha.agency, alpha.brand, calendar=3000, campaigns=40)
    db.session.commit()
    private = f"tandem-kill-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        QUEUE_NAME=private,
        SECRET_KEY="test-secret",
        BASE_URL="http://tandem.test",
        UPLOAD_DIR=app.config["UPLOAD_DIR"],
        REPORTS_DIR=app.config["REPORTS_DIR"],
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "--name", private, "--no-scheduler", "--no-periodic"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        monkeypatch.setattr(service, "_enqueue", lambda report: None)
        with tenant_scope(alpha.agency.id):
            brand = db.session.merge(alpha.brand)
            report, _ = service.request_report(
                brand,
                db.session.merge(alpha.consultant),
                locale="en",
                period_start=date(2027, 1, 1),
                period_end=date(2027, 3, 31),
                sections=[],
            )
            report_id, agency_id = report.id, report.agency_id
        monkeypatch.undo()
        connection = app.extensions["tandem_jobs"].connection
        Queue(private, connection=connection).enqueue(
            "worker.jobs.reports.render_report", report_id, agency_id, job_timeout=600
        )

        deadline = time.monotonic() + 60
        while _status(alpha, report_id)[0] != "rendering":
            assert time.monotonic() < deadline, "the second worker never started rendering"
            assert proc.poll() is None, "the second worker exited"
            time.sleep(0.05)
        for pid in [proc.pid, *descendants(proc.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(0.5)
        status, attempts, _ = _status(alpha, report_id)
        assert (status, attempts) == ("rendering", 1)  # killed mid-render: stuck until swept

        with app.app_context():
            assert service.fail_stuck(now=datetime.utcnow() + timedelta(days=1)) == 1
        run_jobs(timeout=180)
        status, attempts, error = _status(alpha, report_id)
        assert status in ("ready", "failed")
        if status == "ready":
            assert attempts == 2
        else:
            assert error
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        Queue(private, connection=app.extensions["tandem_jobs"].connection).empty()
