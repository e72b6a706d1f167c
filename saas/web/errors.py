"""Error pages for people, never a stack trace.

The JSON error body and the messages of HTTP errors are ``saas.http``'s, shared with the
API; the handlers here answer JSON for a path under ``/api/`` that fails outside the API
blueprint (an unknown route, the edge's 400s, a 500).
"""

from __future__ import annotations

import json
from html import escape

from flask import Flask, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from saas.extensions import db
from saas.http.errors import (
    allow_headers,
    error_body,
    http_error_json,
    http_error_message,
    json_error,
    status_message,
    wants_json,
)
from saas.http.unavailable import DATABASE_ERRORS, RETRY_AFTER_SECONDS, database_unavailable
from saas.i18n import gettext as _
from saas.services.agency_deletion import DeletionPending
from saas.services.errors import PaymentRequired

# The page of last resort: no template, no database, no translation machinery.
STATIC_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Error 500</title></head><body><h1>Something went wrong on our side.</h1>"
    "<p>Please try again in a moment.</p></body></html>"
)


def rollback_quietly() -> None:
    """Roll the request's session back, whatever state it is in: an error page renders a
    layout that queries the database, which a failed transaction would refuse."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must not fail because of this
        current_app.logger.exception("Rolling back before an error page failed")


def error_page(status: int, message: str) -> tuple[str | Response, int]:
    """The HTML error page; a static page when even that cannot render."""
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # noqa: BLE001
        current_app.logger.exception("The error page for %s could not be rendered", status)
    rollback_quietly()
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # noqa: BLE001
        current_app.logger.exception("The error page for %s failed twice", status)
    if status >= 500:
        body = STATIC_500
    else:
        body = STATIC_500.replace("500", str(status)).replace(
            "Something went wrong on our side.", escape(message)
        )
    return Response(body, status=status, mimetype="text/html"), status


def database_unavailable_response() -> Response:
    """503 with ``Retry-After`` for a database that went away (``saas.http.unavailable``).

    Built without the database: no layout (it would load the user again), no locale from
    the user's preferences (the translation falls back to English if even that fails).
    """
    rollback_quietly()
    try:
        message = _("The service is briefly unavailable. Please try again in a moment.")
    except Exception:  # noqa: BLE001 - the locale lookup may need the database
        message = "The service is briefly unavailable. Please try again in a moment."
    if wants_json():
        response = Response(
            json.dumps(error_body(503, str(message), code="unavailable")),
            status=503,
            mimetype="application/json",
        )
    else:
        body = (
            STATIC_500.replace("Error 500", "Error 503")
            .replace("Something went wrong on our side.", escape(str(message)))
            .replace("<p>Please try again in a moment.</p>", "")
        )
        response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app: Flask) -> None:
    def _database(err: Exception) -> ResponseReturnValue:
        """The database went away mid-request or refuses connections: 503, retry soon.
        Any other OperationalError (a bug) is handled as the unexpected error it is."""
        if not database_unavailable(err):
            return _unexpected(err)
        app.logger.warning("Database unavailable: %s: %s", type(err).__name__, err)
        return database_unavailable_response()

    for error_class in DATABASE_ERRORS:
        app.register_error_handler(error_class, _database)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> ResponseReturnValue:
        message = _("Your form expired. Please reload the page and try again.")
        return error_page(400, message)

    @app.errorhandler(PaymentRequired)
    def _payment_required(err: PaymentRequired) -> ResponseReturnValue:
        """A read-only agency's write (or a plan limit a view let through): 402."""
        if wants_json():
            return json_error(err.status, err.message, err.fields, err.code, err.extra)
        return render_template(
            "errors/402.html", status=402, message=err.message, code=err.code
        ), 402

    @app.errorhandler(DeletionPending)
    def _deletion_pending(err: DeletionPending) -> ResponseReturnValue:
        """A write to an agency in its deletion grace period: 409, with the date."""
        if wants_json():
            return json_error(err.status, err.message, err.fields, err.code, err.extra)
        return error_page(409, err.message)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> ResponseReturnValue:
        if wants_json():
            return http_error_json(err)
        body, status = error_page(err.code or 500, http_error_message(err))
        return body, status, allow_headers(err)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> ResponseReturnValue:
        """Never fails itself: a failing error handler leaves the server's bare 500 page,
        without our security headers."""
        app.logger.exception("Unhandled error")
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise err
        rollback_quietly()
        try:
            message = status_message(500)
        except Exception:  # noqa: BLE001 - e.g. the locale lookup needs the database
            message = "Something went wrong on our side."
        if wants_json():
            try:
                return json_error(500, message)
            except Exception:  # noqa: BLE001
                app.logger.exception("The JSON error for a 500 failed")
                return Response(
                    '{"error": {"code": "server_error", "message": "Server error", "fields": {}}}',
                    status=500,
                    mimetype="application/json",
                )
        return error_page(500, message)
