"""API: the OpenAPI 3.1 document, built from what ``@endpoint`` registered.

Generic on purpose: every endpoint module declares its operations through ``@endpoint``
(``saas.api.base.OPERATIONS``), and this builder turns them into paths, schemas and error
responses.  A test checks that the document and the url_map list the same operations.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from saas.api.base import OPERATIONS, Operation, api_bp

REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable"},
                "message": {"type": "string", "description": "For people"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Field name → what is wrong with it",
                },
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    400: "Malformed request (invalid JSON, not an object, bad query parameter)",
    401: "No token, or an invalid or revoked one",
    402: "The agency's plan does not allow this",
    403: "The role does not allow this",
    404: "Not found (or belongs to another agency)",
    409: "Conflict with the current state",
    410: "Expired or already used",
    413: "Payload too large",
    415: "The body is not application/json",
    422: "Validation failed; see error.fields",
    429: "Too many requests; wait and retry",
}


def _path_param_types() -> dict[tuple[str, str], str]:
    """(OpenAPI path under /api/v1, argument) → JSON type, from the url_map's converters."""
    prefix = api_bp.url_prefix or ""
    types: dict[tuple[str, str], str] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{api_bp.name}."):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)[len(prefix) :]
        for arg, converter in rule._converters.items():  # werkzeug has no public accessor
            kind = "integer" if isinstance(converter, IntegerConverter) else "string"
            types[(path, arg)] = kind
    return types


def _schemas() -> tuple[dict[tuple[type[BaseModel], str], dict[str, Any]], dict[str, Any]]:
    """Every body and response model's JSON schema, with shared definitions de-duplicated."""
    wanted: list[tuple[type[BaseModel], str]] = []
    for op in OPERATIONS:
        if op.body is not None:
            wanted.append((op.body, "validation"))
        if isinstance(op.response, type) and issubclass(op.response, BaseModel):
            wanted.append((op.response, "serialization"))
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return {}, {}
    refs, top = models_json_schema(wanted, ref_template=REF)  # type: ignore[arg-type]
    return refs, top.get("$defs", {})  # type: ignore[return-value]


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS.get(status, "Error"),
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def _operation(
    op: Operation,
    refs: dict[tuple[type[BaseModel], str], dict[str, Any]],
    param_types: dict[tuple[str, str], str],
) -> dict[str, Any]:
    path_args = re.findall(r"{([a-z_]+)}", op.path)
    doc: dict[str, Any] = {
        "operationId": f"{op.method}_{re.sub(r'[^a-z0-9]+', '_', op.path.lower()).strip('_')}",
        "summary": op.summary,
        "tags": list(op.tags),
        "security": [{"bearerAuth": []}] if op.auth else [],
    }
    parameters = [
        {
            "name": arg,
            "in": "path",
            "required": True,
            "schema": {"type": param_types.get((op.path, arg), "string")},
        }
        for arg in path_args
    ]
    parameters += [dict(q) for q in op.query]
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }

    responses: dict[str, Any] = {}
    if op.status == 204:
        responses["204"] = {"description": "No content"}
    else:
        ok: dict[str, Any] = {"description": "Success"}
        if isinstance(op.response, type) and issubclass(op.response, BaseModel):
            ok["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
        elif isinstance(op.response, dict) and "content" in op.response:
            ok["content"] = op.response["content"]  # a non-JSON body, e.g. application/pdf
        elif isinstance(op.response, dict):
            ok["content"] = {"application/json": {"schema": op.response}}
        responses[str(op.status)] = ok

    errors = set(op.errors)
    if op.auth:
        errors |= {401, 403}
    if op.body is not None:
        errors |= {400, 415, 422}
    if op.query:
        errors.add(400)
    if path_args:
        errors.add(404)
    for status in sorted(errors):
        responses[str(status)] = _error_response(status)
    doc["responses"] = responses
    return doc


def build_document() -> dict[str, Any]:
    refs, definitions = _schemas()
    param_types = _path_param_types()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs, param_types)
    tags = sorted({tag for op in OPERATIONS for tag in op.tags})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tandem API",
            "version": "1.0.0",
            "description": (
                "Send a personal access token as `Authorization: Bearer <token>` "
                "(create one with POST /tokens or in Settings → API tokens). "
                'Errors are `{"error": {"code", "message", "fields"}}`.'
            ),
        },
        "servers": [{"url": api_bp.url_prefix or "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {**definitions, "Error": ERROR_SCHEMA},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@api_bp.route("/openapi.json", methods=["GET"])
def openapi_document():  # type: ignore[no-untyped-def]
    return jsonify(build_document())
