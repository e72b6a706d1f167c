"""The API's plumbing: token authentication, JSON parsing with pydantic, errors, pagination.

Every endpoint is declared with ``@endpoint`` which registers the route *and* its OpenAPI
operation, so the document cannot drift from the url_map (a test checks both ways).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, g, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from saas.extensions import db
from saas.models import ApiToken, Membership
from saas.permissions import can
from saas.services.audit import set_actor
from saas.services.errors import ServiceError
from saas.web.errors import json_error
from tenants.context import Scope, reset_scope, set_scope, system_scope
from tenants.models import utcnow

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


@dataclass
class Operation:
    path: str  # OpenAPI style: /brands/{brand_id}
    method: str
    summary: str
    tags: list[str]
    body: type[BaseModel] | None
    response: dict[str, Any] | type[BaseModel] | None
    status: int
    auth: bool
    query: list[dict[str, Any]] = field(default_factory=list)
    errors: tuple[int, ...] = ()


OPERATIONS: list[Operation] = []


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _openapi_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def endpoint(
    rule: str,
    method: str,
    *,
    summary: str,
    tags: list[str],
    body: type[BaseModel] | None = None,
    response: dict[str, Any] | type[BaseModel] | None = None,
    status: int = 200,
    auth: bool = True,
    permission: str | None = None,
    query: list[dict[str, Any]] | None = None,
    errors: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API endpoint.  With ``body`` the parsed model is passed as ``data``."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def view(**kwargs: Any) -> Any:
            if auth:
                authenticate()
                if permission and not can(g.membership.role, permission):
                    raise ApiError(403, "forbidden", "Your role does not allow this.")
            if body is not None:
                kwargs["data"] = parse_body(body)
            result = fn(**kwargs)
            if isinstance(result, tuple):
                payload, code = result
            else:
                payload, code = result, status
            if code == 204:
                return "", 204
            return jsonify(payload), code

        view.__name__ = f"{fn.__name__}_{method.lower()}"
        api_bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        OPERATIONS.append(
            Operation(
                path=_openapi_path(rule),
                method=method.lower(),
                summary=summary,
                tags=tags,
                body=body,
                response=response,
                status=status,
                auth=auth,
                query=query or [],
                errors=errors,
            )
        )
        return view

    return decorator


def parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json."
        )
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(
            422, "validation_failed", "Some fields are invalid.", fields=_fields(exc)
        ) from None


def _fields(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "This field is required."
        elif err["type"] == "extra_forbidden":
            msg = "Unknown field."
        out.setdefault(loc, msg)
    return out


def authenticate() -> None:
    """Bearer token → user, membership and tenant scope for the rest of the request."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(
            401, "unauthorized", "Send a personal access token: Authorization: Bearer <token>."
        )
    with system_scope():
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == hash_token(raw.strip()))
        )
        membership = None
        if token is not None and token.revoked_at is None and token.user.is_active:
            membership = db.session.scalar(
                select(Membership).where(
                    Membership.agency_id == token.agency_id, Membership.user_id == token.user_id
                )
            )
    if token is None or membership is None or token.revoked_at is not None:
        raise ApiError(401, "invalid_token", "This token is invalid or has been revoked.")
    # Forget what was loaded without criteria: the rest of the request sees only its tenant.
    db.session.expunge_all()
    enter_scope(membership.agency_id, membership.user_id)
    if token.last_used_at is None or (utcnow() - token.last_used_at).total_seconds() > 60:
        db.session.execute(
            ApiToken.__table__.update()
            .where(ApiToken.__table__.c.id == token.id)
            .values(last_used_at=utcnow())
        )
        db.session.commit()


def enter_scope(agency_id: int, user_id: int) -> Membership:
    """Load the membership in its own agency's scope, then narrow to its brands."""
    g.scope_token = set_scope(Scope(agency_id=agency_id))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user_id))
    if membership is None:
        raise ApiError(401, "invalid_token", "This token is invalid or has been revoked.")
    reset_scope(g.scope_token)
    g.scope_token = set_scope(Scope(agency_id=agency_id, brand_ids=membership.brand_ids))
    g.membership = membership
    g.agency = membership.agency
    g.user = membership.user
    set_actor(membership.user_id, membership.user.email)
    return membership


def page_params() -> tuple[int, int]:
    def _int(name: str, default: int, lo: int, hi: int) -> int:
        raw = request.args.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(
                400, "bad_request", f"{name} must be an integer.", {name: "Must be an integer."}
            ) from None
        if not lo <= value <= hi:
            raise ApiError(
                400,
                "bad_request",
                f"{name} must be between {lo} and {hi}.",
                {name: f"Between {lo} and {hi}."},
            )
        return value

    return _int("page", 1, 1, 1_000_000), _int("per_page", 20, 1, 100)


def page_payload(items: list[Any], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {
        "data": items,
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "next_page": page + 1 if page * per_page < total else None,
        },
    }


PAGE_QUERY = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
]


@api_bp.errorhandler(ApiError)
def _api_error(err: ApiError):  # type: ignore[no-untyped-def]
    return json_error(err.status, err.message, err.fields, err.code)


@api_bp.errorhandler(ServiceError)
def _service_error(err: ServiceError):  # type: ignore[no-untyped-def]
    return json_error(err.status, err.message, err.fields, err.code)


@api_bp.errorhandler(HTTPException)
def _http_error(err: HTTPException):  # type: ignore[no-untyped-def]
    from saas.web.errors import _message

    return json_error(err.code or 500, _message(err.code or 500))
