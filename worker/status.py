"""What the queue looks like right now: for ``flask jobs status`` and ``/healthz``.

Redis mode reads RQ's own bookkeeping (the queue list, its registries, the workers' hashes
and the scheduler's lock); it reads hash fields and counts, never a pickled job but the
oldest queued one.  The embedded modes keep nothing in Redis: there the database rows
waiting for their job (``database_waiting``) are the state to look at, in either mode.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from worker.queue import EagerJobs, RedisJobs, ThreadJobs
from worker.settings import timing


@dataclass(frozen=True)
class WorkerState:
    name: str
    state: str  # RQ's: idle, busy, suspended, ...
    heartbeat_age: float | None  # seconds since its last heartbeat
    current_job: str | None


@dataclass(frozen=True)
class QueueState:
    name: str
    queued: int
    started: int
    failed: int
    scheduled: int
    deferred: int
    oldest_queued_age: float | None  # seconds since the oldest queued job was enqueued
    workers: list[WorkerState] = field(default_factory=list)
    scheduler: str | None = None  # the name of the scheduler holding this queue's lock


def heartbeat_stale_after(app: Flask) -> float:
    """A worker that has not sent a heartbeat for this long counts as dead: three ticks
    (``WORKER_TICK_SECONDS``; a TandemWorker heartbeats every tick, idle or busy) and a
    margin."""
    return timing(app).tick * 3 + 10


def _age(raw: bytes | str | None, now: float) -> float | None:
    if not raw:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    try:
        when = datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        try:
            when = datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return None
    return max(0.0, now - when.replace(tzinfo=UTC).timestamp())


def workers_of(connection: Any, queue: Any, now: float | None = None) -> list[WorkerState]:
    """Every worker registered for ``queue`` whose hash still exists, with its heartbeat age."""
    from rq import worker_registration

    now = time.time() if now is None else now
    keys = sorted(
        k.decode() if isinstance(k, bytes) else k
        for k in worker_registration.get_keys(queue=queue, connection=connection)
    )
    if not keys:
        return []
    with connection.pipeline() as pipe:
        for key in keys:
            pipe.hmget(key, "state", "last_heartbeat", "current_job")
        rows = pipe.execute()
    prefix = "rq:worker:"
    out = []
    for key, (state, heartbeat, current) in zip(keys, rows, strict=True):
        if state is None and heartbeat is None:
            continue  # expired: RQ removes it from the set on its next clean-up
        out.append(
            WorkerState(
                name=key[len(prefix) :] if key.startswith(prefix) else key,
                state=state.decode() if state else "?",
                heartbeat_age=_age(heartbeat, now),
                current_job=current.decode() if current else None,
            )
        )
    return out


def live_workers(app: Flask, connection: Any, queue: Any) -> list[WorkerState]:
    stale = heartbeat_stale_after(app)
    return [
        w
        for w in workers_of(connection, queue)
        if w.heartbeat_age is not None and w.heartbeat_age <= stale
    ]


def scheduler_of(connection: Any, queue_name: str) -> str | None:
    """The name of the RQ scheduler holding ``queue_name``'s lock, or None (no scheduler:
    scheduled jobs and delayed retries wait)."""
    from rq.scheduler import RQScheduler

    holder = connection.get(RQScheduler.get_locking_key(queue_name))
    if holder is None:
        return None
    return holder.decode() if isinstance(holder, bytes) else str(holder)


def _oldest_queued_age(queue: Any, now: float) -> float | None:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    for job_id in queue.get_job_ids(0, 5):
        try:
            job = Job.fetch(job_id, connection=queue.connection)
        except NoSuchJobError:
            continue
        when = job.enqueued_at or job.created_at
        if when is not None:
            return max(0.0, now - when.replace(tzinfo=UTC).timestamp())
    return None


def queue_state(app: Flask, queue: Any, now: float | None = None) -> QueueState:
    from rq.registry import (
        DeferredJobRegistry,
        FailedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    now = time.time() if now is None else now
    return QueueState(
        name=queue.name,
        queued=queue.count,
        started=StartedJobRegistry(queue=queue).count,
        failed=FailedJobRegistry(queue=queue).count,
        scheduled=ScheduledJobRegistry(queue=queue).count,
        deferred=DeferredJobRegistry(queue=queue).count,
        oldest_queued_age=_oldest_queued_age(queue, now),
        workers=workers_of(queue.connection, queue, now),
        scheduler=scheduler_of(queue.connection, queue.name),
    )


def redis_queues(app: Flask) -> list[QueueState]:
    """Tandem's queue (``QUEUE_NAME``) first, then any other RQ queue on the same Redis."""
    from rq import Queue

    jobs = app.extensions["tandem_jobs"]
    if not isinstance(jobs, RedisJobs):
        return []
    others = [q for q in Queue.all(connection=jobs.connection) if q.name != jobs.queue.name]
    return [queue_state(app, q) for q in [jobs.queue, *sorted(others, key=lambda q: q.name)]]


