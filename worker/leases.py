"""Leases: "this process is working on X right now", true only while that process lives.

A lease is a Redis key (``tandem:<queue>:lease:<name>``) with a short TTL
(``JOB_LEASE_SECONDS``), taken with ``SET NX`` by the job that does the work and refreshed
by a small thread in that job's process every third of the TTL.  It answers two questions
that RQ's own bookkeeping answers only after minutes:

* *May I start?*  A second job for the same report or email (a re-enqueue by the sweeper or
  by cron while the first is still going) finds the lease taken and steps aside, so two
  renders or two deliveries of one row never run at once.
* *Is anybody still on it?*  A work-horse killed with ``kill -9`` (or its machine lost)
  stops refreshing; its lease is gone within one TTL and the sweeper recovers the row at
  once, instead of waiting for the row's deadline or RQ's maintenance pass.  A work-horse
  whose parent alone was killed keeps its lease, and its render is left to finish.

The refresher touches Redis only, never the database, and runs in the work-horse (not in
the forking parent).  It gives up after ``max_seconds`` so that a wedged process cannot hold
a lease for ever.  Without Redis (eager and thread modes) there is nobody to coordinate
with: ``hold`` always succeeds and ``is_held`` answers ``None`` ("cannot tell").
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app

from worker.queue import RedisJobs, redis_namespace
from worker.settings import timing

log = logging.getLogger(__name__)

# Refresh: extend our own lease; re-create it if Redis lost it; 0 when another holder has it.
_REFRESH = """
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 2
end
return 0
"""
# Release: delete the key only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _redis(app: Flask) -> tuple[Any, str] | None:
    """(connection, queue name) in Redis mode, else None."""

    jobs = app.extensions.get("tandem_jobs")
    if not isinstance(jobs, RedisJobs):
        return None
    return jobs.connection, jobs.queue.name


def lease_key(queue_name: str, name: str) -> str:

    return f"{redis_namespace(queue_name)}:lease:{name}"


class _Refresher(threading.Thread):
    def __init__(self, connection: Any, key: str, token: str, ttl: int, max_seconds: float):
        super().__init__(name=f"lease-{key}", daemon=True)
        self.connection = connection
        self.key = key
        self.token = token
        self.ttl = ttl
        self.max_seconds = max_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        refresh = self.connection.register_script(_REFRESH)
        interval = max(0.2, self.ttl / 3)
        give_up = time.monotonic() + self.max_seconds
        while not self.stopped.wait(interval):
            if time.monotonic() > give_up:
                log.warning("lease %s: held %ss, no longer refreshed", self.key, self.max_seconds)
                return
            try:
                outcome = refresh(keys=[self.key], args=[self.token, self.ttl])
            except Exception:  # noqa: BLE001 - Redis away for a moment: try again next time
                log.warning("could not refresh lease %s", self.key, exc_info=True)
                continue
            if outcome == 0:
                log.warning("lease %s was taken by another process", self.key)
                return


@contextmanager
def hold(name: str, *, max_seconds: float, app: Flask | None = None) -> Iterator[bool]:
    """Hold the lease ``name`` for the block: yields True when it is ours, False when
    another live process holds it (the caller should then leave the work alone)."""

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    backend = _redis(app)
    if backend is None:
        yield True
        return
    connection, queue_name = backend
    key = lease_key(queue_name, name)
    token = uuid.uuid4().hex
    ttl = timing(app).lease
    try:
        acquired = bool(connection.set(key, token, nx=True, ex=ttl))
    except Exception:  # noqa: BLE001 - no Redis, no coordination: do the work
        log.warning("could not take lease %s; going ahead without it", key, exc_info=True)
        yield True
        return
    if not acquired:
        yield False
        return
    refresher = _Refresher(connection, key, token, ttl, max_seconds)
    refresher.start()
    try:
        yield True
    finally:
        refresher.stopped.set()
        refresher.join(timeout=5)
        try:
            connection.register_script(_RELEASE)(keys=[key], args=[token])
        except Exception:  # noqa: BLE001 - it expires by itself within one TTL
            log.warning("could not release lease %s", key, exc_info=True)


def is_held(name: str, app: Flask | None = None) -> bool | None:
    """Is some live process holding ``name``?  None when this mode cannot tell (no Redis)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    backend = _redis(app)
    if backend is None:
        return None
    connection, queue_name = backend
    return bool(connection.exists(lease_key(queue_name, name)))
