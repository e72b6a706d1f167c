"""The worker holding RQ's scheduler lock is killed with a job scheduled: does another
worker take the lock over and run the job, exactly once?

Real ``python -m worker`` processes on a private queue (``isolated_queue``).  The lock of a
``kill -9``-ed worker lapses after its TTL (about a minute in life); the test deletes it to
stand for that lapse, as ``test_worker_death`` does, then measures the takeover.
"""

from __future__ import annotations

import time
from datetime import timedelta

from rq import Queue

from tests.jobs.workers import FAST, wait_for

TICK = int(FAST["WORKER_TICK_SECONDS"])


def test_a_job_scheduled_before_the_scheduler_dies_runs_once_on_another_worker(
    isolated_queue, tmp_path
):
    iso = isolated_queue
    lock_key = f"rq:scheduler-lock:{iso.name}"
    first, first_name = iso.start_worker("holder")
    iso.wait_until_listening(first_name, first)
    holder = wait_for("the first worker's scheduler lock", lambda: iso.connection.get(lock_key), 30)
    spares = [iso.start_worker(label) for label in ("spare-1", "spare-2")]
    for proc, name in spares:
        iso.wait_until_listening(name, proc)
    assert iso.connection.get(lock_key) == holder  # the spares tried the lock, and failed

    ran = tmp_path / "ran.txt"
    Queue(iso.name, connection=iso.connection).enqueue_in(
        timedelta(seconds=4), "tests.jobs.failover_jobs.append", str(ran), "scheduled"
    )
    iso.kill(first)  # with the job still waiting in the scheduled registry
    iso.connection.delete(lock_key)  # the dead holder's lock lapses
    lapsed = time.monotonic()

    def taken_over() -> bytes | None:
        now = iso.connection.get(lock_key)
        return now if now is not None and now != holder else None

    new_holder = wait_for("a spare to take RQ's scheduler lock", taken_over, 15)
    took = time.monotonic() - lapsed
    wait_for("the scheduled job to run", ran.exists, 30)
    time.sleep(4 * TICK + 2)  # every spare ticks and polls the scheduled registry again
    lines = ran.read_text().splitlines()
    assert len(lines) == 1, lines
    assert all(proc.poll() is None for proc, _ in spares)
    assert iso.connection.get(lock_key) == new_holder  # one holder, no flapping
    print(f"\nscheduler lock taken over {took:.1f}s after it lapsed; the job ran once")
