"""Personal access tokens over the API: exchange a password, list, revoke, rate limits."""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.models import ApiToken, AuditEvent
from tenants.context import tenant_scope
from tests import factories
from tests.factories import PASSWORD


def _exchange(client, email, password=PASSWORD, **extra):
    return client.post("/api/v1/tokens", json={"email": email, "password": password, **extra})


def test_good_credentials_give_a_token_for_the_users_agency(client, api, alpha):
    resp = _exchange(client, "Owner@Alpha.test", name="Reporting script")

    assert resp.status_code == 201
    body = resp.get_json()
    assert body["name"] == "Reporting script"
    assert body["prefix"] == body["token"][:8]
    me = api(body["token"]).get("/api/v1/me").get_json()
    assert me["user"]["email"] == "owner@alpha.test"
    assert me["agency"]["id"] == alpha.agency.id
    with tenant_scope(alpha.agency.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.created"))
    assert event.actor_email == "owner@alpha.test"
    assert event.object_label == "Reporting script"


def test_wrong_password_is_401_invalid_credentials(client, alpha):
    resp = _exchange(client, "owner@alpha.test", "wrong password here")

    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_credentials"


def test_unknown_email_is_401_with_the_same_answer(client, alpha):
    known = _exchange(client, "owner@alpha.test", "wrong password here").get_json()
    unknown = _exchange(client, "nobody@alpha.test").get_json()

    assert unknown == known


def test_token_name_longer_than_80_characters_is_422(client, alpha):
    resp = _exchange(client, "owner@alpha.test", name="x" * 81)

    assert resp.status_code == 422
    assert "name" in resp.get_json()["error"]["fields"]


def test_member_of_two_agencies_can_choose_the_agency(client, api, alpha, bravo):
    factories.member(bravo.agency, "consultant", u=alpha.owner.user)
    db.session.commit()

    default = _exchange(client, "owner@alpha.test").get_json()["token"]
    chosen = _exchange(client, "owner@alpha.test", agency_id=bravo.agency.id).get_json()["token"]

    assert api(default).get("/api/v1/me").get_json()["agency"]["id"] == alpha.agency.id
    bravo_me = api(chosen).get("/api/v1/me").get_json()
    assert bravo_me["agency"]["id"] == bravo.agency.id
    assert bravo_me["role"] == "consultant"


def test_asking_for_an_agency_one_is_not_a_member_of_is_refused(client, alpha, bravo):
    resp = _exchange(client, "owner@alpha.test", agency_id=bravo.agency.id)

    assert resp.status_code == 422
    assert "agency_id" in resp.get_json()["error"]["fields"]


def test_repeated_failures_for_one_email_are_rate_limited_with_json(client, alpha):
    codes = [
        _exchange(client, "owner@alpha.test", "wrong password here").status_code for _ in range(6)
    ]

    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    resp = _exchange(client, "owner@alpha.test")  # even the right password waits
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    # Another account from the same address is not locked out by this one.
    assert _exchange(client, "consultant@alpha.test").status_code == 201


def test_many_attempts_from_one_address_are_rate_limited(client, alpha):
    codes = {_exchange(client, f"nobody{i}@alpha.test").status_code for i in range(31)}

    assert codes == {401, 429}


def test_list_shows_only_my_active_tokens(client, api, alpha):
    mine = _exchange(client, "team@alpha.test", name="Mine").get_json()
    _exchange(client, "leader@alpha.test", name="Someone else's")

    resp = api(alpha.tokens["team"]).get("/api/v1/tokens")

    assert resp.status_code == 200
    body = resp.get_json()
    names = [t["name"] for t in body["data"]]
    assert sorted(names) == ["Mine", "test"]
    assert body["meta"]["total"] == 2
    item = next(t for t in body["data"] if t["id"] == mine["id"])
    assert set(item) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert "token" not in item and "token_hash" not in item


def test_revoked_token_is_401_on_me(client, api, alpha):
    new = _exchange(client, "consultant@alpha.test", name="Laptop").get_json()

    resp = api(alpha.tokens["consultant"]).delete(f"/api/v1/tokens/{new['id']}")

    assert resp.status_code == 204
    me = api(new["token"]).get("/api/v1/me")
    assert me.status_code == 401
    assert me.get_json()["error"]["code"] == "invalid_token"
    assert api(alpha.tokens["consultant"]).get("/api/v1/me").status_code == 200
    with tenant_scope(alpha.agency.id):
        revoked = db.session.scalar(select(ApiToken).where(ApiToken.id == new["id"]))
        assert revoked.revoked_at is not None
        assert (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "token.revoked")
            ).object_id
            == new["id"]
        )


def test_a_token_can_revoke_itself(client, api, alpha):
    new = _exchange(client, "leader@alpha.test").get_json()

    assert api(new["token"]).delete(f"/api/v1/tokens/{new['id']}").status_code == 204
    assert api(new["token"]).get("/api/v1/tokens").status_code == 401


def test_revoking_another_users_token_is_404_and_it_keeps_working(client, api, alpha):
    theirs = _exchange(client, "leader@alpha.test").get_json()

    resp = api(alpha.tokens["owner"]).delete(f"/api/v1/tokens/{theirs['id']}")

    assert resp.status_code == 404
    assert api(theirs["token"]).get("/api/v1/me").status_code == 200


def test_revoking_another_agencys_token_is_404(client, api, alpha, bravo):
    theirs = _exchange(client, "owner@bravo.test").get_json()

    resp = api(alpha.tokens["owner"]).delete(f"/api/v1/tokens/{theirs['id']}")

    assert resp.status_code == 404
    assert api(theirs["token"]).get("/api/v1/me").status_code == 200


def test_token_endpoints_need_a_token(client, alpha):
    assert client.get("/api/v1/tokens").status_code == 401
    assert client.delete("/api/v1/tokens/1").status_code == 401
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer tdm_not-a-real-token"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"
