"""Fixtures for the tests that start, kill and starve their own worker processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.jobs.workers import FAST, IsolatedQueue


@pytest.fixture
def isolated_queue(db_app, database_url, redis_url, monkeypatch) -> Iterator[IsolatedQueue]:
    """A private queue for this test: the app enqueues there, workers started here listen."""
    if not redis_url:
        pytest.skip("needs REDIS_URL: real worker processes and a real Redis")
    from worker.queue import RedisJobs

    name = f"tandem-iso-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(db_app.config, "QUEUE_NAME", name)
    monkeypatch.setitem(db_app.extensions, "tandem_jobs", RedisJobs(db_app))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        QUEUE_NAME=name,
        SECRET_KEY="test-secret",
        BASE_URL=db_app.config["BASE_URL"],
        UPLOAD_DIR=db_app.config["UPLOAD_DIR"],
        REPORTS_DIR=db_app.config["REPORTS_DIR"],
        **FAST,
    )
    if db_app.config.get("MAIL_FILE_DIR"):
        env["MAIL_FILE_DIR"] = db_app.config["MAIL_FILE_DIR"]
    env.pop("MAIL_SERVER", None)
    iso = IsolatedQueue(name=name, app=db_app, env=env)
    try:
        yield iso
    finally:
        iso.stop_all()
        iso.lose_redis_data()
