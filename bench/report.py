"""PDF reports: end-to-end time through Redis and a real worker, against WeasyPrint alone.

    .venv/bin/python bench/report.py [--reports N] [--repeat R]

Builds, in a fresh database, a brand with 40 campaigns, 20 goals and 2,000 calendar items
(``tests.factories.planning_data``) and an open review (``saas.services.reviews.
open_review``), then measures side by side in one run:

(a) WeasyPrint alone on the report's HTML (``build_html`` once): in this process, and
    through ``worker.pdf.render_pdf`` (the child process with its limits);
(b) end to end: ``request_report`` → the row is ``ready`` with its PDF stored, through Redis
    and a real ``python -m worker`` process started here (unique queue name);
(c) pages per second;
(d) peak worker memory: ``VmHWM`` of the worker and every descendant (work-horse, PDF
    child), sampled from ``/proc`` every 20 ms;
(e) throughput of two workers over one: N reports queued at once.

The database is ``DATABASE_URL`` (a fresh ``tandem_bench_<id>`` database is created on that
server and dropped at the end; a ``sqlite:`` URL uses a temporary file); default
``postgresql://postgres@127.0.0.1:5432/postgres``.  Redis is ``REDIS_URL`` (default
``redis://127.0.0.1:6379/0``).  Workers are killed and the queue and database removed on
exit, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUN_ID = uuid.uuid4().hex[:8]
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
GOAL = 1.3


# -- database ----------------------------------------------------------------------------


def fresh_database(base: str, tmp: Path):
    """A new database for this run, and a function that drops it."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from saas.config import normalise_database_url

    if base.startswith("sqlite"):
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    url = make_url(normalise_database_url(base))
    name = f"tandem_bench_{RUN_ID}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


# -- memory ------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                kids.extend(int(k) for k in text.split())
    return kids


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class MemorySampler:
    """Peak VmHWM per process of each worker's tree (worker, work-horse, PDF child)."""

    def __init__(self, roots: list[int], every: float = 0.02):
        self.roots = roots
        self.every = every
        self.peak_kb: dict[int, int] = {}
        self.peak_tree_rss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for root in self.roots:
                tree, todo = [], [root]
                while todo:
                    pid = todo.pop()
                    tree.append(pid)
                    todo.extend(_children(pid))
                rss = 0
                for pid in tree:
                    hwm = _status_kb(pid, "VmHWM")
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), hwm)
                    rss += _status_kb(pid, "VmRSS")
                self.peak_tree_rss_kb = max(self.peak_tree_rss_kb, rss)
            self._stop.wait(self.every)

    def worker_peak_mb(self, root: int) -> float:
        return self.peak_kb.get(root, 0) / 1024

    def any_process_peak_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024


# -- the bench -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=4, help="reports per throughput batch")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of (a) and (b)")
    parser.add_argument(
        "--preimport",
        action="store_true",
        help="start workers with WeasyPrint imported and warmed before they fork (what "
        "worker/__main__.py could do)",
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    database_url, drop = fresh_database(os.environ.get("DATABASE_URL") or DEFAULT_DB, tmp)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    queue_name = f"tandem-bench-{RUN_ID}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        JOBS_MODE="redis",
        QUEUE_NAME=queue_name,
        SECRET_KEY="bench-secret",  # noqa: S106 - a throwaway database
        BASE_URL="http://tandem.bench",
        UPLOAD_DIR=str(tmp / "uploads"),
        REPORTS_DIR=str(tmp / "reports"),
    )
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    app = None
    try:
        from flask_migrate import upgrade

        from saas import create_app

        app = create_app()
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            run_bench(app, env, workers, args, tmp)
    finally:
        for proc in workers:
            stop_worker(proc)
        if app is not None:
            with contextlib.suppress(Exception):
                from rq import Queue

                jobs = app.extensions["tandem_jobs"]
                Queue(queue_name, connection=jobs.connection).delete(delete_jobs=True)
                for key in jobs.connection.scan_iter(f"rq:*{queue_name}*"):
                    jobs.connection.delete(key)  # the registries RQ keeps per queue
            with contextlib.suppress(Exception):
                from saas.extensions import db

                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


