"""CSRF: every state-changing web route refuses a POST without a token; the API never
takes the session cookie, so a cross-site POST to it carries no authority.

Issue 14 item 3. The routes are discovered from ``app.url_map``: a new form is covered the
day it is added.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

# Exempt on purpose, each for its reason (docs/SECURITY.md).
EXEMPT = {
    "billing.webhook": "Stripe's signature over the raw body authenticates it",
    "settings.unsubscribe": "RFC 8058 one-click POST; the signed token is the authority",
}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def csrf_on(db_app):
    db_app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield db_app
    finally:
        db_app.config["WTF_CSRF_ENABLED"] = False


def _web_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in EXEMPT:
            continue
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            yield rule, method


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        conv = rule._converters[name]
        values[name] = "x" if name in ("token", "secret") else 1
    for name, conv in rule._converters.items():
        if hasattr(conv, "items"):  # any(...) converters: their first choice
            values[name] = sorted(conv.items)[0]
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", str(value))
    import re

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", lambda m: str(values[m.group(1)]), url)


def test_every_web_form_post_without_a_token_is_refused(client, alpha, csrf_on):
    """Signed in as the owner (who may do everything), no web write goes through untokened."""
    # Sign in through the real form, with its token.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    resp = client.post(
        "/login", data={"email": alpha.owner.user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    with client.session_transaction() as sess:
        sess["agency_id"] = alpha.agency.id
    accepted = []
    checked = 0
    for rule, method in _web_routes(csrf_on):
        url = _url(rule)
        resp = client.open(url, method=method, data={"name": "x"})
        checked += 1
        if resp.status_code not in (400, 403):
            accepted.append(f"{method} {rule.rule} answered {resp.status_code}")
        elif resp.status_code == 400:
            assert "Your form expired" in resp.get_data(as_text=True), rule.rule
    assert checked > 50, checked  # the walk really found the app's forms
    assert accepted == [], "\n".join(accepted)


def test_a_forged_sign_out_is_refused(client, alpha, csrf_on, login_as):
    """Even sign-out needs the token (a cross-site page cannot sign people out)."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post(
        "/login", data={"email": alpha.owner.user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/settings/profile").status_code == 200


def test_the_api_ignores_the_session_cookie(client, alpha, login_as):
    """A signed-in browser's cookie gives no access to the API: a cross-site POST to it is
    anonymous (401) and changes nothing."""
    login_as(alpha.owner)
    assert client.get("/settings/profile").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    resp = client.post("/api/v1/brands", json={"name": "Forged brand"})
    assert resp.status_code == 401
    resp = client.post(
        "/api/v1/brands",
        data='{"name": "Forged brand"}',
        content_type="text/plain",  # what a cross-site <form enctype=text/plain> sends
    )
    assert resp.status_code in (401, 415)
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models import Brand
    from tenants.context import system_scope

    with system_scope():
        assert db.session.scalar(select(Brand).where(Brand.name == "Forged brand")) is None
