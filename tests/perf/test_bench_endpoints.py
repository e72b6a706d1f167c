"""The bare endpoints bench/http.py measures pages against: off unless asked for, never in
production, and behind exactly the authentication of the pages they stand in for."""

from __future__ import annotations

import pytest

from saas import create_app
from saas.config import load_config


@pytest.fixture
def bench_client(db_app):
    """A second app on the same database with the bench endpoints registered."""
    config = {
        k: db_app.config[k]
        for k in (
            "TESTING",
            "SECRET_KEY",
            "SQLALCHEMY_DATABASE_URI",
            "WTF_CSRF_ENABLED",
            "JOBS_MODE",
            "REDIS_URL",
            "QUEUE_NAME",
            "RATELIMIT_STORAGE_URI",
            "UPLOAD_DIR",
            "REPORTS_DIR",
            "MAIL_FILE_DIR",
            "BASE_URL",
        )
    }
    app = create_app({**config, "BENCH_ENDPOINTS": True})
    with app.app_context():
        yield app.test_client()


def test_the_app_has_no_bench_endpoints_unless_asked(client):
    assert client.get("/_bench/anonymous").status_code == 404
    assert client.get("/api/v1/_bench/token").status_code == 404


def test_production_ignores_the_setting(tmp_path):
    env = {"TANDEM_ENV": "production", "SECRET_KEY": "x" * 40, "BENCH_ENDPOINTS": "1"}
    assert load_config(tmp_path, env)["BENCH_ENDPOINTS"] is False
    assert load_config(tmp_path, {"BENCH_ENDPOINTS": "1"})["BENCH_ENDPOINTS"] is True


def test_anonymous_answers_without_anyone_signed_in(bench_client):
    resp = bench_client.get("/_bench/anonymous")
    assert resp.status_code == 200
    assert resp.get_json() == {"ok": False}  # no user 1 in an empty database: still one query


def test_session_endpoint_needs_the_sign_in_pages_use(bench_client, alpha):
    assert bench_client.get("/_bench/session").status_code in (302, 401)
    bench_client.post(
        "/login",
        data={"email": "consultant@alpha.test", "password": "correct horse battery staple"},
    )
    resp = bench_client.get("/_bench/session")
    assert resp.status_code == 200
    assert resp.get_json() == {"ok": True}


def test_token_endpoint_needs_the_apis_token(bench_client, alpha):
    refused = bench_client.get("/api/v1/_bench/token")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    bad = bench_client.get("/api/v1/_bench/token", headers={"Authorization": "Bearer tdm_nope"})
    assert bad.status_code == 401
    ok = bench_client.get(
        "/api/v1/_bench/token", headers={"Authorization": f"Bearer {alpha.tokens['owner']}"}
    )
    assert ok.status_code == 200
    assert ok.get_json() == {"ok": True}
