"""PostgreSQL restarted under write load: what clients see, how fast it recovers, and
whether anything was half-written.

    .venv/bin/python bench/faults.py pg-restart [--clients 8] [--seconds 20] [--restart-at 6]

Never touches the shared PostgreSQL on 5432: it makes a throwaway cluster of its own
(``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``, run as the ``postgres`` user
with ``runuser``; data directory in a temporary directory; port ``--port``, 54329), migrates
the app into it (``flask db upgrade``), starts gunicorn with 2 workers against it, signs up
an agency through the API (``POST /api/v1/signup`` gives a token), creates a brand, and
then N client threads create goals (``POST /api/v1/brands/<id>/goals``: the goal and its
``goal.created`` audit event are one transaction) and poll ``/healthz``, while the cluster
is restarted in the middle with ``pg_ctl restart -m fast`` (every backend terminated,
in-flight transactions rolled back).

It prints, per status code, how many answers came before, during and after the outage
(and what a 5xx body said), the slowest answer, the time from the restart command to the
first 2xx again, and three checks of the data:

* every goal a client was told was created (201) exists;
* every goal has exactly one ``goal.created`` audit event, and every such event its goal
  (nothing half-written);
* no answer was a 500 or a client timeout (``--timeout``, 10 s): only 2xx and clean 503s
  with ``Retry-After`` and the JSON error body.

Exits 1 when a check fails.  Everything it started is stopped, and the cluster deleted, on
exit.
"""

from __future__ import annotations

import os
import sys

# bench/http.py (another script here) shadows the standard library's ``http`` when this
# file runs as a script: take the folder off the path before anything imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import glob  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"{name} not found under /usr/lib/postgresql/*/bin (Debian's postgresql)")
    return found[-1]


