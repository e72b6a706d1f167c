"""The API's plumbing: token authentication, JSON parsing with pydantic, errors, pagination.

Every endpoint is declared with ``@endpoint`` which registers the route *and* its OpenAPI
operation, so the document cannot drift from the url_map (a test checks both ways).  The
standard error responses follow from what the declaration says (a token, a permission, a
body, a path argument); a view lists only the codes its own logic adds.  A view returns its
response model (or a dict of it) and ``@endpoint`` serialises it through that model, so
the body always matches what the document publishes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, select
from werkzeug.exceptions import HTTPException

from saas.api.schemas import (
    PAGE_QUERY,
    PLAIN,
    Id,
    Page,
    PageMeta,
    ServiceCheckedId,
    UtcDateTime,
    iso_utc,
    not_nullable,
)
from saas.extensions import db
from saas.http import (
    ApiError,
    control_char_paths,
    http_error_json,
    json_error,
    page_params,
    paginate,
)
from saas.models import ApiToken, Membership, User
from saas.permissions import can
from saas.services.audit import set_actor
from saas.services.entitlements import guard as entitlements_guard
from saas.services.errors import ServiceError
from saas.services.hashing import hash_token
from saas.transactions import commit_now
from tenants.context import Scope, reset_scope, set_scope, system_scope
from tenants.models import utcnow

# Re-exported: endpoint modules (and tests) import the API's vocabulary from here.
__all__ = [
    "OPERATIONS",
    "PAGE_QUERY",
    "PLAIN",
    "ApiError",
    "Id",
    "Operation",
    "Page",
    "PageMeta",
    "ServiceCheckedId",
    "UtcDateTime",
    "api_bp",
    "authenticate",
    "authorise",
    "document",
    "endpoint",
    "found",
    "hash_token",
    "iso_utc",
    "not_nullable",
    "openapi_path",
    "page_params",
    "paginated",
    "parse_body",
]

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
T = TypeVar("T")


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
    errors: tuple[int, ...] = ()  # every error status the document lists, standard ones included
    also: tuple[int, ...] = ()  # other success statuses, with the same body


OPERATIONS: list[Operation] = []


def openapi_path(rule: str) -> str:
    """A url_map rule in OpenAPI's spelling: ``/brands/<int:brand_id>`` → ``/brands/{brand_id}``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


_openapi_path = openapi_path  # the name tests/tenancy/_matrix.py imports


def standard_errors(
    rule: str, *, auth: bool, permission: str | None, body: bool, query: bool
) -> set[int]:
    """The error statuses any operation of this shape can answer, whatever its view does."""
    errors = {400}  # the edge refuses malformed input before any view (saas.web.edge)
    if auth:
        errors.add(401)
    if permission:
        errors.add(403)
    if body:
        errors |= {400, 415, 422}
    if query:
        errors.add(400)
    if "<" in rule:
        errors.add(404)  # a path argument that names nothing (or another agency's row)
    return errors


def document(
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
    errors: Iterable[int] = (),
    also: tuple[int, ...] = (),
) -> Operation:
    """Add an operation to the OpenAPI document (``@endpoint`` does; a hand-made route too)."""
    derived = standard_errors(
        rule, auth=auth, permission=permission, body=body is not None, query=bool(query)
    )
    if auth and method.upper() != "GET":
        derived.add(402)  # a read-only agency's write (saas/services/entitlements/guard.py)
    op = Operation(
        path=openapi_path(rule),
        method=method.lower(),
        summary=summary,
        tags=tags,
        body=body,
        response=response,
        status=status,
        auth=auth,
        query=query or [],
        errors=tuple(sorted(derived | set(errors))),
        also=also,
    )
    OPERATIONS.append(op)
    return op


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
) -> Callable[[Callable[..., Any]], Callable[..., ResponseReturnValue]]:
    """Declare an API endpoint.  With ``body`` the parsed model is passed as ``data``;
    ``also`` lists success statuses other than ``status`` that the view may answer;
    ``errors`` lists only the statuses beyond ``standard_errors``."""
    model = response if isinstance(response, type) and issubclass(response, BaseModel) else None

    def decorator(fn: Callable[..., Any]) -> Callable[..., ResponseReturnValue]:
        @wraps(fn)
        def view(**kwargs: Any) -> ResponseReturnValue:
            if auth:
                authorise(permission)
            if body is not None:
                kwargs["data"] = parse_body(body)
            result = fn(**kwargs)
            payload, code = result if isinstance(result, tuple) else (result, status)
            if code == 204:
                return "", 204
            if model is not None:
                payload = _serialise(model, payload)
            return jsonify(payload), code

        view.__name__ = f"{fn.__name__}_{method.lower()}"
        api_bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        document(
            rule,
            method,
            summary=summary,
            tags=tags,
            body=body,
            response=response,
            status=status,
            auth=auth,
            permission=permission,
            query=query,
            errors=errors,
            also=also,
        )
        return view

    return decorator


