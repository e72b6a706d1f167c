"""Settings from environment variables (and a ``.env`` file).  See README's configuration table."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(database_url: str, e: dict) -> dict:
    """``pool_pre_ping`` drops pooled connections a database restart killed; a connect
    timeout makes an unreachable PostgreSQL a quick 503 (``saas.http.unavailable``) rather
    than a request hanging on TCP's own timeout."""
    options: dict = {"pool_pre_ping": True}
    if database_url.startswith("postgresql"):
        timeout = int(e.get("DATABASE_CONNECT_TIMEOUT", "5"))
        options["connect_args"] = {"connect_timeout": timeout}
    return options


def _dev_secret(instance_path: Path) -> str:
    """A per-machine secret for development, kept in the instance folder."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    e = dict(os.environ if env is None else env)
    tandem_env = e.get("TANDEM_ENV", "development")
    production = tandem_env == "production"
    secret = e.get("SECRET_KEY")
    if not secret:
        if production:
            raise RuntimeError("SECRET_KEY must be set when TANDEM_ENV=production")
        secret = _dev_secret(instance_path)
    database_url = normalise_database_url(
        e.get("DATABASE_URL") or f"sqlite:///{instance_path / 'tandem.db'}"
    )
    redis_url = e.get("REDIS_URL") or None
    return {
        "TANDEM_ENV": tandem_env,
        "SECRET_KEY": secret,
        # Encrypts two-factor secrets at rest (saas/services/secret_box.py); without it a
        # key derived from SECRET_KEY does.  Set it so SECRET_KEY can rotate on its own.
        "TWO_FACTOR_KEY": e.get("TWO_FACTOR_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, e),
        "REDIS_URL": redis_url,
        # redis: a real RQ queue; thread: an in-process worker; eager: run at once (tests).
        "JOBS_MODE": e.get("JOBS_MODE") or ("redis" if redis_url else "thread"),
        "QUEUE_NAME": e.get("QUEUE_NAME", "tandem"),
        # json: one JSON object per log line (saas/logging_setup.py); text: plain lines.
        "LOG_FORMAT": (e.get("LOG_FORMAT") or ("json" if production else "text")).lower(),
        "LOG_LEVEL": (e.get("LOG_LEVEL") or "INFO").upper(),
        "BASE_URL": e.get("BASE_URL", "http://localhost:5000").rstrip("/"),
        "UPLOAD_DIR": e.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "REPORTS_DIR": e.get("REPORTS_DIR") or str(instance_path / "reports"),
        "REPORT_TIMEOUT_SECONDS": int(e.get("REPORT_TIMEOUT_SECONDS", "120")),
        # The agency's data exports (zips built by a worker); downloads expire after the TTL.
        "EXPORTS_DIR": e.get("EXPORTS_DIR") or str(instance_path / "exports"),
        "EXPORTS_TTL_DAYS": int(e.get("EXPORTS_TTL_DAYS", "7")),
        # An agency whose owner asked for its deletion is purged this many days later.
        "AGENCY_DELETION_GRACE_DAYS": int(e.get("AGENCY_DELETION_GRACE_DAYS", "14")),
        "REPORT_MEMORY_MB": int(e.get("REPORT_MEMORY_MB", "1024")),
        "MAIL_SERVER": e.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(e.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": e.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": e.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(e.get("MAIL_USE_TLS"), True),
        "MAIL_FROM": e.get("MAIL_FROM", "Tandem <no-reply@tandem.local>"),
        # Without SMTP, development writes each email to this folder as an .eml file.
        "MAIL_FILE_DIR": e.get("MAIL_FILE_DIR")
        or (None if production else str(instance_path / "mail")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(e.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(e.get("SESSION_COOKIE_SECURE"), production),
        "PERMANENT_SESSION_LIFETIME": int(e.get("SESSION_LIFETIME_SECONDS", str(14 * 24 * 3600))),
        # Flask-Login's default is 365 days; we promise 14 (docs/SECURITY.md).
        "REMEMBER_COOKIE_DURATION": int(e.get("REMEMBER_COOKIE_DURATION", str(14 * 24 * 3600))),
        "MAX_CONTENT_LENGTH": int(e.get("MAX_UPLOAD_BYTES", str(4 * 1024 * 1024))),
        # Proxies in front that append X-Forwarded-For (saas.app_setup.trust_proxies).
        "TRUSTED_PROXY_HOPS": int(e.get("TRUSTED_PROXY_HOPS", "0")),
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": e.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool(e.get("RATELIMIT_ENABLED"), True),
        # Redis down must not mean sign-in down: count in memory meanwhile, log, go on.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "LOGIN_ALERT_THRESHOLD": int(e.get("LOGIN_ALERT_THRESHOLD", "10")),
        "LOGIN_LIMIT_PER_ACCOUNT": e.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_IP": e.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes"),
        "LINK_LIMIT_PER_IP": e.get("LINK_LIMIT_PER_IP", "20 per hour"),
        "LINK_LIMIT_PER_ACCOUNT": e.get("LINK_LIMIT_PER_ACCOUNT", "3 per 15 minutes"),
        "INVITE_ACCEPT_LIMIT_PER_TOKEN": e.get(
            "INVITE_ACCEPT_LIMIT_PER_TOKEN", "10 per 15 minutes"
        ),
        "INVITE_ACCEPT_LIMIT_PER_IP": e.get("INVITE_ACCEPT_LIMIT_PER_IP", "30 per 15 minutes"),
        "SIGNUP_LIMIT_PER_IP": e.get("SIGNUP_LIMIT_PER_IP", "20 per hour"),
        "TOKEN_TTL_HOURS": {"password_reset": 2, "magic_link": 0.5, "invitation": 24 * 7},
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en", "ar"],
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PER_PAGE": 20,
        # bench/http.py's bare endpoints (saas/web/bench.py); never in production.
        "BENCH_ENDPOINTS": _bool(e.get("BENCH_ENDPOINTS")) and not production,
        # Stripe (saas.services.billing): without the secret key billing is off (self-hosted).
        "STRIPE_SECRET_KEY": e.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": e.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": (e.get("STRIPE_API_BASE") or "https://api.stripe.com").rstrip("/"),
        **_billing(e),
    }


# The plan catalogue's limits (saas/services/entitlements/catalogue.py); None is unlimited.
# A deployment or a test overrides them with create_app({"PLAN_LIMITS": ...}).
DEFAULT_PLAN_LIMITS: dict[str, dict[str, int | None]] = {
    "starter": {
        "brands": 3,
        "staff_seats": 3,
        "reports_per_month": 20,
        "scheduled_reports": 2,
        "sessions_per_month": 10,
    },
    "growth": {
        "brands": 15,
        "staff_seats": 10,
        "reports_per_month": 100,
        "scheduled_reports": 10,
        "sessions_per_month": 50,
    },
    "scale": {
        "brands": 100,
        "staff_seats": 50,
        "reports_per_month": None,
        "scheduled_reports": None,
        "sessions_per_month": None,
    },
}


def _billing(e: dict[str, str]) -> dict[str, Any]:
    """Stripe price ids per plan and interval, the trial, the grace period, and the plan of
    a self-hosted install.

    Without ``STRIPE_SECRET_KEY`` billing is off (self-hosted) and ``SELF_HOSTED_PLAN``
    applies: ``unlimited`` (the default) or a plan's name for its limits.
    """
    prices = {
        f"STRIPE_PRICE_{plan}_{interval}": e.get(f"STRIPE_PRICE_{plan}_{interval}") or None
        for plan in ("STARTER", "GROWTH", "SCALE")
        for interval in ("MONTHLY", "YEARLY")
    }
    return {
        **prices,
        "TRIAL_DAYS": int(e.get("TRIAL_DAYS", "14")),
        "BILLING_GRACE_DAYS": int(e.get("BILLING_GRACE_DAYS", "7")),
        "SELF_HOSTED_PLAN": (e.get("SELF_HOSTED_PLAN") or "unlimited").strip().lower(),
        "PLAN_LIMITS": {plan: dict(limits) for plan, limits in DEFAULT_PLAN_LIMITS.items()},
    }