def as_postgres(*cmd: str, **kw) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster: its own data directory, socket directory and port."""

    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tandem"

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "postgres", "postgres") if os.geteuid() == 0 else None
        as_postgres(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()
        as_postgres(
            pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "tandem"
        )

    def _ctl(self, *args: str) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres(
            pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", opts, "-w",
            *args,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def stop_fast(self) -> None:
        self._ctl("-m", "fast", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "stop")

    def psql(self, sql: str) -> str:
        out = as_postgres(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "tandem",
            "-tAc", sql,
        )  # fmt: skip
        return out.stdout.strip()


@dataclass
class Answer:
    at: float  # seconds since the load started
    kind: str  # "goal" or "healthz"
    status: int  # 0: timed out or the connection failed
    took: float
    body: str = ""
    retry_after: str | None = None
    goal_id: int | None = None


@dataclass
class Load:
    host: str
    port: int
    token: str
    brand_id: int
    timeout: float
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    t0: float = field(default_factory=time.monotonic)

    def call(self, method: str, path: str, body: dict | None, kind: str) -> None:
        start = time.monotonic()
        status, text, retry, goal_id = 0, "", None, None
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
            conn.request(method, path, json.dumps(body) if body else None, headers)
            resp = conn.getresponse()
            status, text = resp.status, resp.read().decode(errors="replace")
            retry = resp.getheader("Retry-After")
            if kind == "goal" and status == 201:
                goal_id = json.loads(text)["id"]
        except (OSError, http.client.HTTPException) as error:
            text = f"{type(error).__name__}: {error}"
        finally:
            conn.close()
        answer = Answer(
            start - self.t0, kind, status, time.monotonic() - start, text[:300], retry, goal_id
        )
        with self.lock:
            self.answers.append(answer)

    def writer(self, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            goal = {
                "title": f"load {n}-{i}",
                "metric": "followers",
                "unit": "followers",
                "baseline": 0,
                "target": 100,
                "due_date": "2027-12-31",
                "priority": "high",
            }
            self.call("POST", f"/api/v1/brands/{self.brand_id}/goals", goal, "goal")

    def health(self) -> None:
        while not self.stop.is_set():
            self.call("GET", "/healthz", None, "healthz")
            time.sleep(0.2)


def post(port: int, path: str, body: dict, token: str | None = None) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("POST", path, json.dumps(body), headers)
    resp = conn.getresponse()
    data = json.loads(resp.read())
    if resp.status >= 300:
        raise RuntimeError(f"{path}: {resp.status} {data}")
    return data


def wait_http(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def pg_restart(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tandem-faults-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - the postgres user must reach its data
    cluster = Cluster(tmp / "pg", args.port)
    web_port = free_port()
    gunicorn: subprocess.Popen | None = None
    env = dict(os.environ)
    for key in ("REDIS_URL", "JOBS_MODE", "RATELIMIT_STORAGE_URI"):
        env.pop(key, None)
    env.update(
        DATABASE_URL=cluster.url,
        SECRET_KEY=secrets.token_hex(32),
        TANDEM_ENV="development",
        JOBS_MODE="thread",
        RATELIMIT_ENABLED="false",
        LOG_LEVEL="WARNING",
        UPLOAD_DIR=str(tmp / "uploads"),
        REPORTS_DIR=str(tmp / "reports"),
        EXPORTS_DIR=str(tmp / "exports"),
    )
    try:
        print(f"cluster: {pg_bin('postgres')} on 127.0.0.1:{cluster.port}, data in {cluster.data}")
        cluster.init()
        subprocess.run(
            [str(PY), "-m", "flask", "--app", "saas", "db", "upgrade"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        gunicorn = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{web_port}",
             "--timeout", "30", args.app],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        try:
            wait_http(web_port, 120)
        except RuntimeError:
            print((tmp / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
            raise
        signup = post(
            web_port,
            "/api/v1/signup",
            {
                "agency_name": "Faults Agency",
                "name": "Fay Ults",
                "email": "faults@example.com",
                "password": "a long enough password",
            },
        )
        token = signup["token"]
        brand = post(web_port, "/api/v1/brands", {"name": "Restart Brand"}, token)
        load = Load("127.0.0.1", web_port, token, brand["id"], args.timeout)
        threads = [threading.Thread(target=load.writer, args=(n,)) for n in range(args.clients)]
        threads.append(threading.Thread(target=load.health))
        print(
            f"load: {args.clients} writers + /healthz every 0.2 s for {args.seconds} s, "
            f"gunicorn -w 2; restart at {args.restart_at} s"
        )
        for t in threads:
            t.start()
        time.sleep(args.restart_at)
        restart_at = time.monotonic() - load.t0
        if args.down_for:
            cluster.stop_fast()
            time.sleep(args.down_for)
            cluster.start()
        else:
            cluster.restart()
        restarted_at = time.monotonic() - load.t0
        time.sleep(max(0.0, args.seconds - restarted_at))
        load.stop.set()
        for t in threads:
            t.join()
        return report(load, cluster, restart_at, restarted_at, args.timeout)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        cluster.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(load: Load, cluster: Cluster, restart_at: float, restarted_at: float, timeout) -> int:
    answers = sorted(load.answers, key=lambda a: a.at)
    goals = [a for a in answers if a.kind == "goal"]
    # The outage: from the restart command to the first 2xx of a write sent after it.
    first_ok = next((a for a in goals if a.at >= restart_at and 200 <= a.status < 300), None)
    recovered = first_ok.at + first_ok.took if first_ok else None
    failures: list[str] = []

    def phase(a: Answer) -> str:
        """before: answered before the restart; after: sent once writes worked again;
        outage: the rest (in flight at the restart, or sent before the first 2xx)."""
        if a.at + a.took < restart_at:
            return "before"
        if recovered is not None and a.at >= recovered:
            return "after"
        return "outage"

    print(f"\nthe fault: sent at {restart_at:.2f} s, pg_ctl returned at {restarted_at:.2f} s")
    for kind in ("goal", "healthz"):
        mine = [a for a in answers if a.kind == kind]
        counts = Counter((phase(a), a.status) for a in mine)
        label = "POST goals" if kind == "goal" else "GET /healthz"
        for when in ("before", "outage", "after"):
            row = ", ".join(f"{s or 'timeout/refused'}: {n}" for (p, s), n in sorted(counts.items())
                            if p == when)  # fmt: skip
            print(f"  {label:<13} {when:<7} {row or '-'}")
    bad = [a for a in goals if a.status not in (201, 503)]
    bad_health = [a for a in answers if a.kind == "healthz" and a.status not in (200, 503)]
    for a in (bad + bad_health)[:5]:
        print(f"  ! {a.kind} at {a.at:.2f}s: {a.status or 'no answer'} {a.body[:200]}")
    if bad or bad_health:
        failures.append(f"{len(bad) + len(bad_health)} answers neither 2xx nor 503")
    unavailable = [a for a in goals if a.status == 503]
    for a in unavailable:
        try:
            code = json.loads(a.body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if code != "unavailable" or a.retry_after is None:
            failures.append(f"a 503 without the JSON error body or Retry-After: {a.body[:120]}")
            break
    if unavailable:
        print(f"  503 body: {unavailable[0].body[:160]}  Retry-After: {unavailable[0].retry_after}")
    slowest = max(answers, key=lambda a: a.took)
    print(f"  slowest answer: {slowest.took:.2f} s ({slowest.kind}, {slowest.status})")
    if slowest.took >= timeout:
        failures.append(f"an answer took {slowest.took:.1f} s (timeout {timeout} s)")
    if recovered is None:
        failures.append("no 2xx after the restart")
    else:
        print(
            f"  recovery: first 2xx write {recovered - restart_at:.2f} s after the restart "
            f"command ({recovered - restarted_at:.2f} s after pg_ctl returned)"
        )

    acknowledged = {a.goal_id for a in goals if a.goal_id is not None}
    stored = {int(x) for x in cluster.psql("SELECT id FROM goals").split()}
    orphans = int(
        cluster.psql(
            "SELECT count(*) FROM goals g WHERE (SELECT count(*) FROM audit_events e "
            "WHERE e.action = 'goal.created' AND e.object_id = g.id) <> 1"
        )
    )
    dangling = int(
        cluster.psql(
            "SELECT count(*) FROM audit_events e WHERE e.action = 'goal.created' "
            "AND NOT EXISTS (SELECT 1 FROM goals g WHERE g.id = e.object_id)"
        )
    )
    lost = acknowledged - stored
    unacknowledged = stored - acknowledged
    print(
        f"  data: {len(acknowledged)} goals acknowledged (201), {len(stored)} stored; "
        f"acknowledged but missing {len(lost)}; stored without a 201 {len(unacknowledged)} "
        f"(committed, answer lost in the restart); goals without exactly one goal.created "
        f"{orphans}; goal.created without its goal {dangling}"
    )
    if lost:
        failures.append(f"{len(lost)} acknowledged goals are missing")
    if orphans or dangling:
        failures.append("half-written rows")
    print("\nverdict: " + ("OK" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="fault", required=True)
    pg = sub.add_parser("pg-restart", help="restart a throwaway PostgreSQL under write load")
    pg.add_argument("--port", type=int, default=54329)
    pg.add_argument("--clients", type=int, default=8)
    pg.add_argument("--seconds", type=float, default=20)
    pg.add_argument("--restart-at", type=float, default=6)
    pg.add_argument("--timeout", type=float, default=10)
    pg.add_argument(
        "--down-for", type=float, default=0, help="stop, wait this long, start (not restart)"
    )
    pg.add_argument("--app", default="saas:create_app()", help="gunicorn's app (to compare)")
    pg.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    return pg_restart(args)


if __name__ == "__main__":
    sys.exit(main())
