"""Periodic work that cannot be lost: the sweeper, review reminders, scheduled reports, and
the catch-up of session reminders whose scheduled job was lost.

Each periodic task has one Redis key, ``tandem:<queue>:periodic:<task>``, holding the time
(Redis's clock, seconds) it is next due.  Every ``python -m worker`` process checks the keys
on every tick (``worker.rqworker.TandemWorker``, every ``WORKER_TICK_SECONDS``) and, for a
task that is due, *claims* the occurrence with one Lua script that moves the key to the next
due time: of N workers ticking at once exactly one claims it, and that one enqueues the
task's job on the queue like any other job.

Nothing here depends on a booking that somebody must re-create, nor on RQ's scheduler lock:

* a key that is missing (Redis restarted empty, or the key expired) means "due now", so the
  first tick after a loss books and runs every task again;
* any live worker claims the next occurrence, whichever worker died or started first;
* a key whose time lies further ahead than one interval (the interval was shortened) is
  treated as due, so a change of setting takes effect at once.

A claim whose enqueue fails (Redis went away between the two) is handed back, and the next
tick tries again.  An occurrence whose previous job is still waiting in the queue (a backlog)
is claimed but not enqueued twice.  The tasks themselves are idempotent (see each job), so
an extra run is harmless; the claim is about not doing the work N times over.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from worker.queue import PENDING, redis_job_state, redis_namespace
from worker.settings import Timing

log = logging.getLogger(__name__)

#: A failed run stays in RQ's failed registry this long (a week of sweeps, not a year).
FAILURE_TTL = 7 * 24 * 3600

# KEYS[1] the task's key; ARGV: every (seconds), key TTL (seconds).  Reads Redis's clock
# inside the script, so claims are ordered by the same clock they compare against.
# Returns the new due time when this caller claimed the occurrence, else nil.
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local every = tonumber(ARGV[1])
local due = tonumber(redis.call('GET', KEYS[1]) or '')
if due and due > now and due <= now + every then
  return nil
end
local nxt = string.format('%.6f', now + every)
redis.call('SET', KEYS[1], nxt, 'EX', ARGV[2])
return nxt
"""
# Hand a claim back (the enqueue failed): only if nobody has claimed since.
_UNCLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    func: str  # dotted path of the job function
    every: int  # seconds
    args: tuple[Any, ...] = ()
    timeout: int = 900  # the job's RQ time limit


def tasks_for(timing: Timing) -> list[PeriodicTask]:
    """Tandem's periodic tasks with the intervals of ``timing``."""
    return [
        # Lost or stuck work of every kind, found again from its database row.
        PeriodicTask(
            "sweeper", "worker.sweeper.sweep", timing.sweep, (timing.stale_after_minutes,)
        ),
        # Plans waiting too long for review remind their consultant, then the owner.
        PeriodicTask("reminders", "worker.jobs.reminders.run_reminders", timing.reminders),
        # Monthly and quarterly scheduled reports that are due.
        PeriodicTask(
            "report-schedules", "worker.jobs.report_schedules.run_schedules", timing.schedules
        ),
        # Agencies whose deletion grace period ended: one purge job each.
        PeriodicTask("agency-deletions", "worker.jobs.agency_deletion.run_due", timing.reminders),
        # Session reminders due but still scheduled: their RQ job was lost with Redis.
        PeriodicTask(
            "session-reminders",
            "worker.jobs.session_reminders.catch_up",
            timing.session_reminders,
            timeout=300,
        ),
    ]


def task_key(queue_name: str, task_name: str) -> str:
    return f"{redis_namespace(queue_name)}:periodic:{task_name}"


def _last_job_key(queue_name: str, task_name: str) -> str:
    return f"{task_key(queue_name, task_name)}:job"


class Periodic:
    """The periodic tasks of one queue; ``tick()`` books and enqueues whatever is due.

    Called from the worker's parent process: it only talks to Redis (no database), so it is
    safe beside the fork of each job.
    """

    def __init__(self, queue: Any, tasks: Sequence[PeriodicTask]):
        self.queue = queue
        self.connection = queue.connection
        self.tasks = list(tasks)
        self._claim = self.connection.register_script(_CLAIM)
        self._unclaim = self.connection.register_script(_UNCLAIM)

    def now(self) -> float:
        """Redis's clock: every worker compares due times against the same clock."""
        seconds, micros = self.connection.time()
        return seconds + micros / 1_000_000

    def tick(self) -> list[str]:
        """Claim and enqueue every task that is due.  Returns the ids of the jobs enqueued."""
        enqueued: list[str] = []
        for task in self.tasks:
            key = task_key(self.queue.name, task.name)
            ttl = task.every + 60  # gone only once overdue, which means "due" anyway
            claimed = self._claim(keys=[key], args=[task.every, ttl])
            if claimed is None:
                continue
            try:
                job_id = self._enqueue(task, float(claimed))
            except Exception:
                self._unclaim(keys=[key], args=[claimed])
                raise
            if job_id is not None:
                enqueued.append(job_id)
        return enqueued

    def _enqueue(self, task: PeriodicTask, next_due: float) -> str | None:
        last_key = _last_job_key(self.queue.name, task.name)
        previous = self.connection.get(last_key)
        if previous is not None and self._still_waiting(previous.decode()):
            log.info("periodic %s: the previous run is still queued; not enqueued twice", task.name)
            return None
        safe_queue = re.sub(r"[^A-Za-z0-9_-]", "_", self.queue.name)
        job = self.queue.enqueue(
            task.func,
            *task.args,
            # One id per occurrence (named by the next one's due time): never reused.
            job_id=f"tandem-{task.name}-{safe_queue}-{int(next_due * 1000)}",
            job_timeout=task.timeout,
            failure_ttl=FAILURE_TTL,
            description=f"periodic {task.name}",
        )
        self.connection.set(last_key, job.id, ex=task.every + 60)
        log.info("periodic %s: enqueued %s", task.name, job.id)
        return job.id

    def _still_waiting(self, job_id: str) -> bool:
        return redis_job_state(self.connection, job_id) == PENDING

    def due(self) -> dict[str, float | None]:
        """{task: next due time (Redis clock) or None when not booked}: for tests and ops."""
        out: dict[str, float | None] = {}
        for task in self.tasks:
            raw = self.connection.get(task_key(self.queue.name, task.name))
            out[task.name] = float(raw) if raw is not None else None
        return out
