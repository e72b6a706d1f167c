"""Error pages for people and JSON errors for the API, never a stack trace."""

from __future__ import annotations

from html import escape

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from saas.i18n import gettext as _

API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(
    status: int, message: str, fields: dict[str, str] | None = None, code: str | None = None
):  # type: ignore[no-untyped-def]
    body = {
        "error": {
            "code": code or API_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def _message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to do that."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        410: _("This link has expired or was already used."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on our side. We have been told about it."),
    }.get(status, _("Something went wrong."))


# The page of last resort: no template, no database, no translation machinery.
STATIC_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Error 500</title></head><body><h1>Something went wrong on our side.</h1>"
    "<p>Please try again in a moment.</p></body></html>"
)


def rollback_quietly() -> None:
    """Roll the request's session back, whatever state it is in: an error page renders a
    layout that queries the database, which a failed transaction would refuse."""
    from saas.extensions import db

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


def http_error_message(err: HTTPException) -> str:
    """Our own 400s (``saas.web.edge.HostileInput``) say what was wrong; others are generic."""
    if getattr(err, "api_code", None) and err.description:
        return str(err.description)
    return _message(err.code or 500)


def allow_headers(err: HTTPException) -> dict[str, str]:
    """Werkzeug's ``Allow`` header of a 405 (RFC 9110 requires it), dropped by a handler that
    builds its own response unless it is copied."""
    return {k: v for k, v in err.get_headers() if k.lower() == "allow"}


def register_error_handlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):  # type: ignore[no-untyped-def]
        message = _("Your form expired. Please reload the page and try again.")
        return error_page(400, message)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):  # type: ignore[no-untyped-def]
        status = err.code or 500
        if wants_json():
            body, status = json_error(
                status, http_error_message(err), code=getattr(err, "api_code", None)
            )
        else:
            body, status = error_page(status, http_error_message(err))
        return body, status, allow_headers(err)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):  # type: ignore[no-untyped-def]
        """Never fails itself: a failing error handler leaves the server's bare 500 page,
        without our security headers."""
        app.logger.exception("Unhandled error")
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise err
        rollback_quietly()
        try:
            message = _message(500)
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
