"""The API's plumbing: token authentication, JSON parsing with pydantic, errors, pagination.

Every endpoint is declared with ``@endpoint`` which registers the route *and* its OpenAPI
operation, so the document cannot drift from the url_map (a test checks both ways).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Annotated, Any

from flask import Blueprint, g, jsonify, request
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from saas.extensions import db
from saas.models import ApiToken, Membership
from saas.permissions import can
from saas.services.audit import set_actor
from saas.services.errors import ServiceError
from saas.web.common import MAX_ID, MAX_PAGE
from saas.web.edge import control_char_paths, is_ascii_digits
from saas.web.errors import allow_headers, http_error_message, json_error
from tenants.context import Scope, reset_scope, set_scope, system_scope
from tenants.models import utcnow

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Every id in a body: PostgreSQL's INTEGER range, so an id beyond it is a 422 naming the
# field rather than "integer out of range" (a 500).  The schema documents the bounds.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id the service checks itself, with its own message on its own key (the plans service's
# "Unknown goal 7." on ``campaigns.0.goal_ids``): the same bounds, documented, not enforced.
ServiceCheckedId = Annotated[
    int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}, mode="validation")
]


def not_nullable(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` for an update field that may be left out but not sent as null:
    its ``None`` default means "not sent", so the schema must not offer it as a value."""
    schema.pop("default", None)


# A string without control characters (PostgreSQL refuses NUL in text; the edge refuses the
# rest): the pattern documents in the schema what ``parse_body`` and the edge enforce.
PLAIN = r"^[^\x00-\x1f\x7f]*$"


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
    also: tuple[int, ...] = ()  # other success statuses, with the same body


OPERATIONS: list[Operation] = []


class PageMeta(BaseModel):
    """The ``meta`` of every paginated list (``page_payload``), documented once."""

    page: int
    per_page: int
    total: int
    next_page: int | None


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
    also: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API endpoint.  With ``body`` the parsed model is passed as ``data``;
    ``also`` lists success statuses other than ``status`` that the view may answer."""

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
                also=also,
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
    # Before pydantic, for every string of any model, keys included: PostgreSQL refuses NUL.
    # (The edge already refused JSON nested too deep to walk.)
    bad = dict.fromkeys(control_char_paths(data), "Remove the control characters.")
    if bad:
        raise ApiError(422, "validation_failed", "Some fields are invalid.", fields=bad)
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
            if not is_ascii_digits(raw.strip().removeprefix("-")):
                raise ValueError(raw)  # int() also takes "1_000" and other scripts' digits
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

    return _int("page", 1, 1, MAX_PAGE), _int("per_page", 20, 1, 100)


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
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
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
    body, status = json_error(
        err.code or 500, http_error_message(err), code=getattr(err, "api_code", None)
    )
    return body, status, allow_headers(err)
