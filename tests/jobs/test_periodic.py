"""Does each occurrence of a periodic task run once, however many workers tick at once, and
is a booking that Redis lost made again at once?  (Real Redis; a private queue, no worker.)"""

from __future__ import annotations

import threading
import uuid

import pytest
from rq import Queue

from tests.jobs.workers import wait_for
from worker.periodic import Periodic, PeriodicTask, task_key

TASKS = [
    PeriodicTask("every-hour", "tests.jobs.helpers.touch", 3600, ("/nonexistent/hour",)),
    PeriodicTask("every-second", "tests.jobs.helpers.touch", 1, ("/nonexistent/second",)),
]


@pytest.fixture
def queue(redis_url):
    if not redis_url:
        pytest.skip("needs REDIS_URL: the claims are Lua scripts in a real Redis")
    from redis import Redis

    q = Queue(f"tandem-periodic-{uuid.uuid4().hex[:8]}", connection=Redis.from_url(redis_url))
    yield q
    keys = list(q.connection.scan_iter(match=f"*{q.name}*"))
    for job_id in q.job_ids:
        keys.extend(q.connection.scan_iter(match=f"*{job_id}*"))
    if keys:
        q.connection.delete(*keys)


def _by_task(queue: Queue) -> dict[str, int]:
    counts = {t.name: 0 for t in TASKS}
    for job_id in queue.job_ids:
        for name in counts:
            if job_id.startswith(f"tandem-{name}-"):
                counts[name] += 1
    return counts


def test_many_workers_ticking_at_once_enqueue_each_occurrence_once(queue):
    workers = [Periodic(queue, TASKS) for _ in range(8)]
    barrier = threading.Barrier(len(workers))

    def tick(p: Periodic) -> None:
        barrier.wait()
        p.tick()

    threads = [threading.Thread(target=tick, args=(p,)) for p in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _by_task(queue) == {"every-hour": 1, "every-second": 1}

    for p in workers:  # straight away again: nothing is due
        p.tick()
    assert _by_task(queue) == {"every-hour": 1, "every-second": 1}


def test_an_occurrence_still_waiting_in_the_queue_is_not_enqueued_twice(queue):
    periodic = Periodic(queue, TASKS)
    periodic.tick()
    wait_for("the next second", lambda: periodic.now() > periodic.due()["every-second"], 3)
    assert periodic.tick() == []  # due, claimed, but its last run has not even started
    assert _by_task(queue)["every-second"] == 1
    queue.empty()  # a worker took it
    wait_for("the next second", lambda: periodic.now() > periodic.due()["every-second"], 3)
    assert len(periodic.tick()) == 1


def test_a_missing_booking_is_due_now(queue):
    periodic = Periodic(queue, TASKS)
    periodic.tick()
    queue.empty()
    queue.connection.delete(task_key(queue.name, "every-hour"))  # Redis lost it
    enqueued = periodic.tick()
    assert [j for j in enqueued if j.startswith("tandem-every-hour-")]
    assert periodic.due()["every-hour"] > periodic.now() + 3500


def test_a_shortened_interval_applies_at_once(queue):
    Periodic(queue, [PeriodicTask("every-hour", "tests.jobs.helpers.touch", 86400)]).tick()
    queue.empty()
    assert len(Periodic(queue, TASKS[:1]).tick()) == 1  # booked a day ahead: due again


def test_a_claim_whose_enqueue_failed_is_handed_back(queue, monkeypatch):
    periodic = Periodic(queue, TASKS[:1])

    def redis_went_away(*args, **kwargs):
        raise ConnectionError("Redis went away")

    with monkeypatch.context() as patch:
        patch.setattr(queue, "enqueue", redis_went_away)
        with pytest.raises(ConnectionError):
            periodic.tick()
    assert periodic.due()["every-hour"] is None  # not booked: the next tick tries again
    assert len(periodic.tick()) == 1
