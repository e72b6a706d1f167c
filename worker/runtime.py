"""How a job gets its Flask app and database session, in any of the three queue modes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

_app: Flask | None = None
_app_pid: int | None = None


def get_app() -> Flask:
    """The worker process's app, built once per process."""
    global _app, _app_pid
    if _app is None:
        from saas import create_app

        _app = create_app()
        _app_pid = os.getpid()
    return _app


@contextmanager
def job_context() -> Iterator[Flask]:
    """A fresh app context (hence a fresh session) for one job.

    In a forked RQ work-horse the engine's pooled connections belong to the parent:
    they are dropped (not closed) before the job opens its own.
    """
    app = current_app._get_current_object() if has_app_context() else get_app()  # type: ignore[attr-defined]
    with app.app_context():
        if _app_pid is not None and os.getpid() != _app_pid:
            from saas.extensions import db

            db.engine.dispose(close=False)
        yield app
