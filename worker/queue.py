"""One way to enqueue work, three ways to run it.

* ``redis``  – a real RQ queue on ``REDIS_URL``; ``python -m worker`` runs the jobs.
* ``thread`` – the embedded default: an in-process worker thread, no Redis needed.
* ``eager``  – run the job right after the commit, in the caller's thread (tests).

A job may also be *scheduled* for a time (``enqueue_at_after_commit``), with an id of the
caller's choosing so that it can be cancelled (``cancel_after_commit``): in Redis mode it
waits in RQ's ``ScheduledJobRegistry`` for the scheduler that ``python -m worker`` runs; in
thread mode the worker thread keeps a timer heap (lost on restart, so whoever schedules
keeps a catch-up of its own); in eager mode it is only recorded, and ``run_due(now)``
runs the ones whose time has come, as a test says.

Jobs take ids, never ORM objects.  Enqueueing happens *after* the database commit
(``enqueue_after_commit``) so a worker never looks for a row that is not there yet; the
row, not the RQ job, is the truth and can always be re-enqueued.
"""

from __future__ import annotations

import contextvars
import heapq
import importlib
import logging
import queue as stdlib_queue
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from saas.logging_setup import current_request_id, job_log_context

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
    #: Run at this time (aware UTC) rather than now: a scheduled job.
    at: datetime | None = None
    #: The request (or the job) that enqueued it, for the logs (``saas.logging_setup``).
    request_id: str | None = None


def _aware_utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


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
        # The worker logs the job's lines with it (worker.rqworker.TandemWorker.perform_job).
        meta = {"request_id": req.request_id} if req.request_id else None
        if req.at is not None:
            job = self.queue.enqueue_at(
                _aware_utc(req.at),
                req.func,
                *req.args,
                job_id=req.job_id,
                retry=retry,
                job_timeout=req.timeout,
                meta=meta,
            )
            return job.id
        job = self.queue.enqueue(
            req.func,
            *req.args,
            job_id=req.job_id,
            retry=retry,
            job_timeout=req.timeout,
            meta=meta,
        )
        return job.id

    def cancel(self, job_id: str) -> None:
        """Take a scheduled job out of RQ's scheduled registry and delete it.  A job that
        the scheduler has already moved to the queue is deleted too (it leaves the queue);
        one already running is left to finish (its own checks make it do nothing)."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job
        from rq.registry import ScheduledJobRegistry

        ScheduledJobRegistry(queue=self.queue).remove(job_id)
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return
        if job.get_status(refresh=False) != "started":
            job.delete(remove_from_queue=True)

    def state(self, job_id: str | None) -> str:
        """``PENDING``, ``RUNNING``, ``DONE`` or ``MISSING`` (see ``redis_job_state``)."""
        return redis_job_state(self.connection, job_id)


class EagerJobs:
    """Runs the job at once; retries immediately (there is nobody to wait for)."""

    def __init__(self, app: Flask):
        self.app = app
        #: Scheduled jobs not yet run, by id: ``run_due`` runs them when a test says so.
        self.scheduled: dict[str, JobRequest] = {}

    def submit(self, req: JobRequest) -> str:
        if req.at is not None:
            self.scheduled[req.job_id] = req
            return req.job_id
        self._run(req)
        return req.job_id

    def _run(self, req: JobRequest) -> None:
        # A fresh contextvars.Context: the job must not inherit the caller's tenant scope,
        # exactly as in a worker process (a job that forgets tenant_scope fails here too).
        contextvars.Context().run(run_with_retries, self.app, req, sleep=False)

    def cancel(self, job_id: str) -> None:
        self.scheduled.pop(job_id, None)

    def run_due(self, now: datetime) -> list[str]:
        """Run every scheduled job whose time is at or before ``now``, earliest first."""
        due = sorted(
            (r for r in self.scheduled.values() if _aware_utc(r.at) <= _aware_utc(now)),  # type: ignore[arg-type]
            key=lambda r: _aware_utc(r.at),  # type: ignore[arg-type]
        )
        for req in due:
            self.scheduled.pop(req.job_id, None)
            self._run(req)
        return [r.job_id for r in due]


class ThreadJobs:
    """The embedded default: one daemon thread works through an in-memory queue.

    Scheduled jobs wait in a heap watched by a timer thread, which hands each to the
    worker thread at its time.  The heap lives in memory: a restart loses it, so every
    ``catch_up`` task (``THREAD_CATCH_UP``) also runs from the timer thread, every
    ``THREAD_CATCH_UP_SECONDS``, and finds again the work whose job was lost.
    """

    def __init__(self, app: Flask, catch_up: Sequence[str] | None = None):
        self.app = app
        self.catch_up = tuple(THREAD_CATCH_UP if catch_up is None else catch_up)
        self.pending: stdlib_queue.Queue[JobRequest] = stdlib_queue.Queue()
        self.timers: list[tuple[float, int, JobRequest]] = []
        self.cancelled: set[str] = set()
        self._counter = 0
        self._wake = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="tandem-jobs", daemon=True)
        self.thread.start()
        self.timer = threading.Thread(target=self._tick, name="tandem-timers", daemon=True)
        self.timer.start()

    def submit(self, req: JobRequest) -> str:
        if req.at is not None:
            with self._wake:
                self.cancelled.discard(req.job_id)
                self._counter += 1
                heapq.heappush(self.timers, (_aware_utc(req.at).timestamp(), self._counter, req))
                self._wake.notify()
            return req.job_id
        self.pending.put(req)
        return req.job_id

    def cancel(self, job_id: str) -> None:
        with self._wake:
            if any(r.job_id == job_id for _, _, r in self.timers):
                self.cancelled.add(job_id)

    def _tick(self) -> None:
        next_catch_up = time.time() + THREAD_CATCH_UP_SECONDS
        while True:
            with self._wake:
                now = time.time()
                while self.timers and self.timers[0][0] <= now:
                    _, _, req = heapq.heappop(self.timers)
                    if req.job_id in self.cancelled:
                        self.cancelled.discard(req.job_id)
                        continue
                    self.pending.put(req)
                wait_until = min(next_catch_up, self.timers[0][0] if self.timers else next_catch_up)
                self._wake.wait(timeout=max(0.05, min(wait_until - now, 60)))
            if time.time() >= next_catch_up:
                next_catch_up = time.time() + THREAD_CATCH_UP_SECONDS
                for func in self.catch_up:
                    self.pending.put(JobRequest(func, (), uuid.uuid4().hex, max_retries=0))

    def join(self) -> None:
        self.pending.join()

    def _run(self) -> None:
        while True:
            req = self.pending.get()
            try:
                run_with_retries(self.app, req, sleep=True)
            finally:
                self.pending.task_done()


#: Catch-up tasks the thread mode runs itself (Redis mode books them in ``worker.periodic``).
THREAD_CATCH_UP: tuple[str, ...] = ("worker.jobs.session_reminders.catch_up",)
THREAD_CATCH_UP_SECONDS = 60


def run_with_retries(app: Flask, req: JobRequest, *, sleep: bool) -> None:
    with job_log_context(req.job_id, req.func, req.request_id):
        _run_with_retries(app, req, sleep=sleep)


def _run_with_retries(app: Flask, req: JobRequest, *, sleep: bool) -> None:
    func = resolve(req.func)
    attempts = req.max_retries + 1
    for attempt in range(attempts):
        _current_attempt.retries_left = attempts - attempt - 1
        started = time.perf_counter()
        log.info("job %s started", req.func, extra={"attempt": attempt + 1})
        try:
            with app.app_context():
                func(*req.args)
            log.info(
                "job %s finished",
                req.func,
                extra={
                    "outcome": "finished",
                    "attempt": attempt + 1,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return
        except Exception:
            log.exception(
                "job %s (%s) failed, attempt %d",
                req.job_id,
                req.func,
                attempt + 1,
                extra={
                    "outcome": "failed",
                    "attempt": attempt + 1,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
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
    options.setdefault("request_id", current_request_id())
    req = JobRequest(
        func=func, args=args, job_id=options.pop("job_id", None) or uuid.uuid4().hex, **options
    )
    return current_app.extensions["tandem_jobs"].submit(req)


def enqueue_after_commit(
    session: Session | scoped_session, func: str, *args: Any, **options: Any
) -> str:
    """Enqueue once ``session`` commits; dropped if it rolls back.  Returns the job id.

    The job carries the id of the request (or job) enqueueing it, for the logs."""
    job_id = options.pop("job_id", None) or uuid.uuid4().hex
    options.setdefault("request_id", current_request_id())
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        # Begin now so that a rollback before any SQL still discards this job.
        session.begin()
    session.info.setdefault("tandem_after_commit", []).append((app, func, args, job_id, options))
    return job_id


def enqueue_at_after_commit(
    session: Session | scoped_session,
    at: datetime,
    func: str,
    *args: Any,
    job_id: str,
    **options: Any,
) -> str:
    """Schedule ``func(*args)`` for ``at`` (UTC) once ``session`` commits; dropped if it
    rolls back.  ``job_id`` is the caller's, deterministic, so that the job can be found
    and cancelled (``cancel_after_commit``) and a second booking of it replaces the first."""
    return enqueue_after_commit(session, func, *args, job_id=job_id, at=_aware_utc(at), **options)


def cancel_after_commit(session: Session | scoped_session, job_id: str) -> None:
    """Cancel the scheduled job ``job_id`` once ``session`` commits (kept if it rolls back).

    Best effort: a job that has started, or that a queue outage kept from being
    cancelled, still runs, so a scheduled job must check its row and do nothing when it
    no longer matches."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault("tandem_after_commit", []).append((app, None, (), job_id, {}))


