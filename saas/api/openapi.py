"""API: the OpenAPI 3.1 document, built from what ``@endpoint`` registered.

Generic on purpose: every endpoint module declares its operations through ``@endpoint``
(``saas.api.base.OPERATIONS``), and this builder turns them into paths, schemas and error
responses.  A test checks that the document and the url_map list the same operations.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from saas.api.base import OPERATIONS, Operation, api_bp, openapi_path

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
    400: (
        "Malformed request (invalid JSON, not an object, nested too deep, bad query "
        "parameter, control characters in the address)"
    ),
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
    503: "A service this depends on (Stripe) could not be reached; nothing was changed",
}


def _path_param_types() -> dict[tuple[str, str], dict[str, Any]]:
    """(OpenAPI path under /api/v1, argument) → JSON schema, from the url_map's converters.

    Integers carry the converter's bounds (``saas.web.edge.BoundedIntConverter``): beyond
    them a path does not match and answers 404."""
    prefix = api_bp.url_prefix or ""
    types: dict[tuple[str, str], dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{api_bp.name}."):
            continue
        path = openapi_path(rule.rule)[len(prefix) :]
        for arg, converter in rule._converters.items():  # werkzeug has no public accessor
            schema: dict[str, Any] = {"type": "string"}
            if isinstance(converter, IntegerConverter):
                schema = {"type": "integer", "minimum": converter.min or 0}
                if converter.max is not None:
                    schema["maximum"] = converter.max
            types[(path, arg)] = schema
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
    param_types: dict[tuple[str, str], dict[str, Any]],
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
            "schema": dict(param_types.get((op.path, arg), {"type": "string"})),
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
        for status in op.also:
            responses[str(status)] = ok

    # Derived by ``@endpoint`` from the declaration (saas.api.base.standard_errors).
    for status in op.errors:
        responses[str(status)] = _error_response(status)
    doc["responses"] = responses
    return doc


# What ``parse_body`` refuses in any JSON string before pydantic sees it (NUL, C0 controls
# other than tab, newline and carriage return, DEL): said once here for every body string.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _document_text_rule(paths: dict[str, Any], definitions: dict[str, Any]) -> None:
    """Add ``TEXT_PATTERN`` to every free-text string reachable from a request body."""
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict) or id(node) in seen:
            return
        seen.add(id(node))
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            walk(definitions.get(ref.rsplit("/", 1)[1]))
        if node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(node):
            node["pattern"] = TEXT_PATTERN
        for key, value in node.items():
            if key != "$ref":
                walk(value)

    for ops in paths.values():
        for op in ops.values():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            walk(body.get("schema"))


# What the edge refuses in a query string or path (``saas.web.edge``: a 400, in a path a
# 404): any C0 control character or DEL, tab and newline included.
URL_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"


def _document_url_rule(paths: dict[str, Any]) -> None:
    """Add ``URL_TEXT_PATTERN`` to every free-text string parameter (query and path)."""
    for ops in paths.values():
        for op in ops.values():
            for parameter in op.get("parameters", []):
                schema = parameter.get("schema", {})
                for node in [schema, *schema.get("anyOf", [])]:
                    if node.get("type") == "string" and not {
                        "enum",
                        "const",
                        "format",
                        "pattern",
                    } & set(node):
                        node["pattern"] = URL_TEXT_PATTERN


def build_document() -> dict[str, Any]:
    refs, definitions = _schemas()
    param_types = _path_param_types()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs, param_types)
    _document_text_rule(paths, definitions)
    _document_url_rule(paths)
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
def openapi_document() -> ResponseReturnValue:
    return jsonify(build_document())
