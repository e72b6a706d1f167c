"""JSON errors, ``{"error": {"code", "message", "fields"}}``, and the messages of HTTP errors.

The API answers every error in this shape; the web's handlers (``saas.web.errors``) use it
too for a request under ``/api/`` that fails before the API blueprint's own handlers run.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
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


class ApiError(Exception):
    """An error the API answers as JSON with its own status, code, message and fields."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(
    status: int,
    message: str,
    fields: dict[str, str] | None = None,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The error object; ``extra`` adds members beside the standard three (a 409's
    ``conflicts``), never replacing them."""
    standard = {
        "code": code or API_CODES.get(status, "error"),
        "message": message,
        "fields": fields or {},
    }
    return {"error": {**(extra or {}), **standard}}


def json_error(
    status: int,
    message: str,
    fields: dict[str, str] | None = None,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[Response, int]:
    return jsonify(error_body(status, message, fields, code, extra)), status


def status_message(status: int) -> str:
    """What people are told for a bare HTTP error, in their language."""
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        402: _("Your agency's plan does not allow this."),
        403: _("You do not have permission to do that."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        410: _("This link has expired or was already used."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
        500: _("Something went wrong on our side. We have been told about it."),
    }.get(status, _("Something went wrong."))


def http_error_message(err: HTTPException) -> str:
    """Our own 400s (``saas.web.edge.HostileInput``) say what was wrong; others are generic."""
    if getattr(err, "api_code", None) and err.description:
        return str(err.description)
    return status_message(err.code or 500)


def http_error_json(err: HTTPException) -> tuple[Response, int, dict[str, str]]:
    """An ``HTTPException`` as a JSON error, its ``Allow`` header kept."""
    body, status = json_error(
        err.code or 500, http_error_message(err), code=getattr(err, "api_code", None)
    )
    return body, status, allow_headers(err)


def allow_headers(err: HTTPException) -> dict[str, str]:
    """Werkzeug's ``Allow`` header of a 405 (RFC 9110 requires it), dropped by a handler that
    builds its own response unless it is copied."""
    return {k: v for k, v in err.get_headers() if k.lower() == "allow"}
