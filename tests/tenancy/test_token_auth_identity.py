"""Token authentication loads nothing as objects before the tenant scope is set, so no row
read without the tenant criteria can survive into the request (the reason ``authenticate``
reads columns only, and still calls ``expunge_all``)."""

from __future__ import annotations

import pytest

from saas.api import base
from saas.extensions import db


@pytest.fixture
def scope_entries(monkeypatch):
    """What the session holds each time the API enters a tenant scope."""
    seen: list[list[str]] = []
    real = base.enter_scope

    def spy(agency_id: int, user_id: int):  # type: ignore[no-untyped-def]
        seen.append([type(obj).__name__ for obj in db.session.identity_map.values()])
        return real(agency_id, user_id)

    monkeypatch.setattr(base, "enter_scope", spy)
    return seen


def test_nothing_is_loaded_before_the_scope_is_set(client, alpha, scope_entries, monkeypatch):
    # Something reads a row as an object before the scope is set, as an earlier hook
    # might: it must not be in the session when the tenant scope starts.
    user_model, user_id, real_hash = type(alpha.owner.user), alpha.owner.user_id, base.hash_token

    kept = []  # the identity map holds objects weakly: keep this one alive

    def hash_after_a_read(raw: str) -> str:
        kept.append(db.session.get(user_model, user_id))
        return real_hash(raw)

    monkeypatch.setattr(base, "hash_token", hash_after_a_read)
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {alpha.tokens['team']}"})
    assert resp.status_code == 200
    assert scope_entries == [[]]


def test_a_revoked_token_or_inactive_user_is_refused_in_the_one_query(client, alpha):
    from tenants.context import tenant_scope

    with tenant_scope(alpha.agency.id):
        alpha.team.user.is_active_user = False
        db.session.commit()
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {alpha.tokens['team']}"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"
