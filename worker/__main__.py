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
    parser.add_argument(
        "--no-periodic",
        action="store_true",
        help="do not book the periodic jobs (sweeper, reminders, scheduled reports); for tests",
    )
    args = parser.parse_args(argv)

    from rq import Queue, Worker

    from worker.runtime import get_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = get_app()
    # Warm WeasyPrint (import, fonts) once in the parent: each forked render starts ready.
    import weasyprint

    weasyprint.HTML(string="<p></p>").write_pdf()
    if app.config["JOBS_MODE"] != "redis":
        parser.error("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    jobs = app.extensions["tandem_jobs"]
    queue = Queue(app.config["QUEUE_NAME"], connection=jobs.connection)
    if not args.no_scheduler and not args.no_periodic:
        from worker import sweeper
        from worker.jobs import reminders as reminder_jobs
        from worker.jobs import report_schedules as schedule_jobs

        sweeper.start(queue)  # lost jobs are found again from their database rows
        reminder_jobs.start(queue)  # hourly: plans waiting too long for review
        schedule_jobs.start(queue)  # daily: scheduled monthly / quarterly reports
    worker = Worker([queue], connection=jobs.connection, name=args.name)
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
