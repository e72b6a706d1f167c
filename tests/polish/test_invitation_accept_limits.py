"""Accepting an invitation through the API is rate limited, per link and per address, so a
leaked link cannot be used to guess the invitee's password."""

from __future__ import annotations

import secrets

from saas.extensions import db
from saas.services import invitations as invitation_service
from tenants.context import tenant_scope
from tests import factories
from tests.factories import PASSWORD

WRONG = {"password": "not the password at all"}


def _existing_person(world):
    """Someone with an account elsewhere (``.test`` addresses do not pass validation)."""
    n = next(factories._seq)
    member = factories.member(world.agency, "client_team", factories.user(f"limit{n}@example.com"))
    db.session.commit()
    return member.user


def _invite(world, email: str) -> str:
    with tenant_scope(world.agency.id):
        _inv, raw = invitation_service.invite(world.owner, email, "client_team", [world.brand.id])
    return raw


def _accept(api, token: str, body: dict):
    return api(None).post(f"/api/v1/invitations/{token}/accept", json=body)


def test_guessing_the_password_through_one_link_stops_after_ten_tries(alpha, bravo, api):
    person = _existing_person(bravo)
    raw = _invite(alpha, person.email)

    codes = [_accept(api, raw, WRONG).status_code for _ in range(11)]

    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    blocked = _accept(api, raw, {"password": PASSWORD})  # even the right password waits
    assert blocked.status_code == 429
    error = blocked.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"]


def test_a_locked_link_does_not_lock_other_invitations(alpha, bravo, api):
    person = _existing_person(bravo)
    locked = _invite(alpha, person.email)
    for _ in range(11):
        _accept(api, locked, WRONG)

    other = _invite(alpha, "fresh.person@example.com")
    resp = _accept(api, other, {"name": "Fresh Person", "password": "a long enough password"})

    assert resp.status_code == 201
    assert resp.get_json()["token"].startswith("tdm_")


def test_one_address_trying_many_links_is_stopped(alpha, api):
    body = {"name": "N", "password": "a long enough password"}

    codes = [_accept(api, secrets.token_urlsafe(16), body).status_code for _ in range(31)]

    assert codes[:30] == [404] * 30
    assert codes[30] == 429
    assert _accept(api, secrets.token_urlsafe(16), body).get_json()["error"]["code"] == (
        "rate_limited"
    )


def test_openapi_documents_the_rate_limit(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["paths"]["/invitations/{token}/accept"]["post"]["responses"]

    assert "429" in responses
