"""Rate limits: sign-in, sign-up, password reset, sign-in links, the second factor and
API-token creation each answer 429 with a clear message after their limit, counted per
account and per IP where that is what stops the abuse.

Issue 14 item 3.  Sign-in per account+IP and per IP is covered in tests/auth/
test_rate_limits.py and tests/security/test_sign_in_abuse.py; this fills the rest.
"""

from __future__ import annotations

import pytest

from tests.accounts.helpers import enable_two_factor
from tests.factories import PASSWORD

TOO_MANY = "Too many attempts. Please wait a few minutes and try again."


def _from(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_sign_up_is_limited_per_ip_with_a_message(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "SIGNUP_LIMIT_PER_IP", "2 per hour")
    ip = _from(db_app, "203.0.113.5")
    for i in range(2):
        data = {
            "agency_name": f"Spam {i}",
            "name": "Spammer",
            "email": f"spam{i}@spam.test",
            "password": "a long enough passphrase",
        }
        assert ip.post("/signup", data=data).status_code in (302, 422)
        ip.post("/logout")
    resp = ip.post("/signup", data={**data, "email": "spam9@spam.test"})
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert TOO_MANY in page and 'action="/signup"' in page or TOO_MANY in page
    # Another address may still sign up.
    other = _from(db_app, "198.51.100.7")
    assert other.post("/signup", data={**data, "email": "fine@ok.test"}).status_code == 302


@pytest.mark.parametrize(
    ("path", "email"),
    [("/password/forgot", "owner@alpha.test"), ("/login/link", "leader@alpha.test")],
)
def test_link_requests_are_limited_per_account_across_ips(db_app, alpha, path, email):
    """Mail bombing one person from many addresses is stopped by the per-account limit."""
    for n in range(3):
        assert (
            _from(db_app, f"203.0.113.{n + 1}").post(path, data={"email": email}).status_code == 200
        )
    resp = _from(db_app, "203.0.113.99").post(path, data={"email": email.upper()})
    assert resp.status_code == 429
    assert TOO_MANY in resp.get_data(as_text=True)


def test_link_requests_are_limited_per_ip_across_accounts(db_app, alpha, monkeypatch):
    monkeypatch.setitem(db_app.config, "LINK_LIMIT_PER_IP", "4 per hour")
    ip = _from(db_app, "203.0.113.50")
    for n in range(4):
        assert ip.post("/password/forgot", data={"email": f"x{n}@nowhere.test"}).status_code == 200
    assert ip.post("/password/forgot", data={"email": "y@nowhere.test"}).status_code == 429


def test_two_factor_codes_are_limited_with_a_message(db_app, alpha, monkeypatch):
    monkeypatch.setitem(db_app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per 15 minutes")
    browser = _from(db_app, "203.0.113.60")
    enable_two_factor(browser, alpha.owner.user.email)
    resp = browser.post("/login", data={"email": alpha.owner.user.email, "password": PASSWORD})
    assert "/login/two-factor" in resp.headers["Location"]
    for _ in range(3):
        assert browser.post("/login/two-factor", data={"code": "000000"}).status_code == 401
    resp = browser.post("/login/two-factor", data={"code": "000000"})
    assert resp.status_code == 429
    assert TOO_MANY in resp.get_data(as_text=True)


def test_the_api_token_exchange_answers_a_json_429(db_app, alpha, monkeypatch):
    monkeypatch.setitem(db_app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")
    ip = _from(db_app, "203.0.113.70")
    for _ in range(2):
        ip.post("/api/v1/tokens", json={"email": "owner@alpha.test", "password": "wrong one here"})
    resp = ip.post("/api/v1/tokens", json={"email": "owner@alpha.test", "password": PASSWORD})
    assert resp.status_code == 429
    error = resp.get_json()["error"]
    assert error["code"] and error["message"]


def test_making_api_tokens_in_settings_is_limited_per_person(db_app, alpha, monkeypatch):
    """A stolen session cannot mint tokens without end: 429 after the limit, with a message,
    and no token is made; a colleague is not affected."""
    monkeypatch.setitem(db_app.config, "TOKEN_CREATE_LIMIT_PER_USER", "3 per hour")
    owner = _from(db_app, "203.0.113.80")
    assert (
        owner.post(
            "/login", data={"email": alpha.owner.user.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    for n in range(3):
        resp = owner.post("/settings/tokens", data={"name": f"laptop {n}"})
        assert resp.status_code == 200 and "tdm_" in resp.get_data(as_text=True)
    resp = owner.post("/settings/tokens", data={"name": "one too many"})
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert TOO_MANY in page and "tdm_" not in page
    assert "one too many" not in owner.get("/settings/tokens").get_data(as_text=True)
    colleague = _from(db_app, "203.0.113.80")
    colleague.post("/login", data={"email": alpha.consultant.user.email, "password": PASSWORD})
    assert colleague.post("/settings/tokens", data={"name": "mine"}).status_code == 200
