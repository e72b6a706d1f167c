"""``/healthz`` for load balancers and docker compose: the state of each part, by name.

200 while the web process can serve (the database answers), 503 only when it cannot: a
Redis outage degrades background work and rate limiting but must not take the web out of
the load balancer.  Later features add their parts with ``register``.

The parts (docs/OPERATIONS.md says what to do about each):

* ``database``: ``SELECT 1`` answers (critical: down answers 503).
* ``redis``: ``PING`` answers (``not_configured`` without ``REDIS_URL``).
* ``workers``: at least one worker on our queue sent a heartbeat within three ticks
  (Redis mode; RQ's worker hashes), or the embedded worker thread is alive (thread mode).
* ``scheduler``: some worker holds RQ's scheduler lock for our queue, so scheduled jobs
  and delayed retries get moved to the queue (Redis mode), or the embedded timer thread is
  alive (thread mode).

Each is ``ok``, ``down`` or ``not_configured`` (eager mode has neither workers nor a
scheduler), and ``unknown`` when Redis itself is down and so cannot be asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from saas.extensions import db
from worker.queue import RedisJobs
from worker.status import embedded_threads, heartbeat_stale_after, scheduler_of, workers_of

bp = Blueprint("health", __name__)


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[], str]  # "ok", "down" or "not_configured"
    critical: bool  # down means the web cannot serve: answer 503


CHECKS: list[Check] = []


def register(name: str, probe: Callable[[], str], *, critical: bool = False) -> None:
    """Add a part to ``/healthz`` (once per name)."""
    if all(check.name != name for check in CHECKS):
        CHECKS.append(Check(name, probe, critical))


def _database() -> str:
    try:
        db.session.execute(select(1))
    except Exception:  # noqa: BLE001 - any failure means the database cannot serve us
        db.session.rollback()
        current_app.logger.warning("healthz: database down", exc_info=True)
        return "down"
    return "ok"


def _health_redis() -> Any:
    client = current_app.extensions.get("tandem_health_redis")
    if client is None:
        from redis import Redis

        # Short timeouts: a health check that hangs is worse than one that says "down".
        url = current_app.config["REDIS_URL"]
        client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        current_app.extensions["tandem_health_redis"] = client
    return client


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    try:
        _health_redis().ping()
    except Exception:  # noqa: BLE001 - refused, timed out, auth: all mean down
        g.health_redis_down = True  # the parts below cannot ask it: "unknown", at once
        return "down"
    return "ok"


def _queue_part(name: str, ask: Callable[[Any, Any], bool]) -> str:
    """``workers`` or ``scheduler``: in Redis mode ``ask(connection, queue)`` says whether
    it is up; in the embedded modes, whether its thread is alive."""
    jobs = current_app.extensions.get("tandem_jobs")
    if not isinstance(jobs, RedisJobs):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return embedded_threads(app).get(name, "not_configured")
    if g.get("health_redis_down"):
        return "unknown"
    try:
        from rq import Queue

        connection = _health_redis()
        return "ok" if ask(connection, Queue(jobs.queue.name, connection=connection)) else "down"
    except Exception:  # noqa: BLE001 - Redis went away between the checks
        current_app.logger.warning("healthz: could not read the queue's state", exc_info=True)
        return "unknown"


def _has_live_worker(connection: Any, queue: Any) -> bool:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stale = heartbeat_stale_after(app)
    return any(
        w.heartbeat_age is not None and w.heartbeat_age <= stale
        for w in workers_of(connection, queue)
    )


def _has_scheduler(connection: Any, queue: Any) -> bool:
    return scheduler_of(connection, queue.name) is not None


def _workers() -> str:
    return _queue_part("workers", _has_live_worker)


def _scheduler() -> str:
    return _queue_part("scheduler", _has_scheduler)


register("database", _database, critical=True)
register("redis", _redis)
register("workers", _workers)
register("scheduler", _scheduler)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    g.health_redis_down = False
    parts = {check.name: check.probe() for check in CHECKS}
    critical_down = any(c.critical and parts[c.name] == "down" for c in CHECKS)
    degraded = any(state == "down" for state in parts.values())
    status = "down" if critical_down else ("degraded" if degraded else "ok")
    return jsonify({"status": status, **parts}), 503 if critical_down else 200
