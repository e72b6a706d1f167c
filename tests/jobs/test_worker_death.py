"""When a worker is killed with ``kill -9`` mid-render, is the report recovered within the
sweep interval, whichever worker starts first, and does RQ's scheduler find a new home?

Real worker processes on a private queue (``isolated_queue``), with short timings: ticks of
1 s, leases of 3 s, a sweep every 2 s.  The render is made slow in the killed worker only
(``tests.jobs.helpers.slow_render``), so it is killed at "rendering 70 %", as in the issue.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent
from saas.models.reports import Report
from saas.services import reports as service
from tenants.context import tenant_scope
from tests.jobs.workers import FAST, wait_for

LEASE = int(FAST["JOB_LEASE_SECONDS"])
SWEEP = int(FAST["SWEEP_INTERVAL_SECONDS"])
# Lease expiry + one sweep interval, plus room for a worker to start and a PDF to render.
BUDGET = LEASE + SWEEP + 45


def _row(world, report_id: int) -> Report:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Report).where(Report.id == report_id))


def _slow_report(world, iso, monkeypatch, *, attempts_before: int = 0) -> int:
    """A requested report whose job is a slow render on ``iso``'s queue."""
    with monkeypatch.context() as patch, tenant_scope(world.agency.id):
        patch.setattr(service, "_enqueue", lambda report: None)
        report, _ = service.request_report(
            db.session.merge(world.brand),
            db.session.merge(world.consultant),
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=[],
        )
        report_id = report.id
    job = Queue(iso.name, connection=iso.connection).enqueue(
        "tests.jobs.helpers.slow_render", report_id, world.agency.id, 600, job_timeout=900
    )
    with tenant_scope(world.agency.id):
        row = db.session.scalar(select(Report).where(Report.id == report_id))
        row.job_id = job.id  # as _enqueue records it
        row.attempts = attempts_before
        db.session.commit()
    return report_id


def _rendering(world, report_id: int, proc) -> bool:
    assert proc.poll() is None, "the worker exited before rendering"
    row = _row(world, report_id)
    return row.status == "rendering" and row.progress == 70


@pytest.mark.parametrize("replacement", ["starts before the kill", "starts after the kill"])
def test_killed_render_is_recovered_by_the_replacement_within_the_sweep_interval(
    alpha, isolated_queue, monkeypatch, replacement
):
    """The replacement cannot hold RQ's scheduler lock (the dead worker's is still there)
    and was never asked to book a sweep: it must sweep anyway, and render the report."""
    iso = isolated_queue
    first, first_name = iso.start_worker("a")
    iso.wait_until_listening(first_name, first)
    report_id = _slow_report(alpha, iso, monkeypatch)
    wait_for("the first worker to render", lambda: _rendering(alpha, report_id, first), 60)

    if replacement == "starts before the kill":
        second, second_name = iso.start_worker("b")
        iso.wait_until_listening(second_name, second)
        iso.kill(first)
        killed_at = time.monotonic()
    else:
        iso.kill(first)
        killed_at = time.monotonic()
        second, second_name = iso.start_worker("b")
    assert (_row(alpha, report_id).status, _row(alpha, report_id).attempts) == ("rendering", 1)

    def recovered() -> bool:
        assert second.poll() is None, "the replacement worker exited"
        return _row(alpha, report_id).status in ("ready", "failed")

    wait_for("the report to be recovered", recovered, BUDGET, every=0.2)
    took = time.monotonic() - killed_at
    row = _row(alpha, report_id)
    assert (row.status, row.attempts, row.progress) == ("ready", 2, 100), row.error
    with tenant_scope(alpha.agency.id):
        requeued = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "report.requeued", AuditEvent.object_id == report_id
            )
        ).all()
    assert len(requeued) == 1  # one recovery, however many sweeps looked at it
    print(f"\nkill -9 → ready in {took:.1f}s (replacement {replacement})")


def test_killed_render_out_of_attempts_fails_with_a_reason(alpha, isolated_queue, monkeypatch):
    iso = isolated_queue
    first, first_name = iso.start_worker("a")
    iso.wait_until_listening(first_name, first)
    report_id = _slow_report(alpha, iso, monkeypatch, attempts_before=service.MAX_ATTEMPTS - 1)
    wait_for("the first worker to render", lambda: _rendering(alpha, report_id, first), 60)
    iso.kill(first)
    killed_at = time.monotonic()
    second, second_name = iso.start_worker("b")

    wait_for("the report to fail", lambda: _row(alpha, report_id).status == "failed", BUDGET)
    row = _row(alpha, report_id)
    assert row.attempts == service.MAX_ATTEMPTS
    assert row.error == "The worker stopped while rendering; please request the report again."
    assert second.poll() is None
    print(f"\nkill -9 → failed with a reason in {time.monotonic() - killed_at:.1f}s")


def test_a_slow_render_on_a_live_worker_is_left_alone(alpha, isolated_queue, monkeypatch):
    """The sweeper runs every 2 s; a render that is merely slow holds its lease and is not
    queued a second time behind its own back."""
    iso = isolated_queue
    first, first_name = iso.start_worker("a")
    iso.wait_until_listening(first_name, first)
    report_id = _slow_report(alpha, iso, monkeypatch)
    wait_for("the worker to render", lambda: _rendering(alpha, report_id, first), 60)
    time.sleep(LEASE + 2 * SWEEP + 1)
    row = _row(alpha, report_id)
    assert (row.status, row.attempts, row.progress) == ("rendering", 1, 70)
    with tenant_scope(alpha.agency.id):
        assert service.requeue_stuck(older_than_minutes=0) == 0


def test_scheduler_lock_of_a_dead_worker_passes_to_a_live_one(isolated_queue, tmp_path):
    """RQ's scheduler runs delayed retries.  A worker that started while a dead worker
    still held the lock must take it over when the lock expires, not ten minutes later."""
    iso = isolated_queue
    lock_key = f"rq:scheduler-lock:{iso.name}"
    first, first_name = iso.start_worker("a")
    iso.wait_until_listening(first_name, first)
    dead_holder = wait_for(
        "the first worker's scheduler lock", lambda: iso.connection.get(lock_key), 30
    )
    iso.kill(first)
    second, second_name = iso.start_worker("b")
    iso.wait_until_listening(second_name, second)  # it has tried the lock, and failed
    assert iso.connection.get(lock_key) == dead_holder
    iso.connection.delete(lock_key)  # the dead worker's lock expires (after 61 s in life)
    expired_at = time.monotonic()

    def taken_over() -> bool:
        holder = iso.connection.get(lock_key)
        return holder is not None and holder != dead_holder

    wait_for("the replacement to take RQ's scheduler lock", taken_over, 15)
    took = time.monotonic() - expired_at
    marker = tmp_path / "scheduled-job-ran"
    Queue(iso.name, connection=iso.connection).enqueue_in(
        timedelta(seconds=1), "tests.jobs.helpers.touch", str(marker)
    )
    wait_for("a scheduled job to run", marker.exists, 20)
    print(f"\nscheduler lock taken over {took:.1f}s after it expired")
