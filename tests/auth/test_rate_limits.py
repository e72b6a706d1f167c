"""Guessing passwords or flooding inboxes is slowed down: HTTP 429 with a clear message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import factories

TOO_MANY = "Too many attempts. Please wait a few minutes and try again."


@pytest.fixture
def limits(db_app) -> Iterator[dict]:
    """Small limits for the test; the limits are read from the config on each request."""
    saved = {k: db_app.config.get(k) for k in ("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP")}
    db_app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    db_app.config["LOGIN_LIMIT_PER_IP"] = "5 per 15 minutes"
    yield db_app.config
    db_app.config.update(saved)


def _fail(client, email: str, ip: str = "203.0.113.1"):
    return client.post(
        "/login",
        data={"email": email, "password": "wrong password here"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_per_account_limit_blocks_the_guessing_ip_even_with_the_right_password(
    client, alpha, limits
):
    for _ in range(3):
        assert _fail(client, "owner@alpha.test").status_code == 401
    # Same account and IP, another spelling of the address: still limited.
    resp = client.post(
        "/login",
        data={"email": " Owner@Alpha.test", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.1"},
    )
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert TOO_MANY in page
    assert 'name="password"' in page  # the login page, not a bare error
    assert resp.headers.get("Retry-After")
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    # The real owner, from an IP without failures, is not locked out by the guesser.
    owner = client.application.test_client()
    mine = owner.post(
        "/login",
        data={"email": "owner@alpha.test", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert mine.status_code == 302
    # Another account from the same IP is not affected.
    ok = client.post(
        "/login",
        data={"email": "consultant@alpha.test", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.1"},
    )
    assert ok.status_code == 302


def test_successful_logins_do_not_count_against_the_account(client, alpha, limits):
    for _ in range(6):
        resp = client.post(
            "/login", data={"email": "owner@alpha.test", "password": factories.PASSWORD}
        )
        assert resp.status_code == 302


def test_per_ip_limit_blocks_an_address_trying_many_accounts(client, alpha, limits):
    for n in range(5):
        assert _fail(client, f"someone{n}@alpha.test").status_code == 401
    resp = _fail(client, "leader@alpha.test")
    assert resp.status_code == 429
    assert TOO_MANY in resp.get_data(as_text=True)
    # Another address is still welcome.
    ok = client.post(
        "/login",
        data={"email": "leader@alpha.test", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    assert ok.status_code == 302


def test_reset_requests_are_limited_per_address(client, alpha):
    for _ in range(3):
        assert (
            client.post("/password/forgot", data={"email": "owner@alpha.test"}).status_code == 200
        )
    resp = client.post("/password/forgot", data={"email": "owner@alpha.test"})
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert TOO_MANY in page and 'action="/password/forgot"' in page


def test_magic_link_requests_are_limited_per_address(client, alpha):
    for _ in range(3):
        assert client.post("/login/link", data={"email": "leader@alpha.test"}).status_code == 200
    resp = client.post("/login/link", data={"email": "LEADER@alpha.test"})
    assert resp.status_code == 429
    assert TOO_MANY in resp.get_data(as_text=True)
