"""Tandem's RQ worker: RQ's forking ``Worker`` with a tick.

RQ looks after its own house only on a *maintenance pass*, every ten minutes: that is when a
worker that started while a dead worker still held the scheduler lock finally starts a
scheduler, and an idle worker wakes up only once per ``dequeue_timeout`` (405 s by default).
A worker killed mid-job could therefore leave delayed retries and scheduled jobs waiting for
a quarter of an hour.  ``TandemWorker`` ticks instead:

* it waits on Redis for at most ``tick_seconds`` (so an idle worker passes through its loop,
  and sends its heartbeat, every tick) and checks on the work-horse every tick while busy;
* on each tick (at most one per ``tick_seconds``) it claims and enqueues the periodic tasks
  that are due (``worker.periodic``), and, when its scheduler process is not running,
  tries to take RQ's scheduler lock and start one, so a dead worker's lock passes to a live
  worker within a tick of expiring.

The tick runs in the parent process and talks only to Redis; the database is used by jobs,
in the forked work-horse, as before.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from rq import Worker

from saas.logging_setup import job_log_context
from worker.periodic import Periodic

log = logging.getLogger(__name__)


class TandemWorker(Worker):
    def __init__(
        self, queues: Any, *, tick_seconds: int = 30, periodic: Periodic | None = None, **kw: Any
    ):
        # Set before RQ's __init__, which reads dequeue_timeout to size the socket timeout.
        self.tick_seconds = max(1, int(tick_seconds))
        self.periodic = periodic
        self._next_tick = 0.0
        self._burst = False
        kw.setdefault("job_monitoring_interval", self.tick_seconds)
        # RQ would log each job's arguments (email addresses among them); our own lines
        # name the job and its id (``perform_job``) instead.
        kw.setdefault("log_job_description", False)
        super().__init__(queues, **kw)

    @property
    def dequeue_timeout(self) -> int:
        """Wait for a job at most one tick, so an idle worker still ticks."""
        return max(1, min(self.worker_ttl - 15, self.tick_seconds))

    def work(self, burst: bool = False, *args: Any, **kwargs: Any) -> bool:
        self._burst = burst
        return super().work(burst, *args, **kwargs)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        super().heartbeat(timeout, pipeline)
        if pipeline is None:  # a pipelined heartbeat belongs to a bigger step: tick after it
            self.tick()

    def maintain_heartbeats(self, job: Any, execution: Any) -> None:
        """Called every ``job_monitoring_interval`` while a work-horse runs a job."""
        super().maintain_heartbeats(job, execution)
        self.tick()

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        """In the work-horse: the job's log lines name it and the request that enqueued it
        (``job.meta["request_id"]``, set by ``worker.queue``), and it ends with one line
        saying how it went and how long it took."""
        meta = job.meta or {}
        with job_log_context(job.id, job.func_name, meta.get("request_id")):
            started = time.perf_counter()
            log.info("job %s started", job.func_name, extra={"queue": queue.name})
            ok = super().perform_job(job, queue, execution)
            (log.info if ok else log.warning)(
                "job %s %s",
                job.func_name,
                "finished" if ok else "failed",
                extra={
                    "queue": queue.name,
                    "outcome": "finished" if ok else "failed",
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return ok

    def tick(self) -> None:
        """Book due periodic tasks and keep a scheduler running; never raises."""
        if self.is_horse:
            return
        now = time.monotonic()
        if now < self._next_tick:
            return
        self._next_tick = now + self.tick_seconds * 0.9
        try:
            self._keep_scheduler()
        except Exception:  # noqa: BLE001 - Redis away: the next tick tries again
            log.warning("worker %s: could not check the scheduler", self.name, exc_info=True)
        if self.periodic is None:
            return
        try:
            self.periodic.tick()
        except Exception:  # noqa: BLE001 - Redis away: the next tick tries again
            log.warning("worker %s: could not book periodic tasks", self.name, exc_info=True)

    def _keep_scheduler(self) -> None:
        """What RQ's maintenance pass does every ten minutes, every tick: when this worker
        runs with a scheduler but its scheduler process is not alive (the lock was held by
        another worker, perhaps a dead one, when this one started), try the lock again and
        start the scheduler if it is ours now."""
        scheduler = self.scheduler
        if scheduler is None or self._burst or self._stop_requested:
            return
        process = scheduler._process
        if process is not None and process.is_alive():
            return
        if scheduler.acquire_locks(auto_start=True):
            log.info("worker %s: took over RQ's scheduler", self.name)
