"""Schema-driven fuzz of the API: schemathesis against our own ``/api/v1/openapi.json``.

``scripts/fuzz-api`` runs this.  It starts the app on a fresh database (a temporary SQLite
file, or a new PostgreSQL database next to the one ``DATABASE_URL`` names, dropped after),
loads two agencies as the tests do (``tests.factories``: brands, goals, audiences, a submitted
plan, an open review), serves it on a free local port and runs ``schemathesis run`` with the
owner's token, a fixed seed and a time budget.  Any 5xx fails the run (exit status 1).

Why a script and not a test: it needs a real HTTP server and minutes of budget, and CI gives
it a stage of its own (``.ci/run``).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHECKS = "not_a_server_error,response_schema_conformance"


@contextmanager
def fresh_database(tmp: Path) -> Iterator[str]:
    """A new, empty database URL for this run; PostgreSQL's is dropped afterwards."""
    from saas.config import normalise_database_url

    base = os.environ.get("DATABASE_URL")
    if not base or base.startswith("sqlite"):
        yield f"sqlite:///{tmp / 'fuzz.db'}"
        return
    url = make_url(normalise_database_url(base))
    name = f"tandem_fuzz_{secrets.token_hex(4)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def build_app(database_url: str, tmp: Path):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from saas import create_app

    redis_url = os.environ.get("REDIS_URL") or None
    app = create_app(
        {
            "SECRET_KEY": "fuzz-" + secrets.token_hex(8),
            "SQLALCHEMY_DATABASE_URI": database_url,
            # With Redis, jobs wait in a queue of their own that no worker reads: the API's
            # answers are what is tested, not the PDFs.  Without it, a thread renders them.
            "JOBS_MODE": "redis" if redis_url else "thread",
            "REDIS_URL": redis_url,
            "QUEUE_NAME": f"tandem-fuzz-{secrets.token_hex(4)}",
            "RATELIMIT_ENABLED": False,  # limits are tested elsewhere; here they hide paths
            "RATELIMIT_STORAGE_URI": "memory://",
            "UPLOAD_DIR": str(tmp / "uploads"),
            "REPORTS_DIR": str(tmp / "reports"),
            "BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(app) -> str:  # type: ignore[no-untyped-def]
    """Two agencies as peers, Alpha with planning data and an open review; Alpha's owner's
    token."""
    from tests.factories import planning_data, world

    with app.app_context():
        alpha, _bravo = world("Alpha"), world("Bravo")
        plan_id = planning_data(alpha.agency, alpha.brand, goals=3, campaigns=3, calendar=5).id
        planning_data(alpha.agency, alpha.other_brand, goals=1, campaigns=1, calendar=1)
        planning_data(alpha.agency, alpha.brand, goals=1, campaigns=1, calendar=1, status="draft")
        token = alpha.tokens["owner"]
    client = app.test_client()
    resp = client.post(
        f"/api/v1/plans/{plan_id}/reviews", headers={"Authorization": f"Bearer {token}"}
    )
    if resp.status_code != 201:
        raise SystemExit(f"could not open a review for the fuzz data: {resp.status_code}")
    return token


@contextmanager
def serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app over HTTP on a free local port, one request at a time (as the fuzzer sends)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


# Revoking a token: the fuzzer would revoke its own (GET /tokens links to it) and spend the
# rest of the budget on 401s, so this operation gets a short pass of its own, last.
REVOKE = "delete_tokens_token_id"


def schemathesis_command(
    base: str, token: str, args: argparse.Namespace, *, revoke_pass: bool = False
) -> list[str]:
    # TANDEM_SCHEMATHESIS: another executable (tests/edge/test_fuzz_script.py's stand-in).
    exe = os.environ.get("TANDEM_SCHEMATHESIS") or Path(sys.executable).with_name("schemathesis")
    command = [
        str(exe),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        args.checks,
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.max_examples),
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {token}",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    if revoke_pass:
        command += ["--include-operation-id", REVOKE, "--max-time", "10"]
    else:
        command += ["--exclude-operation-id", REVOKE]
        if args.max_time:
            command += ["--max-time", str(args.max_time)]
    if args.report_dir:
        name = "revoke.xml" if revoke_pass else "junit.xml"
        path = Path(args.report_dir).resolve() / name
        command += ["--report", "junit", "--report-junit-path", str(path)]
    return command + list(args.extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz-api", description=__doc__.split("\n")[0])
    parser.add_argument("--max-time", type=int, default=120, help="seconds; 0 for no limit")
    parser.add_argument("--max-examples", type=int, default=50, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=20260407)
    parser.add_argument("--checks", default=DEFAULT_CHECKS)
    parser.add_argument("--report-dir", default=None, help="write a JUnit report here")
    parser.add_argument("extra", nargs="*", help="more schemathesis options, after --")
    args = parser.parse_args(argv)

    os.environ.setdefault("TANDEM_ENV", "development")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # fuzzed text lacks glyphs
    with tempfile.TemporaryDirectory(prefix="tandem-fuzz-") as tmp_name:
        tmp = Path(tmp_name)
        with fresh_database(tmp) as database_url:
            app = build_app(database_url, tmp)
            token = seed(app)
            status = 0
            # In the temporary directory: schemathesis keeps a crash cache in its working
            # directory, which would make the next run replay this one's findings first.
            with serve(app) as base:
                for revoke_pass in (False, True):
                    command = schemathesis_command(base, token, args, revoke_pass=revoke_pass)
                    shown = [("Authorization: Bearer …" if "Bearer" in c else c) for c in command]
                    print("==> " + " ".join(shown), flush=True)
                    status = subprocess.call(command, cwd=tmp) or status
            cleanup(app)
    return status


def cleanup(app) -> None:  # type: ignore[no-untyped-def]
    """Close the database's connections (PostgreSQL's is dropped next) and empty the
    queue of our own that no worker reads."""
    from saas.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    queue = getattr(app.extensions.get("tandem_jobs"), "queue", None)
    if queue is not None:
        queue.delete(delete_jobs=True)


if __name__ == "__main__":
    sys.exit(main())
