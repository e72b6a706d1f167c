"""Behind docker-compose.yml's proxy every request comes from the proxy's address: the
client's address is taken from X-Forwarded-For only when TRUSTED_PROXY_HOPS says a proxy
appends it, and never by default (a client could forge the header)."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from saas.app_setup import trust_proxies
from saas.config import load_config

FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}  # forged, then the proxy's


def _echo_app(hops: int) -> Flask:
    app = Flask(__name__)
    app.config["TRUSTED_PROXY_HOPS"] = hops
    trust_proxies(app)
    app.add_url_rule("/ip", "ip", lambda: request.remote_addr or "")
    return app


def test_one_trusted_hop_takes_the_address_the_proxy_appended():
    client = _echo_app(1).test_client()
    resp = client.get("/ip", headers=FORWARDED, environ_base={"REMOTE_ADDR": "172.18.0.5"})
    assert resp.get_data(as_text=True) == "203.0.113.9"


def test_without_trusted_hops_the_header_is_ignored(app):
    client = _echo_app(0).test_client()
    resp = client.get("/ip", headers=FORWARDED, environ_base={"REMOTE_ADDR": "172.18.0.5"})
    assert resp.get_data(as_text=True) == "172.18.0.5"
    assert app.config["TRUSTED_PROXY_HOPS"] == 0
    assert not isinstance(app.wsgi_app, ProxyFix)


def test_the_setting_is_read_from_the_environment(tmp_path):
    env = {"TRUSTED_PROXY_HOPS": "1", "SECRET_KEY": "x" * 64}
    assert load_config(tmp_path, env)["TRUSTED_PROXY_HOPS"] == 1
