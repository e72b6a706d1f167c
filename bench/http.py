"""Pages under load: requests per second and latency of the heaviest pages, each as a ratio
of two bare endpoints of the same app, server and authentication, measured side by side.

    .venv/bin/python bench/http.py                 # the full data set, 8 s per target, best of 2
    .venv/bin/python bench/http.py --scale 0.1 --duration 3 --rounds 1   # a quick look

Builds, in a fresh PostgreSQL database (``DATABASE_URL``'s server; dropped at the end):

* the **measured agency** (``tests.factories.world``): a consultant, a brand with 40
  campaigns, 10 goals with check-ins, 400 calendar items and an open review;
* the **background**: 49 more agencies of 10 brands each, every brand with 10 goals (three
  check-ins each), a plan whose revision has 10 campaigns linked to goals and 100 calendar
  items.  With the measured agency that is 50 agencies, 500 brands, 5,000 campaigns,
  50,000 calendar items and 5,000 goals (``--scale`` shrinks the background).

Then starts gunicorn (``--workers``, default 2) with ``BENCH_ENDPOINTS=1`` and runs ``wrk``
(Debian's ``wrk``; ``--threads`` 2, ``--connections`` 8, ``--duration`` 8 s, best of
``--rounds`` 2) against each target in turn, every round visiting every target so a burst
of load on the machine hits them all:

* ``bare (anonymous)``: ``/_bench/anonymous``, one primary-key query, nobody signed in;
* ``bare (session)``: ``/_bench/session``, the same query behind the session sign-in;
* ``bare (token)``: ``/api/v1/_bench/token``, the same query behind the API's token check;
* the consultant dashboard, the brand overview, the plan page, the review page (session),
  and the API's plan listing and plan (token).

Each page's **ratio** is its best requests per second over its bare endpoint's (same
authentication); the table also prints the ratio to the anonymous one, so the cost of
signing in shows on its own.  Web sessions use ``session_protection="strong"``: ``wrk`` sends
the User-Agent of the sign-in that made its cookie.  Rate limits are off in the server
(``RATELIMIT_ENABLED=0``): a load tool is one client.
"""

from __future__ import annotations

import os
import sys

# This file is named as the issue asks, which shadows the standard library's ``http`` when
# run as a script: take its folder off the path before anything imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.cookiejar  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import fresh_database  # noqa: E402  (after the path is set)

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/postgres"
USER_AGENT = "tandem-bench/1 (wrk)"
GOAL, STRETCH = 0.5, 0.7
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors, summary.errors.status))
end
"""


@dataclass
class Target:
    name: str
    path: str
    auth: str  # "none", "session" or "token"
    bare: str  # the name of the bare target it is compared with


@dataclass
class Result:
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def bench_env(database_url: str, tmp: Path) -> dict[str, str]:
    """The app's settings for a bench run: its own database and folders, the bench
    endpoints on, rate limits off (a load tool is one client), jobs in process."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-secret",  # noqa: S106 - a throwaway database
        BENCH_ENDPOINTS="1",
        RATELIMIT_ENABLED="0",
        JOBS_MODE="eager",
        TANDEM_ENV="development",
        UPLOAD_DIR=str(tmp / "uploads"),
        REPORTS_DIR=str(tmp / "reports"),
        MAIL_FILE_DIR=str(tmp / "mail"),
    )
    env.pop("REDIS_URL", None)
    return env


# -- data ----------------------------------------------------------------------------------


