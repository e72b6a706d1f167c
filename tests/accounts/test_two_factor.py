"""Two-factor sign-in: set up with an authenticator app, then a code after the password."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from saas.extensions import db
from saas.models import RecoveryCode, User
from tests.accounts.helpers import (
    RECOVERY,
    SECRET,
    URI,
    code,
    enable_two_factor,
    set_up_signed_in,
    signed_in_user_id,
    text,
)
from tests.auth.helpers import audit_actions
from tests.factories import PASSWORD


def _password(client, email: str, **kw):
    return client.post("/login", data={"email": email, "password": PASSWORD}, **kw)


def test_owner_sets_up_two_factor_and_the_secret_is_shown_only_while_setting_up(
    client, alpha, login_as
):
    user_id, agency_id = alpha.owner.user_id, alpha.agency.id
    login_as(alpha.owner)
    page = text(client.get("/settings/two-factor"))
    assert "Two-factor sign-in is off" in page
    assert client.post("/settings/two-factor/start").status_code == 303
    setup = client.get("/settings/two-factor")
    assert setup.headers["Cache-Control"] == "no-store"
    page = setup.get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    assert len(secret.split(" ")[0]) == 4  # in groups of four, to type by hand
    uri = URI.search(page).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/Tandem:owner%40alpha.test?")
    assert f"secret={secret.replace(' ', '')}" in uri and "issuer=Tandem" in uri

    wrong = client.post("/settings/two-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not right" in text(wrong)
    db.session.expire_all()
    assert db.session.get(User, user_id).totp_enabled_at is None

    resp = client.post("/settings/two-factor/confirm", data={"code": code(secret.replace(" ", ""))})
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    page = text(resp)
    assert "shown only now" in page
    shown = set(RECOVERY.findall(page))
    assert len(shown) == 10
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user_id)
    ).all()
    assert len(stored) == 10
    assert not shown & set(stored)  # only hashes are kept
    assert all(c.replace("-", "") not in stored for c in shown)

    again = client.get("/settings/two-factor").get_data(as_text=True)
    assert "Two-factor sign-in is on" in again
    assert secret not in again and secret.replace(" ", "") not in again
    assert "10 unused recovery codes left." in again
    assert "account.two_factor_enabled" in audit_actions(agency_id)


def test_password_alone_does_not_sign_in_a_person_with_two_factor(client, alpha):
    secret, _codes = enable_two_factor(client, "consultant@alpha.test")
    resp = _password(client, "consultant@alpha.test")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login/two-factor"
    assert signed_in_user_id(client) is None
    # Half signed in reaches nothing.
    assert client.get("/").status_code == 302
    assert client.get("/settings/profile").headers["Location"].startswith("/login")
    page = client.get("/login/two-factor")
    assert page.status_code == 200
    assert "Enter your code" in text(page)

    wrong = client.post("/login/two-factor", data={"code": "123456"})
    assert wrong.status_code == 401
    assert "That code is not right" in text(wrong)
    assert signed_in_user_id(client) is None

    ok = client.post("/login/two-factor", data={"code": code(secret, 1)})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert signed_in_user_id(client).startswith(f"{alpha.consultant.user_id}:")
    assert client.get("/").status_code == 200
    actions = audit_actions(alpha.agency.id)
    assert actions[-3:] == ["auth.password_verified", "auth.two_factor_failed", "auth.login"]


def test_next_path_survives_the_code_step(client, alpha):
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    client.post(
        "/login",
        data={"email": "owner@alpha.test", "password": PASSWORD, "next": "/settings/profile"},
    )
    ok = client.post("/login/two-factor", data={"code": code(secret, 1)})
    assert ok.headers["Location"] == "/settings/profile"


def test_a_code_cannot_be_used_twice(client, alpha):
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    used = code(secret, 1)
    _password(client, "owner@alpha.test")
    assert client.post("/login/two-factor", data={"code": used}).status_code == 302
    client.post("/logout")
    _password(client, "owner@alpha.test")
    assert client.post("/login/two-factor", data={"code": used}).status_code == 401
    assert signed_in_user_id(client) is None


def test_a_recovery_code_signs_in_once(client, alpha):
    _secret, codes = enable_two_factor(client, "owner@alpha.test")
    _password(client, "owner@alpha.test")
    resp = client.post("/login/two-factor", data={"code": codes[0].upper()})
    assert resp.status_code == 302
    assert signed_in_user_id(client) is not None
    assert "9 unused recovery codes left." in text(client.get("/settings/two-factor"))
    client.post("/logout")
    _password(client, "owner@alpha.test")
    assert client.post("/login/two-factor", data={"code": codes[0]}).status_code == 401
    assert client.post("/login/two-factor", data={"code": codes[1]}).status_code == 302


def test_wrong_codes_are_rate_limited(client, alpha, db_app):
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    saved = db_app.config.get("LOGIN_LIMIT_PER_ACCOUNT")
    db_app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    try:
        _password(client, "owner@alpha.test")
        for _ in range(3):
            assert client.post("/login/two-factor", data={"code": "111111"}).status_code == 401
        blocked = client.post("/login/two-factor", data={"code": code(secret, 1)})
        assert blocked.status_code == 429
        assert "Too many attempts" in text(blocked)
        assert signed_in_user_id(client) is None
    finally:
        db_app.config["LOGIN_LIMIT_PER_ACCOUNT"] = saved


def test_a_half_finished_sign_in_expires(client, alpha):
    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    _password(client, "owner@alpha.test")
    with client.session_transaction() as sess:
        sess["two_factor_pending"] = {**sess["two_factor_pending"], "until": 1}
    resp = client.post("/login/two-factor", data={"code": code(secret, 1)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert signed_in_user_id(client) is None


def test_magic_link_also_asks_for_the_code(client, alpha, run_jobs):
    from tests.accounts.helpers import enable_two_factor as enable
    from tests.auth.helpers import MAGIC_LINK, delivered_link

    leader_id = alpha.leader.user_id  # read now: run_jobs() expires what the test holds
    secret, _codes = enable(client, "leader@alpha.test")
    client.post("/login/link", data={"email": "leader@alpha.test"})
    run_jobs()
    path = delivered_link("leader@alpha.test", MAGIC_LINK)
    resp = client.post(path)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login/two-factor"
    assert signed_in_user_id(client) is None
    assert client.post("/login/two-factor", data={"code": code(secret, 1)}).status_code == 302
    assert signed_in_user_id(client).startswith(f"{leader_id}:")
    assert "auth.magic_link_used" in audit_actions(alpha.agency.id)


def test_turning_off_needs_a_code_or_the_password(client, alpha, login_as):
    user_id, agency_id = alpha.owner.user_id, alpha.agency.id
    login_as(alpha.owner)
    secret, _codes = set_up_signed_in(client)
    refused = client.post("/settings/two-factor/disable", data={"code": "", "password": "nope"})
    assert refused.status_code == 422
    assert "Enter a current code from your app, or your password." in text(refused)
    ok = client.post("/settings/two-factor/disable", data={"password": PASSWORD})
    assert ok.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.totp_enabled_at is None and user.totp_secret is None
    assert (
        db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    )
    client.post("/logout")
    assert _password(client, "owner@alpha.test").headers["Location"] == "/"
    assert "account.two_factor_disabled" in audit_actions(agency_id)
    assert pyotp.TOTP(secret).now()  # the old secret is simply forgotten


def test_api_token_exchange_needs_the_code_too(client, alpha, api):
    secret, codes = enable_two_factor(client, "owner@alpha.test")
    body = {"email": "owner@alpha.test", "password": PASSWORD}
    refused = api(None).post("/api/v1/tokens", json=body)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "two_factor_required"
    ok = api(None).post("/api/v1/tokens", json={**body, "code": codes[0]})
    assert ok.status_code == 201
    token = ok.get_json()["token"]
    assert api(token).get("/api/v1/me").status_code == 200
    # Tokens made before keep working: they are the API's second factor.
    assert api(alpha.tokens["owner"]).get("/api/v1/me").status_code == 200


def test_a_password_reset_still_asks_for_the_code(client, alpha, run_jobs):
    from tests.auth.helpers import RESET_LINK, delivered_link

    secret, _codes = enable_two_factor(client, "owner@alpha.test")
    client.post("/password/forgot", data={"email": "owner@alpha.test"})
    run_jobs()
    path = delivered_link("owner@alpha.test", RESET_LINK)
    new = "a brand new long password"
    resp = client.post(path, data={"password": new, "confirm": new})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login/two-factor"
    assert signed_in_user_id(client) is None
    assert client.post("/login/two-factor", data={"code": code(secret, 1)}).status_code == 302
    assert signed_in_user_id(client) is not None


def test_accepting_an_invitation_by_api_needs_the_code_too(client, alpha, bravo, api):
    from saas.services import invitations as invitation_service
    from tenants.context import tenant_scope

    secret, _codes = enable_two_factor(client, "consultant@bravo.test")
    with tenant_scope(alpha.agency.id):
        _inv, raw = invitation_service.invite(
            alpha.owner, "consultant@bravo.test", "client_team", [alpha.brand.id]
        )
    db.session.commit()
    url = f"/api/v1/invitations/{raw}/accept"
    refused = api(None).post(url, json={"password": PASSWORD})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "two_factor_required"
    ok = api(None).post(url, json={"password": PASSWORD, "code": code(secret, 1)})
    assert ok.status_code == 201


def test_new_recovery_codes_replace_the_old_ones(client, alpha, login_as):
    login_as(alpha.owner)
    secret, old = set_up_signed_in(client)
    resp = client.post("/settings/two-factor/recovery-codes", data={"codes-code": code(secret, 1)})
    assert resp.status_code == 200
    new = RECOVERY.findall(resp.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    _password(client, "owner@alpha.test")
    assert client.post("/login/two-factor", data={"code": old[0]}).status_code == 401
    assert client.post("/login/two-factor", data={"code": new[0]}).status_code == 302
