"""Set-up and production shape: the demo loader, the CLI, settings, docker compose."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from tenants.context import tenant_scope
from tenants.models import utcnow

ROOT = Path(__file__).resolve().parent.parent


# The demo loader's own tests are in tests/test_demo.py (they load the full demo once).


def test_check_config_prints_settings_but_never_secrets(db_app, monkeypatch):
    monkeypatch.setitem(db_app.config, "MAIL_PASSWORD", "smtp-pass-9f8e")
    monkeypatch.setitem(db_app.config, "REDIS_URL", "redis://:redis-pass-7a6b@cache:6379/0")

    result = db_app.test_cli_runner().invoke(args=["check-config"])

    assert result.exit_code == 0, result.output
    assert "JOBS_MODE" in result.output and "BASE_URL" in result.output
    assert re.search(r"SECRET_KEY\s+\(set\)", result.output)
    assert "redis://:***@cache:6379/0" in result.output
    for secret in (db_app.config["SECRET_KEY"], "smtp-pass-9f8e", "redis-pass-7a6b"):
        assert secret not in result.output


def test_jobs_requeue_stale_delivers_an_email_whose_job_was_lost(db_app, alpha, run_jobs):
    with tenant_scope(alpha.agency.id):
        lost = OutboxMessage(
            kind="test",
            to_email="someone@example.test",
            subject="Lost in a Redis restart",
            body_text="Hello",
            status="queued",
            created_at=utcnow() - timedelta(hours=1),
        )
        fresh = OutboxMessage(
            kind="test", to_email="new@example.test", subject="Just queued", body_text="Hi"
        )
        db.session.add_all([lost, fresh])
        db.session.commit()
        lost_id, fresh_id = lost.id, fresh.id

    result = db_app.test_cli_runner().invoke(args=["jobs", "requeue-stale"])
    run_jobs()

    assert result.exit_code == 0, result.output
    assert "Re-enqueued 1 stale email" in result.output
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        statuses = dict(
            db.session.execute(
                select(OutboxMessage.id, OutboxMessage.status).where(
                    OutboxMessage.id.in_([lost_id, fresh_id])
                )
            ).all()
        )
    assert statuses == {lost_id: "sent", fresh_id: "queued"}


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    from saas import create_app

    monkeypatch.setenv("TANDEM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "")  # set-but-empty: a .env file cannot fill it in
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_settings_turn_on_secure_cookies(tmp_path):
    from saas.config import load_config

    config = load_config(tmp_path, {"TANDEM_ENV": "production", "SECRET_KEY": "x" * 64})

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["PREFERRED_URL_SCHEME"] == "https"
    assert not (tmp_path / "secret_key").exists()


def _compose() -> dict:
    text = (ROOT / "docker-compose.yml").read_text()
    try:
        import yaml
    except ImportError:  # PyYAML is optional: fall back to reading the top-level layout.
        return _compose_layout(text)
    return yaml.safe_load(text)


def _compose_layout(text: str) -> dict:
    """Service names and their raw text, for machines without PyYAML."""
    services: dict[str, str] = {}
    section = None
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            section = line.split(":", 1)[0]
            current = None
            continue
        match = re.match(r"^  ([A-Za-z0-9_-]+):\s*$", line)
        if section == "services" and match:
            current = match.group(1)
            services[current] = ""
        elif section == "services" and current:
            services[current] += line + "\n"
    return {"services": services}


def test_compose_file_names_its_services():
    services = _compose()["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "proxy", "worker"}


def test_compose_web_waits_for_migrations_and_checks_an_existing_health_route(app):
    compose_text = (ROOT / "docker-compose.yml").read_text()
    services = _compose()["services"]
    web = str(services["web"])

    assert "service_completed_successfully" in web
    assert "gunicorn" in web and "saas:create_app()" in web
    assert "http://localhost:8000/healthz" in web
    assert "/healthz" in {rule.rule for rule in app.url_map.iter_rules()}
    assert "${SECRET_KEY:?" in compose_text
    assert "TANDEM_ENV: production" in compose_text
    assert "python" in str(services["worker"]) and "worker" in str(services["worker"])
    assert "db" in str(services["migrate"]) and "upgrade" in str(services["migrate"])


def test_scripts_are_executable_bash_with_strict_mode():
    for name in ("scripts/demo", "scripts/test", ".ci/run"):
        path = ROOT / name
        text = path.read_text()
        assert path.stat().st_mode & 0o111, f"{name} is not executable"
        assert text.startswith("#!/usr/bin/env bash"), name
        assert "set -euo pipefail" in text, name