def seed(app, scale: float) -> dict:
    """The measured agency through the app's own services, the background in bulk."""
    from flask_login import login_user  # noqa: F401  (the app's login manager is set up)
    from sqlalchemy import insert, select

    from saas.extensions import db
    from saas.models import (
        Brand,
        CalendarItem,
        Campaign,
        CampaignGoal,
        Goal,
        GoalCheckin,
        Plan,
        PlanRevision,
    )
    from saas.services.reviews.judging import open_review
    from tenants.context import system_scope, tenant_scope
    from tests import factories

    with app.app_context():
        w = factories.world("Bench")
        factories.planning_data(
            w.agency, w.brand, goals=10, campaigns=40, calendar=400, author=w.team.user
        )
        db.session.commit()
        with app.test_request_context("/"), tenant_scope(w.agency.id):
            plan = db.session.scalar(select(Plan).where(Plan.brand_id == w.brand.id))
            goals = db.session.scalars(select(Goal.id).where(Goal.brand_id == w.brand.id)).all()
            db.session.execute(
                insert(GoalCheckin),
                [
                    {
                        "agency_id": w.agency.id,
                        "brand_id": w.brand.id,
                        "goal_id": g,
                        "date": date(2026, 10, 1) + timedelta(days=30 * k),
                        "value": 120 + 10 * k,
                    }
                    for g in goals
                    for k in range(3)
                ],
            )
            review = open_review(plan, w.consultant)
            db.session.commit()
            ids = {
                "brand_id": w.brand.id,
                "plan_id": plan.id,
                "review_id": review.id,
                "email": w.consultant.user.email,
                "token": w.tokens["consultant"],
            }

        rng = random.Random(7)
        agencies = max(1, round(49 * scale))
        networks = ("instagram", "tiktok", "x", "facebook", "linkedin", "youtube")
        start = date(2027, 1, 1)
        with system_scope():
            for a in range(agencies):
                ag = factories.agency(name=f"Background {a}")
                for b in range(10):
                    br = Brand(agency_id=ag.id, name=f"Background {a}.{b}")
                    db.session.add(br)
                    db.session.flush()
                    common = {"agency_id": ag.id, "brand_id": br.id}
                    goal_ids = db.session.scalars(
                        insert(Goal).returning(Goal.id),
                        [
                            {
                                **common,
                                "title": f"Goal {g}",
                                "metric": "followers",
                                "baseline": 100,
                                "target": 200 + g,
                                "due_date": date(2027, 12, 31),
                                "priority": ("high", "medium", "low")[g % 3],
                            }
                            for g in range(10)
                        ],
                    ).all()
                    db.session.execute(
                        insert(GoalCheckin),
                        [
                            {
                                **common,
                                "goal_id": g,
                                "date": start - timedelta(days=30 * k),
                                "value": 100 + rng.randint(0, 90),
                            }
                            for g in goal_ids
                            for k in range(3)
                        ],
                    )
                    plan_row = Plan(
                        **common,
                        title="Background plan",
                        period_start=start,
                        period_end=date(2027, 12, 31),
                        status="approved",
                    )
                    db.session.add(plan_row)
                    db.session.flush()
                    rev = PlanRevision(
                        **common,
                        plan_id=plan_row.id,
                        number=1,
                        title=plan_row.title,
                        period_start=start,
                        period_end=plan_row.period_end,
                        frozen=True,
                    )
                    db.session.add(rev)
                    db.session.flush()
                    campaign_ids = db.session.scalars(
                        insert(Campaign).returning(Campaign.id),
                        [
                            {
                                **common,
                                "revision_id": rev.id,
                                "key": f"k{c}",
                                "position": c,
                                "name": f"Campaign {c}",
                                "networks": [networks[c % len(networks)]],
                                "format": "post",
                                "objective": "awareness",
                                "kpi": "reach",
                                "start_date": start + timedelta(days=c * 20),
                                "end_date": start + timedelta(days=c * 20 + 30),
                                "budget": 500,
                            }
                            for c in range(10)
                        ],
                    ).all()
                    db.session.execute(
                        insert(CampaignGoal),
                        [
                            {**common, "campaign_id": cid, "goal_id": goal_ids[i % 10]}
                            for i, cid in enumerate(campaign_ids)
                        ],
                    )
                    db.session.execute(
                        insert(CalendarItem),
                        [
                            {
                                **common,
                                "revision_id": rev.id,
                                "campaign_key": f"k{i % 10}",
                                "date": start + timedelta(days=i * 3),
                                "network": networks[i % len(networks)],
                                "format": "post",
                            }
                            for i in range(100)
                        ],
                    )
                db.session.commit()
            counts = {
                name: db.session.scalar(select(db.func.count()).select_from(model))
                for name, model in (
                    ("brands", Brand),
                    ("campaigns", Campaign),
                    ("calendar items", CalendarItem),
                    ("goals", Goal),
                    ("check-ins", GoalCheckin),
                )
            }
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        db.session.remove()
    return {**ids, "counts": counts, "agencies": agencies + 1}


# -- the server and its clients ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "saas:create_app()",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/anonymous", timeout=2)
            return proc
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the form, as a browser would; the session cookie's header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not match:
        raise RuntimeError("no CSRF token on the sign-in page")
    body = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": password}
    ).encode()
    opener.open(f"{base}/login", data=body).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise RuntimeError("signing in gave no session cookie")
    return cookies


def headers_for(target: Target, cookie: str, token: str) -> list[str]:
    out = [f"User-Agent: {USER_AGENT}"]
    if target.auth == "session":
        out.append(f"Cookie: {cookie}")
    elif target.auth == "token":
        out.append(f"Authorization: Bearer {token}")
    return out


