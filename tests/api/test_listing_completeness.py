"""Can everything an integration creates through the API also be found again?

Walks the served OpenAPI document (built from the ``@endpoint`` declarations): every
operation that creates a resource (a ``POST`` answering 201 or 202) must have

* a list: ``GET`` on the same collection path, answering ``{"data": [...], "meta": ...}``
  with ``page`` and ``per_page`` parameters, its items carrying an ``id``;
* a read: ``GET /<collection>/{id}`` (or ``<collection path>/{id}``) answering an object
  with an ``id``.

What cannot be, is exempt below with its reason.  An exemption that is no longer needed
fails too, so the list stays true.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

CREATED = {"201", "202"}

# (method, path) of a creating operation → why it has no list.
NO_LIST: dict[tuple[str, str], str] = {
    ("post", "/signup"): (
        "creates an agency and its owner; the caller reads them through GET /me "
        "(a token belongs to one agency, so there is nothing else to list)"
    ),
    ("post", "/invitations"): (
        "an invitation is a single-use link emailed to one person; once accepted the person "
        "is listed in GET /members (pending invitations are managed on the members page)"
    ),
    ("post", "/invitations/{token}/accept"): (
        "accepting creates a membership, listed in GET /members; the token it answers with "
        "is shown once"
    ),
    ("post", "/reviews/{review_id}/comments"): (
        "comments are listed inside their review: GET /reviews/{review_id} answers them all "
        "(the ones the caller may see)"
    ),
    ("post", "/agency/deletion"): (
        "an agency has at most one scheduled deletion: GET /agency/deletion reads it"
    ),
    ("post", "/brands/{brand_id}/exports"): (
        "a brand's exports are the agency's exports with a scope: GET /exports lists them "
        "and GET /exports/{export_id} reads one"
    ),
}

# (method, path) of a creating operation → why it has no read of its own.
NO_READ: dict[tuple[str, str], str] = {
    ("post", "/agency/deletion"): "the one scheduled deletion is read at GET /agency/deletion",
    ("post", "/signup"): "the new agency and owner are read through GET /me",
    ("post", "/tokens"): (
        "a token is shown once, when created; GET /tokens lists it by prefix, and nothing "
        "may read the secret back"
    ),
    ("post", "/invitations"): "the invitation's link is a secret of its invitee; see NO_LIST",
    ("post", "/invitations/{token}/accept"): (
        "the new membership is read through GET /me with the token it answers"
    ),
    ("post", "/goals/{goal_id}/checkins"): (
        "check-ins are dated values of their goal: listed inside it, GET /goals/{goal_id}/checkins"
    ),
    ("post", "/plans/{plan_id}/revisions"): (
        "revisions are listed inside their plan (GET /plans/{plan_id}/revisions) and read "
        "with it, GET /plans/{plan_id}?revision=<number>"
    ),
    ("post", "/reviews/{review_id}/comments"): (
        "comments are part of their review: GET /reviews/{review_id} lists them"
    ),
    ("post", "/brands/{brand_id}/assessments"): (
        "assessments are only added, never changed: GET /brands/{brand_id}/assessments lists "
        "them (?member_id=&skill=) and GET /brands/{brand_id}/team/{member_id} reads the latest"
    ),
}

# (method, path) of a creating operation → why its list is not paginated.
NOT_PAGINATED: dict[tuple[str, str], str] = {
    ("post", "/plans/{plan_id}/revisions"): (
        "a plan has a handful of revisions, one per submission: the list is whole"
    ),
}


def _document(client) -> dict[str, Any]:
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def _resolve(doc: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    while schema and "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _ok_schema(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    ok = op.get("responses", {}).get("200", {})
    return _resolve(doc, ok.get("content", {}).get("application/json", {}).get("schema"))


def _has_id(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    return _resolve(doc, schema.get("properties", {}).get("id")).get("type") == "integer"


def creating_operations(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        ("post", path)
        for path, ops in doc["paths"].items()
        if "post" in ops and CREATED & set(ops["post"].get("responses", {}))
    )


def list_problem(doc: dict[str, Any], path: str) -> str | None:
    """What is wrong with the list of the collection at ``path`` (None: nothing)."""
    op = doc["paths"].get(path, {}).get("get")
    if op is None:
        return f"no GET {path} lists what POST {path} creates"
    schema = _ok_schema(doc, op)
    data = _resolve(doc, schema.get("properties", {}).get("data"))
    if data.get("type") != "array":
        return f"GET {path} does not answer {{'data': [...]}}"
    if not _has_id(doc, _resolve(doc, data.get("items"))):
        return f"the items of GET {path} carry no integer id"
    return None


def pagination_problem(doc: dict[str, Any], path: str) -> str | None:
    op = doc["paths"].get(path, {}).get("get") or {}
    params = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
    if not {"page", "per_page"} <= params:
        return f"GET {path} takes no page and per_page"
    if "meta" not in _ok_schema(doc, op).get("properties", {}):
        return f"GET {path} answers no pagination meta"
    return None


def read_paths(doc: dict[str, Any], path: str) -> list[str]:
    """The single-resource GETs for the collection at ``path``."""
    collection = path.rstrip("/").rsplit("/", 1)[-1]
    if collection.startswith("{"):
        return []
    shapes = (
        re.compile(rf"^/{re.escape(collection)}/\{{[a-z_]+\}}$"),
        re.compile(rf"^{re.escape(path)}/\{{[a-z_]+\}}$"),
    )
    return sorted(
        p
        for p, ops in doc["paths"].items()
        if "get" in ops
        and any(s.match(p) for s in shapes)
        and _has_id(doc, _ok_schema(doc, ops["get"]))
    )


def completeness_problems(doc: dict[str, Any]) -> list[str]:
    """Every creatable resource that cannot be listed and read, exemptions aside."""
    problems = []
    for key in creating_operations(doc):
        _method, path = key
        if key not in NO_LIST:
            problem = list_problem(doc, path)
            if problem is None and key not in NOT_PAGINATED:
                problem = pagination_problem(doc, path)
            if problem:
                problems.append(problem)
        if key not in NO_READ and not read_paths(doc, path):
            collection = path.rsplit("/", 1)[-1]
            problems.append(f"no GET /{collection}/{{id}} reads what POST {path} creates")
    return problems


def test_every_created_resource_can_be_listed_and_read(client):
    assert completeness_problems(_document(client)) == []


def test_the_walk_sees_the_resources_it_should(client):
    """A walk that found nothing would pass; make sure it finds what we know is there."""
    creating = set(creating_operations(_document(client)))
    assert {
        ("post", "/brands"),
        ("post", "/brands/{brand_id}/goals"),
        ("post", "/brands/{brand_id}/audiences"),
        ("post", "/brands/{brand_id}/plans"),
        ("post", "/brands/{brand_id}/reports"),
        ("post", "/plans/{plan_id}/reviews"),
    } <= creating


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("/brands/{brand_id}/reports", "/reports/{report_id}"),
        ("/plans/{plan_id}/reviews", "/reviews/{review_id}"),
        ("/brands", "/brands/{brand_id}"),
    ],
)
def test_reports_and_reviews_are_listed_paginated_and_read(client, path, read):
    doc = _document(client)
    assert list_problem(doc, path) is None
    assert pagination_problem(doc, path) is None
    assert read_paths(doc, path) == [read]


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (("/brands/{brand_id}/reports", "get"), "no GET /brands/{brand_id}/reports lists"),
        (("/reviews/{review_id}", "get"), "no GET /reviews/{id} reads"),
        (("/plans/{plan_id}/reviews", "get"), "no GET /plans/{plan_id}/reviews lists"),
    ],
)
def test_the_walk_fails_when_a_list_or_read_goes_missing(client, remove, expected):
    doc = copy.deepcopy(_document(client))
    path, method = remove
    del doc["paths"][path][method]
    problems = completeness_problems(doc)
    assert any(p.startswith(expected) for p in problems), problems


def test_the_walk_fails_when_a_list_loses_its_pagination(client):
    doc = copy.deepcopy(_document(client))
    op = doc["paths"]["/brands/{brand_id}/reports"]["get"]
    op["parameters"] = [p for p in op["parameters"] if p["name"] != "per_page"]
    assert "GET /brands/{brand_id}/reports takes no page and per_page" in (
        completeness_problems(doc)
    )


def test_every_exemption_names_a_creating_operation_and_is_still_needed(client):
    doc = _document(client)
    creating = set(creating_operations(doc))
    for table in (NO_LIST, NO_READ, NOT_PAGINATED):
        for key, reason in table.items():
            assert key in creating, f"{key} is exempt but creates nothing (any more?)"
            assert len(reason) > 20, f"{key}: say why it is exempt"
    for key in NO_LIST:
        assert list_problem(doc, key[1]) is not None, f"{key} has a list now: drop its exemption"
    for key in NO_READ:
        assert not read_paths(doc, key[1]), f"{key} can be read now: drop its exemption"
    for key in NOT_PAGINATED:
        assert pagination_problem(doc, key[1]) is not None, f"{key} pages now: drop it"
