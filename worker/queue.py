"""One way to enqueue work, three ways to run it.

* ``redis``  – a real RQ queue on ``REDIS_URL``; ``python -m worker`` runs the jobs.
* ``thread`` – the embedded default: an in-process worker thread, no Redis needed.
* ``eager``  – run the job right after the commit, in the caller's thread (tests).

Jobs take ids, never ORM objects.  Enqueueing happens *after* the database commit
(``enqueue_after_commit``) so a worker never looks for a row that is not there yet; the
row, not the RQ job, is the truth and can always be re-enqueued.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import queue as stdlib_queue
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

DEFAULT_INTERVALS = (10, 60, 300)

# What the queue knows about a job (``job_state``).  The row stays the truth; this only says
# whether a job is still coming for it.
PENDING = "pending"  # waiting in its queue, deferred, or scheduled for a time still ahead
RUNNING = "running"  # a worker has started it
DONE = "done"  # finished, failed, stopped or cancelled, or stranded (see job_state)
MISSING = "missing"  # no such job: expired, never enqueued, or Redis lost it
UNKNOWN = "unknown"  # this mode keeps no record of jobs (eager, thread)
#: A job still "scheduled" this long after its time has no scheduler to enqueue it.
SCHEDULED_GRACE_SECONDS = 300


@dataclass
class JobRequest:
    func: str
    args: tuple[Any, ...]
    job_id: str
    max_retries: int = 3
    intervals: Sequence[int] = field(default_factory=lambda: DEFAULT_INTERVALS)
    timeout: int = 600


def resolve(func_path: str) -> Any:
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


class RedisJobs:
    def __init__(self, app: Flask):
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(app.config["REDIS_URL"])
        self.queue = Queue(app.config["QUEUE_NAME"], connection=self.connection)

    def submit(self, req: JobRequest) -> str:
        from rq import Retry

        retry = (
            Retry(max=req.max_retries, interval=list(req.intervals)) if req.max_retries else None
        )
        job = self.queue.enqueue(
            req.func, *req.args, job_id=req.job_id, retry=retry, job_timeout=req.timeout
        )
        return job.id

    def state(self, job_id: str | None) -> str:
        """``PENDING``, ``RUNNING``, ``DONE`` or ``MISSING`` (see ``redis_job_state``)."""
        return redis_job_state(self.connection, job_id)


class EagerJobs:
    """Runs the job at once; retries immediately (there is nobody to wait for)."""

    def __init__(self, app: Flask):
        self.app = app

    def submit(self, req: JobRequest) -> str:
        # A fresh contextvars.Context: the job must not inherit the caller's tenant scope,
        # exactly as in a worker process (a job that forgets tenant_scope fails here too).
        contextvars.Context().run(run_with_retries, self.app, req, sleep=False)
        return req.job_id


class ThreadJobs:
    """The embedded default: one daemon thread works through an in-memory queue."""

    def __init__(self, app: Flask):
        self.app = app
        self.pending: stdlib_queue.Queue[JobRequest] = stdlib_queue.Queue()
        self.thread = threading.Thread(target=self._run, name="tandem-jobs", daemon=True)
        self.thread.start()

    def submit(self, req: JobRequest) -> str:
        self.pending.put(req)
        return req.job_id

    def join(self) -> None:
        self.pending.join()

    def _run(self) -> None:
        while True:
            req = self.pending.get()
            try:
                run_with_retries(self.app, req, sleep=True)
            finally:
                self.pending.task_done()


def run_with_retries(app: Flask, req: JobRequest, *, sleep: bool) -> None:
    func = resolve(req.func)
    attempts = req.max_retries + 1
    for attempt in range(attempts):
        _current_attempt.retries_left = attempts - attempt - 1
        try:
            with app.app_context():
                func(*req.args)
            return
        except Exception:
            log.exception("job %s (%s) failed, attempt %d", req.job_id, req.func, attempt + 1)
            if attempt + 1 < attempts and sleep:
                intervals = list(req.intervals) or [0]
                time.sleep(min(intervals[min(attempt, len(intervals) - 1)], 30))
        finally:
            _current_attempt.retries_left = None


_current_attempt = threading.local()


def retries_left() -> int | None:
    """Retries left for the running job (RQ or in-process); None when unknown."""
    left = getattr(_current_attempt, "retries_left", None)
    if left is not None:
        return left
    try:
        from rq import get_current_job

        job = get_current_job()
    except Exception:  # noqa: BLE001 - not inside an RQ job
        return None
    if job is None:
        return None
    return job.retries_left if job.retries_left is not None else 0


def redis_job_state(connection: Any, job_id: str | None) -> str:
    """``PENDING``, ``RUNNING``, ``DONE`` or ``MISSING``: will ``job_id`` still run?

    A job whose hash says "queued" but that sits in no queue list, or "scheduled" long past
    its time, is stranded (Redis lost part of its data, or no scheduler runs): it counts as
    ``DONE``, since nothing will ever run it.  Reads two hash fields, not the pickled job.
    """
    if not job_id:
        return MISSING
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    raw_status, raw_origin = connection.hmget(Job.key_for(job_id), "status", "origin")
    if raw_status is None:
        return MISSING
    status = raw_status.decode()
    if status == "started":
        return RUNNING
    if status == "deferred":
        return PENDING
    origin = raw_origin.decode() if raw_origin else ""
    if status == "queued" and origin:
        queue = Queue(origin, connection=connection)
        if connection.lpos(queue.key, job_id) is not None:
            return PENDING
        if connection.lpos(queue.intermediate_queue_key, job_id) is not None:
            return PENDING  # being handed to a worker right now
        return DONE
    if status == "scheduled" and origin:
        at = connection.zscore(ScheduledJobRegistry(origin, connection=connection).key, job_id)
        if at is not None and at > time.time() - SCHEDULED_GRACE_SECONDS:
            return PENDING
        return DONE
    return DONE


def redis_namespace(queue_name: str) -> str:
    """The prefix of every Redis key of ours for ``queue_name`` (periodic bookings, leases).

    One namespace per queue, so that a test (or a second deployment on the same Redis) can
    lose or delete its keys without touching anybody else's.
    """
    return f"tandem:{queue_name}"


def job_state(job_id: str | None) -> str:
    """What the current app's queue knows about ``job_id`` (``UNKNOWN`` without Redis)."""
    jobs = current_app.extensions["tandem_jobs"]
    if isinstance(jobs, RedisJobs):
        return jobs.state(job_id)
    return UNKNOWN


