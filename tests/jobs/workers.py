"""Extra ``python -m worker`` processes for the tests that kill workers or lose Redis.

Each such test gets a private queue (``isolated_queue``): its workers listen there, the
test's app enqueues there, and every Redis key of that queue (RQ's and ours, which are
namespaced by queue name) can be deleted without touching the session's queue or other
test runs sharing the Redis server.  Timings are shortened through the environment
(``worker.settings``), so a kill or a loss is recovered in seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# Short timings for the workers these tests start (seconds).
FAST = {
    "WORKER_TICK_SECONDS": "1",
    "JOB_LEASE_SECONDS": "3",
    "SWEEP_INTERVAL_SECONDS": "2",
    "STALE_AFTER_SECONDS": "1",
}


def wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.1) -> Any:
    """Poll ``check`` until it answers something truthy; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (RQ's work-horse sets its own process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class IsolatedQueue:
    name: str
    app: Any
    env: dict[str, str]
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def connection(self) -> Any:
        return self.app.extensions["tandem_jobs"].connection

    def start_worker(self, label: str, *args: str) -> tuple[subprocess.Popen, str]:
        """Start ``python -m worker`` on this queue; returns the process and its RQ name."""
        name = f"{self.name}-{label}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "worker", "--name", name, *args],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc, name

    def wait_until_listening(self, name: str, proc: subprocess.Popen, timeout: float = 60) -> None:
        """Until the worker has started (its scheduler tried) and waits for jobs."""

        def idle() -> bool:
            assert proc.poll() is None, f"worker {name} exited with {proc.returncode}"
            return self.connection.hget(f"rq:worker:{name}", "state") == b"idle"

        wait_for(f"worker {name} to listen", idle, timeout)

    def kill(self, proc: subprocess.Popen) -> None:
        """``kill -9`` the worker, its scheduler, its work-horse and the horse's children."""
        for pid in [proc.pid, *descendants(proc.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        """A warm stop for idle workers; a busy one (a render that sleeps) is killed."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.kill(proc)
            for pid in descendants(proc.pid):  # a work-horse left behind
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def lose_redis_data(self) -> int:
        """What a Redis restarted empty does to this queue: every key of it is gone.

        RQ's keys of the queue and of its workers, the jobs that came from it, and ours
        (``tandem:<queue>:…``).  Keys of other queues and other test runs are left alone.
        Returns how many keys were deleted.
        """
        conn = self.connection
        doomed: set[bytes] = set()
        job_ids: set[str] = set()
        for key in conn.scan_iter(match="rq:job:*", count=1000):
            if conn.type(key) == b"hash" and conn.hget(key, "origin") == self.name.encode():
                job_ids.add(key.decode().split(":", 2)[2])
        for pattern in {f"*{self.name}*", *(f"*{j}*" for j in job_ids)}:
            doomed.update(conn.scan_iter(match=pattern, count=1000))
        conn.srem("rq:queues", f"rq:queue:{self.name}")
        for member in conn.smembers("rq:workers"):
            if self.name.encode() in member:
                conn.srem("rq:workers", member)
        return conn.delete(*doomed) if doomed else 0
