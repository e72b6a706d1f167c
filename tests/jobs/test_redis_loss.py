"""When Redis restarts empty while a worker keeps running, is the periodic work booked again,
and is a report requested during the outage rendered after all?

One real worker on a private queue (``isolated_queue``); "Redis restarted empty" is every key
of that queue deleted (RQ's, its worker's, its jobs', and ours: ``tandem:<queue>:…``), so
other test runs sharing the Redis server are not touched.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import redis
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, Plan
from saas.models.reports import Report
from saas.services import reports as service
from tenants.context import tenant_scope
from tenants.models import utcnow
from tests.jobs.workers import FAST, wait_for
from worker.periodic import task_key, tasks_for
from worker.settings import timing

TASKS = [t.name for t in tasks_for(timing())]
TICK = int(FAST["WORKER_TICK_SECONDS"])
SWEEP = int(FAST["SWEEP_INTERVAL_SECONDS"])
STALE = int(FAST["STALE_AFTER_SECONDS"])


def _booked(iso) -> dict[str, bool]:
    return {name: iso.connection.exists(task_key(iso.name, name)) == 1 for name in TASKS}


def _report(world, report_id: int) -> Report:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Report).where(Report.id == report_id))


def _waiting_plan(world, days_ago: int) -> int:
    with tenant_scope(world.agency.id):
        plan = Plan(
            brand_id=world.brand.id,
            title="Eid campaign",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            status="submitted",
            submitted_at=utcnow() - timedelta(days=days_ago),
            created_by_id=world.team.user_id,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def _reminders_sent(world, plan_id: int) -> int:
    db.session.expire_all()
    with tenant_scope(world.agency.id):
        return db.session.scalar(select(Plan.reminders_sent).where(Plan.id == plan_id))


def test_periodic_work_and_a_report_lost_with_redis_come_back(alpha, isolated_queue, monkeypatch):
    iso = isolated_queue
    proc, name = iso.start_worker("w")
    iso.wait_until_listening(name, proc)
    wait_for("the first bookings", lambda: all(_booked(iso).values()), 10)

    # The outage: the web process cannot reach Redis when a consultant asks for a report.
    # The request succeeds (the row is the truth) and the row stays "queued, attempts 0".
    jobs = iso.app.extensions["tandem_jobs"]

    def redis_is_down(req):  # type: ignore[no-untyped-def]
        raise redis.exceptions.ConnectionError("Connection refused")

    with monkeypatch.context() as patch, tenant_scope(alpha.agency.id):
        patch.setattr(jobs, "submit", redis_is_down)
        report, created = service.request_report(
            db.session.merge(alpha.brand),
            db.session.merge(alpha.consultant),
            locale="en",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            sections=[],
        )
        report_id = report.id
    assert created
    assert (_report(alpha, report_id).status, _report(alpha, report_id).attempts) == ("queued", 0)
    plan_id = _waiting_plan(alpha, days_ago=10)  # due for both reminders

    # Redis comes back empty: every booking, job and worker record of this queue is gone.
    assert iso.lose_redis_data() > 0
    lost_at = time.monotonic()
    assert not any(_booked(iso).values())

    wait_for("the periodic tasks to be booked again", lambda: all(_booked(iso).values()), 10)
    booked_after = time.monotonic() - lost_at

    def rendered() -> bool:
        assert proc.poll() is None, "the worker died with Redis's data"
        return _report(alpha, report_id).status == "ready"

    wait_for("the report requested during the outage", rendered, SWEEP + STALE + 60, every=0.2)
    ready_after = time.monotonic() - lost_at
    row = _report(alpha, report_id)
    assert (row.attempts, row.progress) == (1, 100)
    wait_for("the reminders", lambda: _reminders_sent(alpha, plan_id) == 2, 30)
    with tenant_scope(alpha.agency.id):
        reminders = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "review_reminder")
        ).all()
    assert sorted(m.to_email for m in reminders) == ["consultant@alpha.test", "owner@alpha.test"]
    assert proc.poll() is None
    print(
        f"\nRedis emptied → booked again in {booked_after:.1f}s, report ready in {ready_after:.1f}s"
    )


def test_a_booking_lost_alone_is_made_again_by_the_next_tick(isolated_queue):
    """Only our keys vanish (an eviction, a careless DEL): the tasks are due at once."""
    iso = isolated_queue
    proc, name = iso.start_worker("w")
    iso.wait_until_listening(name, proc)
    wait_for("the first bookings", lambda: all(_booked(iso).values()), 10)
    before = {t: float(iso.connection.get(task_key(iso.name, t))) for t in TASKS}
    iso.connection.delete(*[task_key(iso.name, t) for t in TASKS])
    wait_for("the bookings to come back", lambda: all(_booked(iso).values()), 3 * TICK + 5)
    after = {t: float(iso.connection.get(task_key(iso.name, t))) for t in TASKS}
    assert all(after[t] > before[t] for t in ("reminders", "report-schedules"))
