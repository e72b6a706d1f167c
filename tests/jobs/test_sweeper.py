"""Is an email whose job was lost (Redis restarted, enqueue failed) still delivered?"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from tenants.context import tenant_scope
from tenants.models import utcnow
from worker import sweeper
from worker.queue import enqueue_after_commit

REDIS_MODE = bool(os.environ.get("REDIS_URL"))


def lost_message(agency_id: int, *, age: timedelta, status: str = "queued") -> int:
    """An outbox row with no job behind it, as Redis would leave it after losing the job."""
    with tenant_scope(agency_id):
        message = OutboxMessage(
            kind="welcome",
            to_email="lost@example.test",
            subject="Hello",
            body_text="Hello",
            status=status,
            created_at=utcnow() - age,
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def status_of(agency_id: int, message_id: int) -> tuple[str, int]:
    db.session.expire_all()
    with tenant_scope(agency_id):
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
        return row.status, row.attempts


def test_sweep_delivers_stale_messages_of_every_agency(db_app, alpha, bravo, run_jobs):
    stale_alpha = lost_message(alpha.agency.id, age=timedelta(hours=1))
    stale_bravo = lost_message(bravo.agency.id, age=timedelta(hours=1), status="sending")
    fresh = lost_message(alpha.agency.id, age=timedelta(seconds=5))

    enqueue_after_commit(db.session, "worker.sweeper.sweep")
    db.session.commit()
    run_jobs()

    assert status_of(alpha.agency.id, stale_alpha) == ("sent", 1)
    assert status_of(bravo.agency.id, stale_bravo) == ("sent", 1)
    # A message queued a moment ago may still have its job on the way: left alone.
    assert status_of(alpha.agency.id, fresh) == ("queued", 0)


@pytest.mark.skipif(not REDIS_MODE, reason="periodic sweeps are scheduled on RQ (Redis mode)")
def test_start_books_one_sweep_however_many_workers_start(db_app):
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    queue = db_app.extensions["tandem_jobs"].queue
    registry = ScheduledJobRegistry(queue=queue)
    # The test worker process booked its own sweep when it started: leave that one out.
    before = set(registry.get_job_ids())
    every = timedelta(hours=1)
    first = sweeper.start(queue, every=every)
    second = sweeper.start(queue, every=every)
    try:
        assert first == second
        booked = [
            j
            for j in registry.get_job_ids()
            if j.startswith(sweeper.SWEEP_JOB_ID) and j not in before
        ]
        assert booked == [first]
        job = Job.fetch(first, connection=queue.connection)
        assert job.func_name == "worker.sweeper.sweep_and_reschedule"
    finally:
        registry.remove(first, delete_job=True)


@pytest.mark.skipif(not REDIS_MODE, reason="periodic sweeps are scheduled on RQ (Redis mode)")
def test_each_sweep_books_the_next_one(db_app, alpha, run_jobs):
    from rq.registry import ScheduledJobRegistry

    stale = lost_message(alpha.agency.id, age=timedelta(hours=1))
    queue = db_app.extensions["tandem_jobs"].queue
    registry = ScheduledJobRegistry(queue=queue)
    before = set(registry.get_job_ids())  # the worker's own start-up booking
    queue.enqueue("worker.sweeper.sweep_and_reschedule", 3600)
    run_jobs()
    booked = [
        j for j in registry.get_job_ids() if j.startswith(sweeper.SWEEP_JOB_ID) and j not in before
    ]
    try:
        assert status_of(alpha.agency.id, stale) == ("sent", 1)
        assert len(booked) == 1
    finally:
        for job_id in booked:
            registry.remove(job_id, delete_job=True)