def embedded_threads(app: Flask) -> dict[str, str]:
    """The embedded mode's own threads: ``{"workers": ..., "scheduler": ...}``, each "ok",
    "down", or "not_configured" (eager mode: jobs run in the caller's thread)."""
    jobs = app.extensions["tandem_jobs"]
    if isinstance(jobs, ThreadJobs):
        return {
            "workers": "ok" if jobs.thread.is_alive() else "down",
            "scheduler": "ok" if jobs.timer.is_alive() else "down",
        }
    if isinstance(jobs, EagerJobs):
        return {"workers": "not_configured", "scheduler": "not_configured"}
    return {}


def embedded_counts(app: Flask) -> dict[str, int]:
    """Jobs waiting in the embedded mode's memory: queued for the worker thread, and
    scheduled for a time (the thread's timer heap; eager mode's ``scheduled``)."""
    jobs = app.extensions["tandem_jobs"]
    if isinstance(jobs, ThreadJobs):
        return {"queued": jobs.pending.qsize(), "scheduled": len(jobs.timers)}
    if isinstance(jobs, EagerJobs):
        return {"queued": 0, "scheduled": len(jobs.scheduled)}
    return {}


# --- the database: rows waiting for their job -----------------------------------------------


@dataclass(frozen=True)
class Waiting:
    name: str
    label: str
    count: int
    oldest: datetime | None  # naive UTC, like the columns


def database_waiting(now: datetime | None = None) -> list[Waiting]:
    """The rows, in every agency, whose work is not done yet: the truth that the queue only
    carries out (``saas.services.recovery`` re-enqueues them when their job is lost)."""
    from sqlalchemy import func, select

    from saas.extensions import db
    from saas.models import BillingEvent, OutboxMessage, Report, SessionReminder
    from tenants.context import system_scope
    from tenants.models import utcnow

    clock = now or utcnow()
    queries = [
        (
            "reports",
            "reports queued or rendering",
            Report.created_at,
            Report.status.in_(("queued", "rendering")),
        ),
        (
            "emails",
            "emails queued, sending or retrying",
            OutboxMessage.created_at,
            OutboxMessage.status.in_(("queued", "sending", "retrying")),
        ),
        (
            "billing_events",
            "Stripe events not applied (received)",
            BillingEvent.received_at,
            BillingEvent.status == "received",
        ),
        (
            "billing_events_failed",
            "Stripe events failed (flask billing replay)",
            BillingEvent.received_at,
            BillingEvent.status == "failed",
        ),
        (
            "session_reminders_due",
            "session reminders due and not sent",
            SessionReminder.due_at,
            (SessionReminder.status == "scheduled") & (SessionReminder.due_at <= clock),
        ),
        (
            "session_reminders_ahead",
            "session reminders scheduled ahead",
            SessionReminder.due_at,
            (SessionReminder.status == "scheduled") & (SessionReminder.due_at > clock),
        ),
    ]
    out = []
    with system_scope():
        for name, label, column, where in queries:
            count, oldest = db.session.execute(
                select(func.count(), func.min(column)).where(where)
            ).one()
            out.append(Waiting(name, label, int(count), oldest))
        db.session.rollback()
    return out
