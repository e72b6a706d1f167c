"""How a job gets its Flask app and database session, in any of the three queue modes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

from saas import create_app
from saas.extensions import db
from saas.transactions import unit_of_work

_app: Flask | None = None
_app_pid: int | None = None


def get_app() -> Flask:
    """The worker process's app, built once per process."""
    global _app, _app_pid
    if _app is None:
        _app = create_app()
        _app_pid = os.getpid()
    return _app


@contextmanager
def job_context(*, unit: bool = True) -> Iterator[Flask]:
    """A fresh app context (hence a fresh session) and one unit of work for one job.

    The job commits once when it returns and rolls back when it raises (RQ, the thread and
    the eager mode alike); what must survive a failure (a ``sending`` status, the error
    recorded for a retry) goes through ``saas.transactions.commit_now``.  A job holding a
    lease passes ``unit=False`` and opens ``unit_of_work()`` inside the lease, so that its
    commit lands before the lease is let go.

    In a forked RQ work-horse the engine's pooled connections belong to the parent:
    they are dropped (not closed) before the job opens its own.
    """
    app = current_app._get_current_object() if has_app_context() else get_app()  # type: ignore[attr-defined]
    with app.app_context():
        if _app_pid is not None and os.getpid() != _app_pid:
            db.engine.dispose(close=False)
        if not unit:
            yield app
            return
        with unit_of_work():
            yield app
