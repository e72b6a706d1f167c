"""Can anyone outside Alpha see or change Alpha's data through any route at all?

Every (rule, method) of ``app.url_map`` is requested by three actors, with Alpha's ids
substituted into the URL:

* ``bravo-owner-web``: Bravo's owner signed in through the browser (a real POST /login);
* ``bravo-owner-api``: Bravo's owner with a bearer token;
* ``alpha-leader-other-brand``: Alpha's client leader (brand One only) on URLs naming
  Alpha's *other* brand — session for web routes, the leader's token for API routes.

A route answers well when it never fails with a 5xx, never succeeds on an object the actor
must not reach, never shows one of Alpha's marker strings, and leaves Alpha's rows as they
were.  See ``_matrix.py`` for the substitutions and the checks.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

import tenants.scoping
from tests.tenancy._matrix import (
    ACTORS,
    ALPHA_MARKERS,
    SKIPPED_ENDPOINTS,
    Matrix,
    Route,
    api_body_model,
    discover,
    routes_only_app,
    sample_json,
    unknown_arguments,
)

ROUTES = discover(routes_only_app())


@pytest.fixture
def matrix(client, login_as, alpha, bravo) -> Matrix:
    return Matrix(client, login_as, alpha, bravo)


@pytest.mark.parametrize(
    ("route", "actor"),
    [pytest.param(r, a, id=f"{a}:{r.method} {r.rule}") for r in ROUTES for a in ACTORS],
)
def test_route_neither_shows_nor_changes_alpha_data(matrix: Matrix, route: Route, actor: str):
    problems = matrix.probe(route, actor)
    assert problems == []
    now, before = matrix.rows_now_and_before(actor)
    assert now == before, f"{actor} {route} changed Alpha's rows"


def test_matrix_actors_really_reach_their_own_data(matrix: Matrix):
    """The control: the matrix's 404s come from tenancy, not from an actor left signed out."""
    route = next(r for r in ROUTES if r.rule == "/brands/<int:brand_id>" and r.method == "GET")
    bravo, alpha = matrix.bravo, matrix.alpha
    own = {
        "bravo-owner-web": (bravo.brand.id, "Bravo Brand One"),
        "alpha-leader-other-brand": (alpha.brand.id, "Alpha Brand One"),
    }
    for actor_name, (brand_id, name) in own.items():
        actor = matrix.actor(actor_name)
        actor.brand_id = brand_id
        _, resp = matrix.request(route, actor)
        assert resp.status_code == 200, (actor_name, resp.status_code)
        assert name in resp.get_data(as_text=True)
    resp = matrix.client.get(
        "/api/v1/brands", headers={"Authorization": f"Bearer {bravo.tokens['owner']}"}
    )
    assert resp.status_code == 200 and "Bravo Brand One" in resp.get_data(as_text=True)


def test_matrix_covers_exactly_the_apps_routes(app):
    """Is the list collected at import time the real app's url_map, nothing left out?"""
    assert discover(app) == ROUTES
    assert {r.endpoint for r in ROUTES}.isdisjoint(SKIPPED_ENDPOINTS)
    assert any(r.rule == "/brands/<int:brand_id>" for r in ROUTES)


def test_every_route_argument_is_known_to_the_matrix():
    """A new route argument must be taught to the matrix, not silently skipped."""
    unknown = {str(r): sorted(unknown_arguments(r)) for r in ROUTES if unknown_arguments(r)}
    assert unknown == {}, (
        "Add these route arguments to tests/tenancy/_matrix.py (ID_ARGUMENTS with an Alpha "
        f"row in seed_alpha, or PLAIN_ARGUMENTS with a reason): {unknown}"
    )


def test_object_ids_in_routes_use_the_int_converter():
    """Ids are ``<int:...>``: a malformed id is a 404 from the router, not a view's problem."""
    loose = [
        str(r)
        for r in ROUTES
        for arg in r.arguments
        if arg.endswith("_id") and arg not in r.int_arguments
    ]
    assert loose == []


def test_matrix_builds_a_valid_body_for_every_api_operation():
    """A body the API rejects (422) would stop the matrix before the object is looked up."""
    problems = []
    for route in ROUTES:
        if not route.is_api or route.method == "GET":
            continue
        declared, model = api_body_model(route)
        if not declared:
            problems.append(f"{route}: not declared with @endpoint (no OpenAPI operation)")
        elif model is not None:
            try:
                model.model_validate(sample_json(model, brand_id=1))
            except Exception as exc:  # noqa: BLE001 - report every model at once
                problems.append(f"{route}: teach _matrix.sample_json its body: {exc}")
    assert problems == []


LEAK_PROBES = [
    ("GET", "/brands/<int:brand_id>", "bravo-owner-web"),
    ("GET", "/api/v1/brands/<int:brand_id>", "bravo-owner-api"),
]


@pytest.mark.parametrize(("method", "rule", "actor"), LEAK_PROBES)
def test_matrix_reports_a_leak_when_the_central_tenant_criteria_are_gone(
    matrix: Matrix, method: str, rule: str, actor: str
):
    """Would the matrix notice? Without the criteria listener, Bravo must see Alpha's brand."""
    found = [r for r in ROUTES if r.rule == rule and r.method == method]
    assert found, f"{method} {rule} does not exist yet"
    route = found[0]
    assert matrix.probe(route, actor) == [], "the route must hold while the criteria are in place"

    listener = tenants.scoping._add_tenant_criteria
    event.remove(Session, "do_orm_execute", listener)
    try:
        problems = matrix.probe(route, actor)
    finally:
        event.listen(Session, "do_orm_execute", listener)
    assert event.contains(Session, "do_orm_execute", listener)
    assert any("success on an object" in p for p in problems), problems
    assert any(m in " ".join(problems) for m in ALPHA_MARKERS), problems
