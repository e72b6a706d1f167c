"""JSON nested deeper than 32 levels is a 400, not a RecursionError (issue 7, item 4)."""

from __future__ import annotations

import json

import pytest

MAX_JSON_DEPTH = 32
DEEP = b"[" * 50_000


@pytest.mark.parametrize(
    "path", ["/api/v1/signup", "/api/v1/tokens", "/api/v1/invitations/some-token/accept"]
)
def test_50000_nested_arrays_are_a_400_on_signed_out_endpoints(client, path):
    resp = client.post(path, data=DEEP, content_type="application/json")

    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "too_deep"
    assert set(error) == {"code", "message", "fields"}


def test_deep_nesting_inside_an_object_is_refused_too(alpha, api):
    body = '{"name": ' + "[" * 40 + "]" * 40 + "}"
    resp = api(alpha.tokens["owner"]).post(
        "/api/v1/brands", data=body, content_type="application/json"
    )
    assert resp.status_code == 400


def test_32_levels_are_still_parsed(alpha, api):
    body = {"name": json.loads("[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1))}
    resp = api(alpha.tokens["owner"]).post("/api/v1/brands", json=body)
    assert resp.status_code == 422  # parsed, then refused by the schema: name is a string


def test_deep_json_to_a_web_page_is_a_400_page(client):
    resp = client.post("/login", data=DEEP, content_type="application/json")
    assert resp.status_code == 400


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("{}", False),
        ("[[[]]]", False),
        ('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', False),  # brackets in a string
        ('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}', False),  # escaped quotes
        ("[" * 32 + "]" * 32, False),
        ("[" * 33 + "]" * 33, True),
        ("[{" * 17 + "}]" * 17, True),
        ("[" + "[]," * 10_000 + "[]]", False),
        ("[" * 33, True),
        ('{"a": 1,', False),  # malformed, but shallow: json.loads says so
        ("]]]" + "[" * 5, False),
        ("[" * 20 + "[]" * 3 + "[" * 20, True),
    ],
)
def test_depth_scan(text, deep):
    from saas.web.edge import json_too_deep

    assert json_too_deep(text.encode()) is deep


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (b"[" * (4 * 1024 * 1024), True),
        (b"[" * (2 * 1024 * 1024) + b"]" * (2 * 1024 * 1024), True),
        (b"[" + b'"x\\"[",' * 500_000 + b"1]", False),
        (("[" * 32 + "]" * 32 + ",").encode() * 60_000, False),
    ],
    ids=["4MB-open", "4MB-balanced", "strings-with-brackets", "many-32-deep"],
)
def test_depth_scan_answers_right_on_4_mb_bodies(body, deep):
    """Right on bodies at the size limit; how fast it is, beside ``json.loads``, is
    ``bench/json_depth.py`` (tests don't time)."""
    from saas.web.edge import json_too_deep

    assert json_too_deep(body) is deep
