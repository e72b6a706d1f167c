"""Run by test_redis_outage.py in a process of its own: an app whose queue and rate-limit
counters live in a Redis server that this script starts, uses, then kills.

A separate process because the limiter and queue are bound per app at start-up, and the
suite's shared app must keep its own.  Prints one JSON object: what each request answered.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    port = _free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        from redis import Redis

        for _ in range(100):
            try:
                Redis.from_url(url).ping()
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.05)
        return _probe(url, redis)
    finally:
        if redis.poll() is None:
            redis.kill()


def _probe(url: str, redis: subprocess.Popen) -> int:
    from flask_migrate import upgrade

    from saas import create_app
    from saas.extensions import db

    tmp = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_UNEXPECTED": False,
            "SECRET_KEY": "probe",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'probe.db'}",
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": url,
            "JOBS_MODE": "redis",
            "QUEUE_NAME": "tandem-outage-probe",
            "RATELIMIT_STORAGE_URI": url,
            "MAIL_FILE_DIR": str(tmp / "mail"),
            "MAIL_SERVER": None,
            "BASE_URL": "http://tandem.test",
        }
    )
    out: dict[str, object] = {}
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
        from tests.factories import PASSWORD, world

        w = world("Probe")
        client = app.test_client()
        login = {"email": "owner@probe.test", "password": PASSWORD}
        out["login_with_redis"] = client.post("/login", data=login).status_code
        # A worker's heartbeat and the scheduler's lock, as ``python -m worker`` keeps them.
        from rq import Worker
        from rq.scheduler import RQScheduler

        jobs = app.extensions["tandem_jobs"]
        Worker([jobs.queue], connection=jobs.connection, name="probe-worker").register_birth()
        jobs.connection.set(RQScheduler.get_locking_key(jobs.queue.name), "probe", ex=60)
        out["healthz_with_redis"] = client.get("/healthz").get_json()

        redis.kill()
        redis.wait(timeout=10)

        fresh = app.test_client()
        out["login"] = fresh.post("/login", data=login).status_code
        out["login_wrong_password"] = (
            app.test_client()
            .post("/login", data={**login, "password": "not the password"})
            .status_code
        )
        out["api_tokens"] = (
            app.test_client()
            .post("/api/v1/tokens", json={"email": "owner@probe.test", "password": PASSWORD})
            .status_code
        )
        out["api_signup"] = (
            app.test_client()
            .post(
                "/api/v1/signup",
                json={
                    "agency_name": "Outage Agency",
                    "name": "Olive Outage",
                    "email": "olive@outage.test",
                    "password": PASSWORD,
                },
            )
            .status_code
        )
        out["web_signup"] = (
            app.test_client()
            .post(
                "/signup",
                data={
                    "agency_name": "Second Outage",
                    "name": "Sam Outage",
                    "email": "sam@outage.test",
                    "password": PASSWORD,
                },
            )
            .status_code
        )
        out["forgot"] = (
            app.test_client()
            .post("/password/forgot", data={"email": "owner@probe.test"})
            .status_code
        )
        out["login_link"] = (
            app.test_client().post("/login/link", data={"email": "leader@probe.test"}).status_code
        )
        health = app.test_client().get("/healthz")
        out["healthz_status"] = health.status_code
        out["healthz"] = health.get_json()
        from sqlalchemy import select

        from saas.models import OutboxMessage
        from tenants.context import system_scope

        with system_scope():
            out["outbox"] = sorted(
                (m.kind, m.status)
                for m in db.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.agency_id == w.agency.id)
                )
            )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("TANDEM_ENV", "development")
    raise SystemExit(main())
