"""Logs a person (or a log shipper) can follow: one request id from the browser to the job
and to the email it sent.

* Every request gets a request id: the incoming ``X-Request-Id`` when it is safe
  (``SAFE_REQUEST_ID``: 8 to 64 letters, digits, ``.``, ``_`` or ``-``), else a new one.  It
  is returned in the ``X-Request-Id`` response header, and one log line per request
  (logger ``tandem.request``) records method, path, status and duration.
* Jobs enqueued during a request carry its id (``worker.queue``: RQ's ``job.meta``, or the
  in-process job request); while the job runs, its id and name and the request id are in
  every log line, and jobs it enqueues carry the same request id on.
* Emails delivered by such a job carry it as the ``X-Tandem-Request-Id`` header
  (``saas.services.mail``).

Every ``LogRecord`` gets the attributes ``request_id``, ``job_id``, ``job``, ``agency_id`` and
``user_id`` (``None`` when unknown) from a record factory, so any handler can use them.
``LOG_FORMAT=json`` (the default when ``TANDEM_ENV=production``) writes one JSON object per
line on stderr; ``text`` (the default elsewhere) writes plain lines with the ids appended.
Tests (``TESTING``) keep pytest's own handlers: nothing is installed on the root logger.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

from tenants.context import current_agency_id

REQUEST_ID_HEADER = "X-Request-Id"
EMAIL_HEADER = "X-Tandem-Request-Id"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: View arguments whose value is a secret: logged as ``:token``, never as themselves.
SECRET_VIEW_ARGS = frozenset({"token"})
#: Requests logged at DEBUG only (load balancers ask every few seconds), unless they fail.
QUIET_ENDPOINTS = frozenset({"health.healthz", "static"})

#: Chatty libraries kept to warnings: WeasyPrint logs every step of every PDF at INFO.
QUIET_LOGGERS = ("weasyprint.progress", "fontTools")

request_log = logging.getLogger("tandem.request")

_request_id: ContextVar[str | None] = ContextVar("tandem_request_id", default=None)
_job: ContextVar[tuple[str, str] | None] = ContextVar("tandem_job", default=None)

#: The fields every record carries (the record factory sets them).
CONTEXT_FIELDS = ("request_id", "job_id", "job", "agency_id", "user_id")
#: Fields a log call may add with ``extra=`` that the JSON line keeps.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "outcome", "attempt", "queue")


# --- the ids ---------------------------------------------------------------------------------


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(raw: str | None) -> str:
    """``raw`` when it is a safe id, else a new one (a header is the client's to forge)."""
    if raw and SAFE_REQUEST_ID.fullmatch(raw):
        return raw
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request, or of the request that enqueued the running job."""
    return _request_id.get()


def current_job() -> tuple[str, str] | None:
    """(job id, job name) of the running job, or None."""
    return _job.get()


@contextmanager
def job_log_context(job_id: str, name: str, request_id: str | None) -> Iterator[None]:
    """Within the block, log lines name the job and the request that enqueued it."""
    safe = request_id if request_id and SAFE_REQUEST_ID.fullmatch(str(request_id)) else None
    job_token = _job.set((str(job_id), str(name)))
    request_token = _request_id.set(safe)
    try:
        yield
    finally:
        _request_id.reset(request_token)
        _job.reset(job_token)


def _loaded(obj: Any, name: str) -> Any:
    """An attribute of an ORM object if it is loaded, without ever loading it."""
    try:
        return sa_inspect(obj).dict.get(name)
    except Exception:  # noqa: BLE001 - not an ORM object
        return getattr(obj, name, None)


def _identity() -> tuple[int | None, int | None]:
    """(agency id, user id) of the request's membership, when one is known."""
    if not has_request_context():
        return None, None
    membership = g.get("membership")
    if membership is None:
        return None, None
    return _loaded(membership, "agency_id"), _loaded(membership, "user_id")


# --- records ---------------------------------------------------------------------------------


def _install_record_factory() -> None:
    """Give every record the context fields (once per process)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "tandem", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        job = _job.get()
        record.request_id = _request_id.get()
        record.job_id, record.job = job if job else (None, None)
        agency_id, user_id = _identity()
        record.agency_id = agency_id if agency_id is not None else current_agency_id()
        record.user_id = user_id
        return record

    factory.tandem = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, the context fields that are
    known, the request fields of a request line, and the traceback as ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS + EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for development, with the ids that are known appended."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = " ".join(
            f"{name}={getattr(record, name)}"
            for name in CONTEXT_FIELDS
            if getattr(record, name, None) is not None
        )
        if not ids:
            return line
        first, sep, rest = line.partition("\n")
        return f"{first} [{ids}]{sep}{rest}"


def configure_logging(app: Flask) -> None:
    """The root logger's one handler, by ``LOG_FORMAT``, at ``LOG_LEVEL`` (once per process;
    a second app in the same process replaces it)."""
    _install_record_factory()
    if app.config.get("TESTING"):
        return
    fmt = str(app.config.get("LOG_FORMAT") or "text").lower()
    if fmt not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {fmt!r}")
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "tandem", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.tandem = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # Flask's own stderr handler would print app.logger's lines a second time, unformatted.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)


# --- the request hooks -----------------------------------------------------------------------


def _logged_path() -> str:
    """The path, with secret view arguments (sign-in links, invitations) left out."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and value:
            path = path.replace(str(value), f":{name}")
    return path[:300]


def init_app(app: Flask) -> None:
    """Register the request id hooks ahead of every other hook, the extensions' too (CSRF
    and the rate limiter refuse requests in their own ``before_request``): the id is set
    before anything else runs, and the request line is written last (Flask runs
    ``after_request`` and teardown hooks in reverse), once the unit of work has committed."""
    configure_logging(app)

    def _start_request_log() -> None:
        g.request_started = time.perf_counter()
        g.request_id_token = _request_id.set(
            accept_request_id(request.headers.get(REQUEST_ID_HEADER))
        )

    def _finish_request_log(response: Response) -> Response:
        request_id = _request_id.get()
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        quiet = request.endpoint in QUIET_ENDPOINTS and response.status_code < 400
        request_log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s",
            request.method,
            _logged_path(),
            response.status_code,
            extra={
                "method": request.method,
                "path": _logged_path(),
                "status": response.status_code,
                "duration_ms": duration,
            },
        )
        return response

    def _forget_request_id(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                _request_id.reset(token)
            except ValueError:  # set in another context (a test client's reused context)
                _request_id.set(None)

    # First in each list: before_request runs them in order, after_request and teardown
    # in reverse (so first means last).
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request_log)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish_request_log)
    app.teardown_request_funcs.setdefault(None, []).insert(0, _forget_request_id)