def check(base: str, target: Target, headers: list[str]) -> None:
    """Every target answers 200 once before it is measured (a redirect to sign-in would
    measure the wrong page)."""
    request = urllib.request.Request(base + target.path)  # noqa: S310 - our own server
    for h in headers:
        name, _, value = h.partition(": ")
        request.add_header(name, value)
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=30) as resp:
        if resp.status != 200:
            raise RuntimeError(f"{target.name} answered {resp.status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def run_wrk(base: str, target: Target, headers: list[str], args, script: Path) -> Result:
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections)]
    cmd += ["-d", f"{args.duration}s", "--timeout", "10s", "-s", str(script)]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(
        [*cmd, base + target.path], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    return Result(
        rps=data["requests"] / seconds,
        p50=data["p50"] / 1000,
        p95=data["p95"] / 1000,
        p99=data["p99"] / 1000,
        errors=data["errors"] + data["non2xx"],
    )


# -- the bench -----------------------------------------------------------------------------


def targets(ids: dict) -> list[Target]:
    return [
        Target("bare (anonymous)", "/_bench/anonymous", "none", "bare (anonymous)"),
        Target("bare (session)", "/_bench/session", "session", "bare (session)"),
        Target("bare (token)", "/api/v1/_bench/token", "token", "bare (token)"),
        Target("dashboard", "/", "session", "bare (session)"),
        Target("brand overview", f"/brands/{ids['brand_id']}", "session", "bare (session)"),
        Target("plan page", f"/plans/{ids['plan_id']}", "session", "bare (session)"),
        Target("review page", f"/reviews/{ids['review_id']}", "session", "bare (session)"),
        Target(
            "API plan listing", f"/api/v1/brands/{ids['brand_id']}/plans", "token", "bare (token)"
        ),
        Target("API plan", f"/api/v1/plans/{ids['plan_id']}", "token", "bare (token)"),
    ]


def report(results: dict[str, Result], all_targets: list[Target], args, ids: dict) -> None:
    counts = ", ".join(f"{v:,} {k}" for k, v in ids["counts"].items())
    print(f"\ndata: {ids['agencies']} agencies, {counts}")
    print(
        f"wrk: {args.threads} threads, {args.connections} connections, {args.duration} s, "
        f"best of {args.rounds}; gunicorn: {args.workers} workers (sync)\n"
    )
    head = f"{'target':<20} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'err':>5}"
    print(head + f" {'ratio':>7} {'vs anon':>8}")
    anon = results["bare (anonymous)"].rps
    worst = None
    for t in all_targets:
        r = results[t.name]
        ratio = r.rps / results[t.bare].rps
        line = f"{t.name:<20} {r.rps:>8.1f} {r.p50:>8.1f} {r.p95:>8.1f} {r.p99:>8.1f} {r.errors:>5}"
        mark = ""
        if not t.name.startswith("bare"):
            mark = "  ok" if ratio >= STRETCH else ("  goal" if ratio >= GOAL else "  below goal")
            if worst is None or ratio < worst[1]:
                worst = (t.name, ratio)
        print(f"{line} {ratio:>7.2f} {r.rps / anon:>8.2f}{mark}")
    if worst:
        print(
            f"\nslowest page: {worst[0]} at {worst[1]:.2f} of its bare endpoint "
            f"(goal {GOAL}, stretch {STRETCH})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the background")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many rounds")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--only", default="", help="comma-separated target names to run")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench/http.py needs wrk: apt-get install wrk", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="tandem-http-"))
    database_url, drop = fresh_database(os.environ.get("DATABASE_URL") or DEFAULT_DB, tmp)
    env = bench_env(database_url, tmp)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    server = None
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    try:
        from flask_migrate import upgrade

        from saas import create_app
        from tests.factories import PASSWORD

        app = create_app()
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        t0 = time.monotonic()
        ids = seed(app, args.scale)
        print(f"seeded in {time.monotonic() - t0:.0f} s")
        port = free_port()
        server = start_server(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        cookie = sign_in(base, ids["email"], PASSWORD)
        all_targets = targets(ids)
        if args.only:
            wanted = {x.strip() for x in args.only.split(",")}
            all_targets = [t for t in all_targets if t.name in wanted or t.name.startswith("bare")]
        for t in all_targets:
            check(base, t, headers_for(t, cookie, ids["token"]))
        best: dict[str, Result] = {}
        for round_no in range(args.rounds):
            for t in all_targets:
                r = run_wrk(base, t, headers_for(t, cookie, ids["token"]), args, script)
                if t.name not in best or r.rps > best[t.name].rps:
                    best[t.name] = r
            print(f"round {round_no + 1} of {args.rounds} done")
        report(best, all_targets, args, ids)
    finally:
        if server is not None:
            stop_server(server)
        with contextlib.suppress(Exception):
            from saas.extensions import db

            with app.app_context():  # type: ignore[possibly-undefined]
                db.session.remove()
                db.engine.dispose()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
