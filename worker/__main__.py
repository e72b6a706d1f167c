"""``python -m worker``: a real RQ worker for Tandem's queue, with the scheduler.

Builds the Flask app once in the parent (so each forked job starts fast), then works.
"""

from __future__ import annotations

import argparse
import logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Tandem's background worker (RQ).")
    parser.add_argument("--burst", action="store_true", help="quit when the queue is empty")
    parser.add_argument("--name", default=None, help="worker name (default: RQ's)")
    parser.add_argument("--no-scheduler", action="store_true", help="do not run the scheduler")
    args = parser.parse_args(argv)

    from rq import Queue, Worker

    from worker.runtime import get_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = get_app()
    if app.config["JOBS_MODE"] != "redis":
        parser.error("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    jobs = app.extensions["tandem_jobs"]
    queue = Queue(app.config["QUEUE_NAME"], connection=jobs.connection)
    if not args.no_scheduler:
        from worker import sweeper
        from worker.jobs import reminders as reminder_jobs

        sweeper.start(queue)  # lost jobs are found again from their database rows
        reminder_jobs.start(queue)  # hourly: plans waiting too long for review
    worker = Worker([queue], connection=jobs.connection, name=args.name)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
