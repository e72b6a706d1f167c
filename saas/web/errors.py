"""Error pages for people, never a stack trace.

The JSON error body and the messages of HTTP errors are ``saas.http``'s, shared with the
API; the handlers here answer JSON for a path under ``/api/`` that fails outside the API
blueprint (an unknown route, the edge's 400s, a 500).
"""

from __future__ import annotations

from html import escape

from flask import Flask, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from saas.extensions import db
from saas.http.errors import (
    allow_headers,
    http_error_json,
    http_error_message,
    json_error,
    status_message,
    wants_json,
)
from saas.i18n import gettext as _
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


def register_error_handlers(app: Flask) -> None:
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
