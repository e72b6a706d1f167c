"""The 500 handler never fails itself (issue 7, item 4): it rolls the session back, falls
back to a static page, and every answer keeps the security headers."""

from __future__ import annotations

import pytest

from saas.extensions import db
from saas.models import Brand
from saas.services import brands as brands_service
from tests.edge.conftest import assert_security_headers


@pytest.fixture
def production_errors(db_app, monkeypatch):
    """Errors handled as in production: no propagation to the test."""
    monkeypatch.setitem(db_app.config, "PROPAGATE_UNEXPECTED", False)
    monkeypatch.setitem(db_app.config, "PROPAGATE_EXCEPTIONS", False)


@pytest.fixture
def failed_flush(monkeypatch):
    """The brand search breaks the session as a database error does: a failed flush leaves
    it refusing every query until someone rolls back."""

    def broken(*_args, **_kwargs):
        db.session.add(Brand(name=None))  # NOT NULL: the flush fails
        db.session.flush()

    monkeypatch.setattr(brands_service, "search", broken)


def test_web_500_after_a_failed_flush_is_our_page_with_headers(
    alpha, login_as, client, production_errors, failed_flush
):
    """Does a broken transaction still give me the friendly page, not the server's bare one?"""
    login_as(alpha.owner)
    resp = client.get("/brands/")

    assert resp.status_code == 500
    assert "Something went wrong on our side" in resp.get_data(as_text=True)
    assert "app.css" in resp.get_data(as_text=True)  # the full layout, after the rollback
    assert_security_headers(resp)


def test_api_500_after_a_failed_flush_is_json_with_headers(
    alpha, api, production_errors, failed_flush
):
    resp = api(alpha.tokens["owner"]).get("/api/v1/brands")

    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "server_error"
    assert_security_headers(resp)


def test_500_falls_back_to_a_static_page_when_the_template_fails(
    alpha, login_as, client, production_errors, failed_flush, monkeypatch
):
    import saas.web.errors as errors

    def no_template(*_a, **_k):
        raise RuntimeError("template store is gone")

    login_as(alpha.owner)
    monkeypatch.setattr(errors, "render_template", no_template)
    resp = client.get("/brands/")

    assert resp.status_code == 500
    assert resp.mimetype == "text/html"
    assert "Something went wrong on our side." in resp.get_data(as_text=True)
    assert_security_headers(resp)


def test_500_survives_a_rollback_that_fails(
    alpha, login_as, client, production_errors, failed_flush, monkeypatch
):
    login_as(alpha.owner)
    real_rollback = db.session.rollback
    calls = []

    def failing_rollback():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("connection lost")
        real_rollback()

    monkeypatch.setattr(db.session, "rollback", failing_rollback)
    resp = client.get("/brands/")

    assert resp.status_code == 500
    assert_security_headers(resp)


def test_400_and_404_pages_carry_the_headers(client):
    assert_security_headers(client.get("/no-such-page"))
    assert_security_headers(client.get("/r/x%00"))
