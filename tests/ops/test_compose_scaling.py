"""``docker compose up --scale web=3`` needs web replicas that publish no host port: one
proxy publishes the port and spreads requests over every replica (docs/OPERATIONS.md,
"Scaling").  No Docker engine runs in CI, so the file is read as YAML."""

from __future__ import annotations

import re

import yaml

from saas.config import ROOT


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_web_and_worker_can_be_scaled():
    services = _services()
    for name in ("web", "worker"):
        service = services[name]
        assert "ports" not in service, f"{name} publishes a host port: --scale would clash"
        assert "container_name" not in service, f"{name} has a fixed container name"
    assert services["web"]["expose"] == ["8000"]


def test_one_proxy_publishes_the_port_in_front_of_every_web_replica():
    services = _services()
    published = {n for n, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert proxy["ports"] == ["${WEB_PORT:-8000}:8000"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    (mount,) = proxy["volumes"]
    source, target = mount.split(":")[:2]
    assert target == "/etc/caddy/Caddyfile"
    caddyfile = (ROOT / source).read_text()
    # Every replica, re-resolved as replicas come and go, round-robin.
    assert re.search(r"dynamic a \{\s*name web\s*port 8000", caddyfile)
    assert "lb_policy round_robin" in caddyfile
    assert re.search(r"^:8000 \{", caddyfile, re.M)
    assert "log" not in re.sub(r"#.*", "", caddyfile)  # no access log: URLs carry tokens


def test_the_app_trusts_exactly_the_one_proxy_hop():
    environment = _services()["web"]["environment"]
    assert environment["TRUSTED_PROXY_HOPS"] == "${TRUSTED_PROXY_HOPS:-1}"