def _serialise(model: type[BaseModel], payload: Any) -> Any:
    """The body through its documented model.  Fields a serialiser leaves unset are left
    out (a client user never sees a finding's dismissal reason, not even as null)."""
    if not isinstance(payload, model):
        payload = model.model_validate(payload)
    return payload.model_dump(mode="json", exclude_unset=True)


def paginated(
    stmt: Select[Any],
    serialise: Callable[[Any], BaseModel] | None = None,
    *,
    serialise_all: Callable[[list[Any]], list[BaseModel]] | None = None,
) -> dict[str, Any]:
    """The body of a list endpoint: the page the query string asks for (strictly: a bad
    ``page`` or ``per_page`` is a 400), each row through ``serialise`` (or the whole page
    through ``serialise_all``, for serialisers that load something for all rows at once)."""
    page, per_page = page_params()
    result = paginate(stmt, page, per_page)
    if serialise_all is not None:
        data = serialise_all(result.items)
    elif serialise is not None:
        data = [serialise(item) for item in result.items]
    else:
        raise TypeError("paginated() needs serialise or serialise_all")
    meta = PageMeta(page=page, per_page=per_page, total=result.total, next_page=result.next_page)
    return {"data": data, "meta": meta}


def found(value: T | None, what: str) -> T:
    """``value``, or the API's 404 naming what is missing (another agency's row is missing
    too: the tenant scope never loads it)."""
    if value is None:
        raise ApiError(404, "not_found", f"No {what} with this id.")
    return value


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


def authorise(permission: str | None) -> None:
    """The bearer token, then the role's permission: what ``@endpoint`` checks, for the
    routes registered by hand (a PDF, a calendar file)."""
    authenticate()
    if permission and not can(g.membership.role, permission):
        raise ApiError(403, "forbidden", "Your role does not allow this.")
    refused = entitlements_guard.refusal(request.method, request.endpoint, g.membership)
    if refused is not None:  # a read-only agency's write: 402 read_only
        raise refused


def authenticate() -> None:
    """Bearer token → user, membership and tenant scope for the rest of the request."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(
            401, "unauthorized", "Send a personal access token: Authorization: Bearer <token>."
        )
    # One query, columns only: no object is loaded before the tenant scope is set, so
    # nothing read without the tenant criteria can survive into the request.
    with system_scope():
        found = db.session.execute(
            select(ApiToken.id, ApiToken.agency_id, ApiToken.user_id, ApiToken.last_used_at)
            .join(User, User.id == ApiToken.user_id)
            .join(
                Membership,
                (Membership.agency_id == ApiToken.agency_id)
                & (Membership.user_id == ApiToken.user_id),
            )
            .where(
                ApiToken.token_hash == hash_token(raw.strip()),
                ApiToken.revoked_at.is_(None),
                User.is_active_user.is_(True),
            )
        ).first()
    if found is None:
        raise ApiError(401, "invalid_token", "This token is invalid or has been revoked.")
    # Whatever an earlier hook loaded goes too: the request starts from its scope.
    db.session.expunge_all()
    enter_scope(found.agency_id, found.user_id)
    if found.last_used_at is None or (utcnow() - found.last_used_at).total_seconds() > 60:
        db.session.execute(
            ApiToken.__table__.update()
            .where(ApiToken.__table__.c.id == found.id)
            .values(last_used_at=utcnow())
        )
        commit_now("a token's last use is recorded even when the request fails")


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


@api_bp.errorhandler(ApiError)
def _api_error(err: ApiError) -> ResponseReturnValue:
    return json_error(err.status, err.message, err.fields, err.code)


@api_bp.errorhandler(ServiceError)
def _service_error(err: ServiceError) -> ResponseReturnValue:
    return json_error(err.status, err.message, err.fields, err.code, err.extra)


@api_bp.errorhandler(HTTPException)
def _http_error(err: HTTPException) -> ResponseReturnValue:
    return http_error_json(err)