PREIMPORT = (
    "import weasyprint; weasyprint.HTML(string='<p>warm</p>').write_pdf(); "
    "from worker.__main__ import main; raise SystemExit(main(__import__('sys').argv[1:]))"
)


def start_worker(env: dict[str, str], name: str, preimport: bool = False) -> subprocess.Popen:
    head = [sys.executable, "-c", PREIMPORT] if preimport else [sys.executable, "-m", "worker"]
    return subprocess.Popen(
        [*head, "--name", name, "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(proc: subprocess.Popen) -> None:
    for pid in _tree(proc.pid)[1:]:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _tree(root: int) -> list[int]:
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(_children(pid))
    return tree


def wait_for_workers(app, count: int, timeout: float = 60.0) -> None:
    from rq import Worker

    jobs = app.extensions["tandem_jobs"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(Worker.all(queue=jobs.queue)) >= count:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{count} worker(s) did not start within {timeout:.0f} s")


def run_bench(app, env, workers, args, tmp: Path) -> None:  # noqa: PLR0915 - one story
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models.reports import Report
    from saas.services import reports as reports_service
    from saas.services.report_content import assets_for, build_html, section_names
    from saas.services.reviews import open_review
    from tenants.context import tenant_scope
    from tests import factories
    from worker.pdf import render_pdf, url_fetcher_for

    t0 = time.perf_counter()
    world = factories.world("Bench")
    plan = factories.planning_data(
        world.agency,
        world.brand,
        goals=20,
        campaigns=40,
        calendar=2000,
        author=world.team.user,
    )
    agency_id = world.agency.id
    with tenant_scope(agency_id):
        open_review(plan, world.consultant)
        db.session.commit()
    setup_s = time.perf_counter() - t0
    print(f"data: 40 campaigns, 20 goals, 2,000 calendar items, 1 review ({setup_s:.1f} s)")

    period = (date(2027, 1, 1), date(2027, 12, 31))
    timeout = app.config["REPORT_TIMEOUT_SECONDS"]
    memory_mb = app.config["REPORT_MEMORY_MB"]
    sections = list(section_names())

    # (a) the same HTML, rendered by WeasyPrint alone ---------------------------------------
    with tenant_scope(agency_id):
        probe = Report(
            brand_id=world.brand.id,
            locale="en",
            period_start=period[0],
            period_end=period[1],
            sections=sections,
            status="failed",  # never enqueued: only a source for build_html
            error="bench probe",
        )
        db.session.add(probe)
        db.session.commit()
        t = time.perf_counter()
        html = build_html(probe)
        build_s = time.perf_counter() - t
        assets = assets_for(probe)

    from weasyprint import HTML

    inproc, child, pages = [], [], 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = HTML(
                string=html, base_url="asset:/", url_fetcher=url_fetcher_for(assets, [])
            ).render()
            document.write_pdf()
        inproc.append(time.perf_counter() - t)
        pages = len(document.pages)
        del document
        t = time.perf_counter()
        render_pdf(html, assets=assets, timeout=timeout, memory_mb=memory_mb)
        child.append(time.perf_counter() - t)
    weasy_s, render_s = min(inproc), min(child)

    # (b) end to end through Redis and one real worker ----------------------------------------
    workers.append(start_worker(env, f"bench-{RUN_ID}-1", args.preimport))
    wait_for_workers(app, 1)
    day = iter(range(1, 10_000))

    def request(n: int) -> list[int]:
        ids = []
        with tenant_scope(agency_id):
            for _ in range(n):
                end = period[1] - timedelta(days=next(day))  # a distinct period: no dedupe
                report, created = reports_service.request_report(
                    world.brand,
                    world.consultant,
                    locale="en",
                    period_start=period[0],
                    period_end=end,
                    sections=sections,
                )
                assert created
                ids.append(report.id)
        return ids

    def wait_ready(ids: list[int], limit: float = 600.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with tenant_scope(agency_id):
                db.session.expire_all()
                rows = db.session.execute(
                    select(Report.id, Report.status, Report.error).where(Report.id.in_(ids))
                ).all()
                db.session.rollback()
            failed = [r for r in rows if r.status == "failed"]
            if failed:
                raise RuntimeError(f"report {failed[0].id} failed: {failed[0].error}")
            if all(r.status == "ready" for r in rows):
                return
            time.sleep(0.02)
        raise RuntimeError("reports not ready in time")

    # One warm-up: the worker's first job imports WeasyPrint and loads fonts.
    wait_ready(request(1))
    e2e = []
    with MemorySampler([workers[0].pid]) as memory:
        for _ in range(args.repeat):
            t = time.perf_counter()
            wait_ready(request(1))
            e2e.append(time.perf_counter() - t)
        # (e) one worker, N reports at once
        t = time.perf_counter()
        wait_ready(request(args.reports))
        one_s = time.perf_counter() - t
    e2e_s = min(e2e)
    worker_mb = memory.worker_peak_mb(workers[0].pid)
    child_mb = memory.any_process_peak_mb()
    tree_mb = memory.peak_tree_rss_kb / 1024

    workers.append(start_worker(env, f"bench-{RUN_ID}-2", args.preimport))
    wait_for_workers(app, 2)
    wait_ready(request(2))  # warm the second worker
    t = time.perf_counter()
    wait_ready(request(args.reports))
    two_s = time.perf_counter() - t

    with tenant_scope(agency_id):
        stored = db.session.scalars(
            select(Report).where(Report.status == "ready").order_by(Report.id.desc())
        ).first()
        stored_pages, stored_size = stored.pages, stored.size_bytes

    rows = [
        ("build_html (content, once)", build_s, None),
        ("(a) WeasyPrint alone, in process", weasy_s, pages / weasy_s),
        ("(a) render_pdf (child with limits)", render_s, pages / render_s),
        ("(b) end to end, 1 worker", e2e_s, pages / e2e_s),
    ]
    print()
    print(f"report: {pages} pages, {stored_size / 1024:.0f} KB stored ({stored_pages} pages)")
    print(
        f"best of {args.repeat} rounds; wall clock; {os.cpu_count()} CPUs; workers "
        f"{'with WeasyPrint pre-imported' if args.preimport else 'as python -m worker'}"
    )
    print(f"{'':38} {'seconds':>8} {'pages/s':>8}")
    for label, seconds, pps in rows:
        print(f"{label:38} {seconds:8.2f} {pps if pps else 0:8.1f}")
    print()
    print(f"(d) peak worker memory: worker {worker_mb:.0f} MB VmHWM; largest process in its")
    print(f"    tree (work-horse / PDF child) {child_mb:.0f} MB; tree RSS peak {tree_mb:.0f} MB")
    print(
        f"(e) {args.reports} reports: 1 worker {one_s:.2f} s ({args.reports / one_s:.2f}/s), "
        f"2 workers {two_s:.2f} s ({args.reports / two_s:.2f}/s): "
        f"throughput ×{one_s / two_s:.2f}"
    )
    ratio = e2e_s / weasy_s
    print()
    print(f"ratio end-to-end / WeasyPrint alone = {ratio:.2f}  (goal ≤ {GOAL})")
    print(f"ratio end-to-end / render_pdf       = {e2e_s / render_s:.2f}")
    print(f"verdict: {'within the goal' if ratio <= GOAL else 'over the goal'}")
    print(
        f"(spread: e2e {statistics.median(e2e):.2f} s median, WeasyPrint {max(inproc):.2f} s worst)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
