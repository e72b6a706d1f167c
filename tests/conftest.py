"""Test fixtures: an app on a migrated database (SQLite, or a fresh PostgreSQL database when
DATABASE_URL names one), real jobs (eager, or a real ``python -m worker`` process when
REDIS_URL is set), two agencies with identical fixtures, and ``login_as``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from saas.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
RUN_ID = uuid.uuid4().hex[:8]


def _fresh_database_url(tmp_root: Path) -> tuple[str, callable]:
    """A brand-new database for this run, and a function that drops it."""
    base = os.environ.get("DATABASE_URL")
    if not base or base.startswith("sqlite"):
        path = tmp_root / "tandem-test.db"
        return f"sqlite:///{path}", lambda: None
    url = make_url(normalise_database_url(base))
    name = f"tandem_test_{RUN_ID}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # A test database need not survive a crash of the server: commits do not wait
        # for the WAL to reach the disk (an fsync per commit, thousands per run).
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url, drop = _fresh_database_url(tmp_path_factory.mktemp("db"))
    yield url
    drop()


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


@pytest.fixture(scope="session")
def app(database_url, redis_url, tmp_path_factory):
    from flask_migrate import upgrade

    from saas import create_app

    instance = tmp_path_factory.mktemp("instance")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "JOBS_MODE": "redis" if redis_url else "eager",
        "REDIS_URL": redis_url,
        "QUEUE_NAME": f"tandem-test-{RUN_ID}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_DIR": str(instance / "uploads"),
        "REPORTS_DIR": str(instance / "reports"),
        "EXPORTS_DIR": str(instance / "exports"),
        # The people's mailboxes: delivered mail lands here as .eml files (tests/mailbox.py).
        "MAIL_FILE_DIR": str(instance / "mail"),
        "MAIL_SERVER": None,
        "BASE_URL": "http://tandem.test",
        "SERVER_NAME": None,
    }
    application = create_app(config)
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        _keep_insertion_order()
    return application


def _keep_insertion_order() -> None:
    """PostgreSQL only: no autovacuum on the test tables (see ``_clean_postgresql``)."""
    from saas.extensions import db

    with db.engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" SET (autovacuum_enabled = false)')


@pytest.fixture(scope="session")
def worker_process(app, database_url, redis_url) -> Iterator[subprocess.Popen | None]:
    """A real RQ worker process (Redis mode only), sharing the test database."""
    if not redis_url:
        yield None
        return
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        QUEUE_NAME=app.config["QUEUE_NAME"],
        SECRET_KEY="test-secret",
        BASE_URL="http://tandem.test",
        UPLOAD_DIR=app.config["UPLOAD_DIR"],
        REPORTS_DIR=app.config["REPORTS_DIR"],
        EXPORTS_DIR=app.config["EXPORTS_DIR"],
        MAIL_FILE_DIR=app.config["MAIL_FILE_DIR"],
    )
    env.pop("MAIL_SERVER", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "--name", f"test-{RUN_ID}", "--no-periodic"],
        cwd=ROOT,
        env=env,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _jobs_pending(queue, registry) -> bool:
    """Queued, being moved to a worker, or running.  RQ moves a job from the queue to an
    intermediate list before it enters the started registry: a check of the queue and the
    registry alone sees nothing in that instant, and a test then reads mail not yet sent."""
    return bool(
        queue.count or registry.count or queue.connection.llen(queue.intermediate_queue_key)
    )


def _drain_queue(app, timeout: float = 30.0) -> None:
    """Let the worker finish what the previous test left queued, so it does not hold table
    locks while the next test truncates (PostgreSQL would break the deadlock by failing
    the TRUNCATE)."""
    jobs = app.extensions.get("tandem_jobs")
    queue = getattr(jobs, "queue", None)
    if queue is None:
        return
    from rq.registry import StartedJobRegistry

    registry = StartedJobRegistry(queue=queue)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not _jobs_pending(queue, registry):
                return
        except Exception:  # noqa: BLE001 - a test may have pointed the queue elsewhere
            return
        time.sleep(0.05)


def _clean_postgresql(conn, tables) -> None:
    """Empty the tables a test wrote to and restart every id sequence.

    TRUNCATE of all 40-odd tables costs about 180 ms on PostgreSQL (it swaps files), which
    over three thousand tests was minutes of the CI run (and truncating only the tables a
    test wrote does not help: CASCADE from ``agencies`` reaches them all).  One EXISTS probe
    finds the few a test wrote to, DELETE empties them (children first) and every sequence
    restarts: about 10 ms.  The dead rows a DELETE leaves stay dead because the test
    database has autovacuum off (``_keep_insertion_order``), so inserts do not reuse their
    space and an unordered SELECT still returns rows in insertion order."""
    probe = " UNION ALL ".join(
        f'SELECT {i} WHERE EXISTS (SELECT 1 FROM "{t.name}")'  # noqa: S608 - our table names
        for i, t in enumerate(tables)
    )
    used = {row[0] for row in conn.exec_driver_sql(probe)}
    for i, table in enumerate(tables):
        if i in used:
            conn.execute(table.delete())
    sequences = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name)"
            " FROM information_schema.sequences"
        )
    ]
    if sequences:
        conn.exec_driver_sql("SELECT " + ", ".join(f"setval('{s}', 1, false)" for s in sequences))


def _clean_database(app) -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from saas.extensions import db

    _drain_queue(app)
    with app.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        for attempt in range(5):
            try:
                with db.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        try:
                            with conn.begin_nested():
                                _clean_postgresql(conn, tables)
                        except IntegrityError:
                            # A reference cycle the dependency order cannot break: the slow way.
                            names = ", ".join(f'"{t.name}"' for t in tables)
                            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                    else:
                        for table in tables:
                            conn.execute(table.delete())
                return
            except OperationalError:
                # A straggling job of the previous test held a lock (deadlock): try again.
                if attempt == 4:
                    raise
                time.sleep(0.5)


def _forget_request_globals(sender, **_extra) -> None:
    """Flask reuses the test's app context for each request: clear ``g`` between them,
    as a real server (one app context per request) would, so no cached user leaks."""
    from flask import g

    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture
def db_app(app, worker_process):
    """The app with an empty database and fresh rate limits, in an app context."""
    from flask import request_started

    from saas.extensions import db, limiter

    _clean_database(app)
    limiter.reset()
    for old in Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"):
        old.unlink()
    request_started.connect(_forget_request_globals, app)
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
    request_started.disconnect(_forget_request_globals, app)


@pytest.fixture
def client(db_app):
    return db_app.test_client()


def wait_for_jobs(app, timeout: float = 30.0, *, expire: bool = True) -> None:
    """Wait until every enqueued job has run: a no-op unless jobs go to a real worker.

    ``expire`` then expires the session, so what the worker wrote is read afresh (a caller
    holding loaded objects outside a tenant scope passes False)."""
    if not app.config.get("REDIS_URL"):
        return
    from rq.registry import StartedJobRegistry

    jobs = app.extensions["tandem_jobs"]
    if getattr(jobs, "queue", None) is None:
        return
    registry = StartedJobRegistry(queue=jobs.queue)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _jobs_pending(jobs.queue, registry):
            time.sleep(0.05)
            if not _jobs_pending(jobs.queue, registry):
                break
        time.sleep(0.05)
    else:
        raise AssertionError("jobs did not finish in time")
    if expire:
        from saas.extensions import db

        db.session.expire_all()


@pytest.fixture
def run_jobs(db_app, redis_url):
    """Wait until every enqueued job has run (a no-op in eager mode)."""

    def wait(timeout: float = 30.0) -> None:
        if redis_url:
            wait_for_jobs(db_app, timeout)

    return wait


@pytest.fixture
def cold_plan_caches(monkeypatch):
    """Nothing kept between requests (the plan page's campaign table, the API plan's
    content), so a test counting queries sees what a first request reads: an N+1 shows."""
    from saas.api.plans import endpoints
    from saas.web.plans import table_cache

    monkeypatch.setattr(table_cache.tables, "max_entries", 0)
    monkeypatch.setattr(endpoints._content, "max_entries", 0)
    table_cache.tables.clear()
    endpoints._content.clear()


@pytest.fixture
def two_agencies(db_app):
    """Agencies "Alpha" and "Bravo", each with two brands and a member in every role."""
    from tests.factories import world

    return world("Alpha"), world("Bravo")


@pytest.fixture
def alpha(two_agencies):
    return two_agencies[0]


@pytest.fixture
def bravo(two_agencies):
    return two_agencies[1]


@pytest.fixture
def login_as(client):
    """Sign a user in by a real POST to /login (optionally choosing the agency)."""
    from tests.factories import PASSWORD

    def _login(membership_or_user, password: str = PASSWORD):
        user = getattr(membership_or_user, "user", membership_or_user)
        resp = client.post("/login", data={"email": user.email, "password": password})
        assert resp.status_code in (302, 303), f"login failed for {user.email}: {resp.status_code}"
        agency_id = getattr(membership_or_user, "agency_id", None)
        if agency_id is not None:
            with client.session_transaction() as sess:
                sess["agency_id"] = agency_id
        return client

    return _login


@pytest.fixture
def api(client):
    """``api(token).get('/api/v1/me')`` – a JSON client with a bearer token."""

    class Api:
        def __init__(self, token: str | None):
            self.headers = {"Authorization": f"Bearer {token}"} if token else {}

        def _call(self, method: str, path: str, json=None, **kw):
            return client.open(path, method=method, json=json, headers=self.headers, **kw)

        def get(self, path, **kw):
            return self._call("GET", path, **kw)

        def post(self, path, json=None, **kw):
            return self._call("POST", path, json=json, **kw)

        def patch(self, path, json=None, **kw):
            return self._call("PATCH", path, json=json, **kw)

        def delete(self, path, **kw):
            return self._call("DELETE", path, **kw)

    return Api


# --- Browser journeys: a live server and Debian's Chromium driven by Playwright ---

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("TANDEM_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts")
)


@pytest.fixture
def live_server(db_app) -> Iterator[str]:
    """Serve the test app over HTTP with real CSRF checks, in a background thread."""
    db_app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, db_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db_app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("TANDEM_SKIP_BROWSER") == "1":
        # .ci/run's PostgreSQL stage: the journeys already ran in its SQLite stage.
        pytest.skip("browser journeys skipped here (TANDEM_SKIP_BROWSER=1)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def shot():
    """Save a screenshot into artifacts/ for a person to look at."""

    def _shot(page, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot
