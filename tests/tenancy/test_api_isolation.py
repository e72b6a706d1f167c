"""Does the API answer "not found" — in its JSON error shape — for every other tenant's id?

Another tenant's object must be indistinguishable from one that does not exist (404, not
403), so ids cannot be probed.  Every API rule with an id argument is discovered from the
url_map, as in the isolation matrix.
"""

from __future__ import annotations

import pytest

from tests.tenancy._matrix import (
    CAPABILITY_ARGUMENTS,
    ID_ARGUMENTS,
    Matrix,
    api_body_model,
    build_url,
    discover,
    routes_only_app,
    sample_json,
    snapshot,
)

API_ROUTES = [r for r in discover(routes_only_app()) if r.is_api]
ID_ROUTES = [r for r in API_ROUTES if ID_ARGUMENTS.intersection(r.arguments)]
BRAND_GETS = [r for r in ID_ROUTES if "brand_id" in r.arguments and r.method == "GET"]
# The control below can only succeed where the brand is the one row the URL names: a nested
# row (``/brands/{brand_id}/team/{member_id}``) is seeded in Alpha's other brand, so it is
# foreign to both controls by construction.
BRAND_ONLY_GETS = [r for r in BRAND_GETS if ID_ARGUMENTS.intersection(r.arguments) == {"brand_id"}]
TOKEN_ROUTES = [r for r in API_ROUTES if CAPABILITY_ARGUMENTS.intersection(r.arguments)]


@pytest.fixture
def matrix(client, login_as, alpha, bravo) -> Matrix:
    return Matrix(client, login_as, alpha, bravo)


def _call(matrix: Matrix, route, token: str, brand_id: int):
    url = build_url(route, matrix.targets.values(brand_id=brand_id))
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if route.method != "GET":
        kwargs["json"] = sample_json(api_body_model(route)[1], brand_id)
    return url, matrix.client.open(url, method=route.method, **kwargs)


def _error(resp) -> dict:
    body = resp.get_json(silent=True)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), resp.get_data(
        as_text=True
    )
    assert set(body["error"]) >= {"code", "message", "fields"}, body
    return body["error"]


def test_api_has_routes_with_ids():
    assert any("brand_id" in r.arguments for r in ID_ROUTES)


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_bravo_token_gets_not_found_for_alpha_ids(matrix: Matrix, route):
    url, resp = _call(matrix, route, matrix.bravo.tokens["owner"], matrix.targets.brand_id)
    assert resp.status_code == 404, (
        f"{route.method} {url}: {resp.status_code} {resp.get_data(as_text=True)}"
    )
    assert _error(resp)["code"] == "not_found"
    assert snapshot(matrix.alpha.agency.id) == matrix.before


@pytest.mark.parametrize("route", BRAND_GETS, ids=str)
def test_client_leader_token_gets_not_found_for_a_brand_outside_their_scope(matrix: Matrix, route):
    url, resp = _call(matrix, route, matrix.alpha.tokens["leader"], matrix.targets.other_brand_id)
    assert resp.status_code == 404, f"{route.method} {url}: {resp.status_code}"
    assert _error(resp)["code"] == "not_found"
    assert "Alpha Brand Two" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("route", BRAND_ONLY_GETS, ids=str)
def test_the_same_request_for_own_brand_succeeds(matrix: Matrix, route):
    """The control: the 404s above come from tenancy, not from a broken route."""
    bravo = matrix.bravo
    url, resp = _call(matrix, route, bravo.tokens["owner"], bravo.brand.id)
    assert resp.status_code == 200, f"{route.method} {url}: {resp.status_code}"
    url, resp = _call(matrix, route, matrix.alpha.tokens["leader"], matrix.targets.brand_id)
    assert resp.status_code == 200, f"{route.method} {url}: {resp.status_code}"


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=str)
def test_random_capability_token_is_not_found_or_gone(matrix: Matrix, route):
    url, resp = _call(matrix, route, matrix.bravo.tokens["owner"], matrix.targets.brand_id)
    assert resp.status_code in (404, 410), f"{route.method} {url}: {resp.status_code}"
    assert _error(resp)["code"] in ("not_found", "gone")