def cancel_job(job_id: str) -> None:
    """Cancel the scheduled job ``job_id`` now (see ``cancel_after_commit``)."""
    current_app.extensions["tandem_jobs"].cancel(job_id)


def run_due(now: datetime | None = None) -> list[str]:
    """Eager mode (tests): run the scheduled jobs due by ``now``.  Returns their ids.

    Other modes run scheduled jobs themselves, at their time; there this does nothing."""
    jobs = current_app.extensions["tandem_jobs"]
    if not isinstance(jobs, EagerJobs):
        return []
    return jobs.run_due(now or datetime.now(UTC))


def scheduled_jobs() -> dict[str, JobRequest]:
    """Eager mode (tests): the scheduled jobs still waiting, by id ({} in other modes)."""
    jobs = current_app.extensions["tandem_jobs"]
    return dict(jobs.scheduled) if isinstance(jobs, EagerJobs) else {}


@event.listens_for(Session, "after_commit")
def _flush_pending_jobs(session: Session) -> None:
    pending = session.info.pop("tandem_after_commit", [])
    for app, func, args, job_id, options in pending:
        if func is None:  # a cancellation (``cancel_after_commit``)
            try:
                app.extensions["tandem_jobs"].cancel(job_id)
            except Exception:  # noqa: BLE001 - the job finds its row changed and does nothing
                log.exception("could not cancel job %s; it will find nothing to do", job_id)
            continue
        req = JobRequest(func=func, args=args, job_id=job_id, **options)
        try:
            app.extensions["tandem_jobs"].submit(req)
        except Exception:  # noqa: BLE001 - the row stays queued; the sweeper re-enqueues it
            log.exception("could not enqueue %s; the database row keeps it for the sweeper", func)


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop("tandem_after_commit", None)
