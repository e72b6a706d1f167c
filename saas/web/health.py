"""``/healthz`` for load balancers and docker compose: the state of each part, by name.

200 while the web process can serve (the database answers), 503 only when it cannot: a
Redis outage degrades background work and rate limiting but must not take the web out of
the load balancer.  Later features add their parts with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from saas.extensions import db

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


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    client = current_app.extensions.get("tandem_health_redis")
    if client is None:
        from redis import Redis

        # Short timeouts: a health check that hangs is worse than one that says "down".
        client = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        current_app.extensions["tandem_health_redis"] = client
    try:
        client.ping()
    except Exception:  # noqa: BLE001 - refused, timed out, auth: all mean down
        return "down"
    return "ok"


register("database", _database, critical=True)
register("redis", _redis)


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    parts = {check.name: check.probe() for check in CHECKS}
    critical_down = any(c.critical and parts[c.name] == "down" for c in CHECKS)
    degraded = any(state == "down" for state in parts.values())
    status = "down" if critical_down else ("degraded" if degraded else "ok")
    return jsonify({"status": status, **parts}), 503 if critical_down else 200
