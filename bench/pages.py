"""CPU per request of the pages ``bench/http.py`` measures, in process, with a profile.

    .venv/bin/python bench/pages.py                          # every page, English
    .venv/bin/python bench/pages.py --only "plan page" --profile 25
    .venv/bin/python bench/pages.py --database tandem_pages_me --keep   # seed once, reuse
    .venv/bin/python bench/pages.py --only "review page" --sql           # its statements

``wrk`` gives the figure the issue asks for (``bench/http.py``); this gives the same pages'
cost without a server, a load tool or the machine's other work in the way, so one change
can be judged in a minute: the Flask test client, signed in as ``bench/http.py`` signs in,
requests each page ``--requests`` times per round and prints the best round's CPU
milliseconds per request (``time.process_time``: this process only, so a busy machine
moves it less than wall time), the queries per request, and the ratio to the bare
endpoint behind the same authentication (``/_bench/session`` or ``/api/v1/_bench/token``).
``--profile N`` prints the N functions with the most own time for each page measured.

The data is ``bench/http.py``'s (``--scale`` of its background, default 0.02: the
measured brand is the same at every scale and queries per page do not depend on data
size).  With ``--database NAME --keep`` the database is kept and reused by the next run.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/postgres"


def _database(base: str, name: str | None, tmp: Path):
    """(url, drop, existed): a named database is created once and reused."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from bench.report import fresh_database
    from saas.config import normalise_database_url

    if not name:
        url, drop = fresh_database(base, tmp)
        return url, drop, False
    url = make_url(normalise_database_url(base))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        existed = bool(
            conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar()
        )
        if not existed:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop, existed


def _sign_in(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token:
        raise RuntimeError("no CSRF token on the sign-in page")
    resp = client.post(
        "/login", data={"csrf_token": token.group(1), "email": email, "password": password}
    )
    if resp.status_code not in (302, 303):
        raise RuntimeError(f"signing in answered {resp.status_code}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--requests", type=int, default=20, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument(
        "--sample", action="store_true", help="a sampling profile (needs pyinstrument)"
    )
    parser.add_argument("--locale", default="en", choices=("en", "ar"))
    parser.add_argument("--database", default="", help="a database name to create or reuse")
    parser.add_argument("--keep", action="store_true", help="keep --database after the run")
    parser.add_argument(
        "--sql", action="store_true", help="print the statements of one request per page"
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="tandem-pages-"))
    base = os.environ.get("DATABASE_URL") or DEFAULT_DB
    url, drop, existed = _database(base, args.database or None, tmp)
    from bench.http import bench_env

    os.environ.update(bench_env(url, tmp))
    os.environ.pop("REDIS_URL", None)
    ids_file = Path(tempfile.gettempdir()) / f"tandem-pages-{args.database}.json"
    try:
        from flask_migrate import upgrade

        from bench.http import seed, targets
        from saas import create_app
        from saas.extensions import db
        from tests.factories import PASSWORD

        app = create_app()
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        if existed and ids_file.exists():
            ids = json.loads(ids_file.read_text())
        else:
            t0 = time.monotonic()
            ids = seed(app, args.scale)
            print(f"seeded in {time.monotonic() - t0:.0f} s")
            if args.database:
                ids_file.write_text(json.dumps(ids))
        if args.locale != "en":
            from sqlalchemy import update

            from saas.models import User
            from tenants.context import system_scope

            with app.app_context(), system_scope():
                db.session.execute(
                    update(User).where(User.email == ids["email"]).values(locale=args.locale)
                )
                db.session.commit()
                db.session.remove()

        from sqlalchemy import event

        counter = {"n": 0}
        with app.app_context():
            engine = db.engine

        shown: list[str] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, *_a) -> None:  # type: ignore[no-untyped-def]
            counter["n"] += 1
            if args.sql:
                shown.append(" ".join(statement.split())[:300])

        client = app.test_client()
        _sign_in(client, ids["email"], PASSWORD)
        auth = {"Authorization": f"Bearer {ids['token']}"}
        wanted = {x.strip() for x in args.only.split(",") if x.strip()}
        chosen = [
            t
            for t in targets(ids)
            if t.auth != "none" and (not wanted or t.name in wanted or t.name.startswith("bare"))
        ]

        def get(t):  # type: ignore[no-untyped-def]
            if t.auth == "token":
                return client.get(t.path, headers=auth)
            return client.get(t.path)

        for t in chosen:
            resp = get(t)
            if resp.status_code != 200:
                raise RuntimeError(f"{t.name} answered {resp.status_code}")
            if args.sql:
                shown.clear()
                get(t)
                print(f"\n=== {t.name}: {len(shown)} statements ===")
                print("\n".join(shown))
        if os.environ.get("BENCH_GC") == "freeze":
            import gc

            gc.collect()
            gc.freeze()
        elif os.environ.get("BENCH_GC") == "off":
            import gc

            gc.disable()
        best: dict[str, float] = {}
        queries: dict[str, float] = {}
        for _ in range(args.rounds):
            for t in chosen:
                get(t)  # warm
                counter["n"] = 0
                c0 = time.process_time()
                for _ in range(args.requests):
                    get(t)
                ms = (time.process_time() - c0) * 1000 / args.requests
                best[t.name] = min(ms, best.get(t.name, ms))
                queries[t.name] = counter["n"] / args.requests
        print(
            f"\nCPU ms per request, best of {args.rounds} × {args.requests}, locale {args.locale}"
        )
        print(f"{'target':<20} {'ms':>7} {'queries':>8} {'ratio':>6}")
        for t in chosen:
            ratio = best[t.bare] / best[t.name]
            print(f"{t.name:<20} {best[t.name]:>7.2f} {queries[t.name]:>8.1f} {ratio:>6.2f}")
        if args.sample:
            from pyinstrument import Profiler  # a development tool: pip install pyinstrument

            for t in chosen:
                if t.name.startswith("bare") and t.name not in wanted:
                    continue
                profiler = Profiler(interval=0.0002)
                profiler.start()
                for _ in range(args.requests):
                    get(t)
                profiler.stop()
                print(f"\n=== {t.name}: {args.requests} requests, sampled ===")
                print(profiler.output_text(color=False, unicode=False, short_mode=False)[:30000])
        if args.profile:
            for t in chosen:
                if t.name.startswith("bare"):
                    continue
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(args.requests):
                    get(t)
                prof.disable()
                out = io.StringIO()
                stats = pstats.Stats(prof, stream=out)
                stats.sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(args.profile)
                print(f"\n=== {t.name}: {args.requests} requests, by own time ===")
                print(out.getvalue().split("\n", 4)[-1][:20000])
                if os.environ.get("BENCH_CALLERS"):
                    out = io.StringIO()
                    pstats.Stats(prof, stream=out).print_callers(os.environ["BENCH_CALLERS"])
                    print(out.getvalue()[:6000])
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if not (args.database and args.keep):
            drop()
            ids_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
