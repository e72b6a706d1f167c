"""Errors that services raise and both the web and API layers translate for people."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal a person can act on.  ``code`` is stable for API clients."""

    status = 422
    code = "invalid"
    # More members of the API's ``error`` object (a 409's ``conflicts``); None for most.
    extra: dict[str, Any] | None = None

    def __init__(self, message: str, fields: dict[str, str] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Gone(ServiceError):
    """An expired or used link or token."""

    status = 410
    code = "gone"


class PaymentRequired(ServiceError):
    """The agency's plan does not allow this (``plan_limit``), or the agency is read-only
    (``read_only``: a trial ended, a payment failed past the grace period, a cancellation)."""

    status = 402
    code = "plan_limit"