def init_queue(app: Flask) -> None:
    mode = app.config["JOBS_MODE"]
    backends = {"redis": RedisJobs, "thread": ThreadJobs, "eager": EagerJobs}
    if mode not in backends:
        raise RuntimeError(f"JOBS_MODE must be one of {sorted(backends)}, not {mode!r}")
    app.extensions["tandem_jobs"] = backends[mode](app)


def enqueue_now(func: str, *args: Any, **options: Any) -> str:
    req = JobRequest(
        func=func, args=args, job_id=options.pop("job_id", None) or uuid.uuid4().hex, **options
    )
    return current_app.extensions["tandem_jobs"].submit(req)


def enqueue_after_commit(
    session: Session | scoped_session, func: str, *args: Any, **options: Any
) -> str:
    """Enqueue once ``session`` commits; dropped if it rolls back.  Returns the job id."""
    job_id = options.pop("job_id", None) or uuid.uuid4().hex
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        # Begin now so that a rollback before any SQL still discards this job.
        session.begin()
    session.info.setdefault("tandem_after_commit", []).append((app, func, args, job_id, options))
    return job_id


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    pending = session.info.pop("tandem_after_commit", [])
    for app, func, args, job_id, options in pending:
        req = JobRequest(func=func, args=args, job_id=job_id, **options)
        try:
            app.extensions["tandem_jobs"].submit(req)
        except Exception:  # noqa: BLE001 - the row stays queued; the sweeper re-enqueues it
            log.exception("could not enqueue %s; the database row keeps it for the sweeper", func)


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop("tandem_after_commit", None)
