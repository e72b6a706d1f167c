"""The real worker (``python -m worker``, ``LOG_FORMAT=json``) logs each job in JSON with the
id of the request that enqueued it, through a job that enqueues another (the account link,
then its delivery).  Needs ``REDIS_URL``; the eager mode's version is in test_request_ids.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from saas.logging_setup import EMAIL_HEADER
from tests.jobs.workers import ROOT, IsolatedQueue
from tests.mailbox import inbox
from tests.ops.conftest import delivered_headers


@pytest.fixture
def private_queue(db_app, database_url, redis_url, monkeypatch):
    if not redis_url:
        pytest.skip("needs REDIS_URL: a real worker process and a real Redis")
    from worker.queue import RedisJobs

    name = f"tandem-ops-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(db_app.config, "QUEUE_NAME", name)
    monkeypatch.setitem(db_app.extensions, "tandem_jobs", RedisJobs(db_app))
    iso = IsolatedQueue(name=name, app=db_app, env={})
    try:
        yield iso
    finally:
        iso.lose_redis_data()


def test_the_worker_logs_each_job_in_json_with_the_request_id(
    db_app, client, alpha, private_queue, database_url, redis_url
):
    rid = "req-worker-json-0007"
    to = alpha.owner.user.email
    resp = client.post("/password/forgot", data={"email": to}, headers={"X-Request-Id": rid})
    assert resp.status_code == 200

    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": "/tmp",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "QUEUE_NAME": private_queue.name,
        "SECRET_KEY": "test-secret",
        "BASE_URL": db_app.config["BASE_URL"],
        "UPLOAD_DIR": db_app.config["UPLOAD_DIR"],
        "REPORTS_DIR": db_app.config["REPORTS_DIR"],
        "MAIL_FILE_DIR": db_app.config["MAIL_FILE_DIR"],
        "LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-m", "worker", "--burst", "--no-periodic", "--no-scheduler"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [json.loads(x) for x in done.stderr.splitlines() if x.startswith("{")]
    assert lines, done.stderr[-4000:]
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    ours = [line for line in lines if line.get("request_id") == rid]
    jobs = {line["job"] for line in ours}
    assert jobs == {
        "worker.jobs.account_mail.prepare_account_link",
        "worker.jobs.email.deliver_email",
    }
    finished = [line for line in ours if line.get("outcome") == "finished"]
    assert {line["job"] for line in finished} == jobs
    assert all(line["job_id"] and line["duration_ms"] >= 0 for line in finished)
    assert any(line["message"].startswith("email written to") for line in ours)

    assert len(inbox(to, wait_for=1)) == 1
    [mail] = delivered_headers()
    assert mail[EMAIL_HEADER] == rid
