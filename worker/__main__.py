"""``python -m worker``: a real RQ worker for Tandem's queue, with the scheduler.

Builds the Flask app once in the parent (so each forked job starts fast), then works as a
``TandemWorker``: every tick it books the periodic tasks that are due (sweeper, reminders,
scheduled reports; see ``worker.periodic``) and keeps RQ's scheduler alive.  Run as many as
you like: each occurrence of a periodic task runs once, on whichever worker claims it.
"""

from __future__ import annotations

import argparse

from worker.periodic import Periodic, tasks_for
from worker.rqworker import TandemWorker
from worker.runtime import get_app
from worker.settings import timing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Tandem's background worker (RQ).")
    parser.add_argument("--burst", action="store_true", help="quit when the queue is empty")
    parser.add_argument("--name", default=None, help="worker name (default: RQ's)")
    parser.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run RQ's scheduler (delayed retries then wait for a worker that does)",
    )
    parser.add_argument(
        "--no-periodic",
        action="store_true",
        help="do not run the periodic tasks (sweeper, reminders, scheduled reports); for tests",
    )
    args = parser.parse_args(argv)

    from rq import Queue

    # The app configures logging (LOG_FORMAT, LOG_LEVEL: saas.logging_setup); RQ's own
    # loggers then write through the same handler.
    app = get_app()
    # Warm WeasyPrint (import, fonts) once in the parent: each forked render starts ready.
    import weasyprint

    weasyprint.HTML(string="<p></p>").write_pdf()
    if app.config["JOBS_MODE"] != "redis":
        parser.error("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    jobs = app.extensions["tandem_jobs"]
    queue = Queue(app.config["QUEUE_NAME"], connection=jobs.connection)
    try:
        settings = timing(app)
    except ValueError as error:
        parser.error(str(error))
    periodic = None if args.no_periodic else Periodic(queue, tasks_for(settings))
    worker = TandemWorker(
        [queue],
        connection=jobs.connection,
        name=args.name,
        tick_seconds=settings.tick,
        periodic=periodic,
    )
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
