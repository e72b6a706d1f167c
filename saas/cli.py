"""Flask CLI commands: ``flask --app saas demo`` and maintenance tasks.

Commands run outside any request, so each one enters a tenant scope (or the system scope)
explicitly, exactly as jobs do, and each command that writes is one unit of work
(``saas.transactions``): it commits when the command ends, and rolls back if it fails.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup

# The demo's logins live in saas.demo (re-exported: tests and docs name them from here).
from saas.demo import DEMO_PASSWORD as DEMO_PASSWORD
from saas.demo import DEMO_USERS as DEMO_USERS
from saas.demo.loader import load_demo
from saas.demo.summary import describe
from saas.services import recovery
from saas.services.reminders import send_due_reminders
from saas.transactions import unit_of_work
from saas.web.billing.cli import billing_cli


def _redact_url(url: str | None) -> str | None:
    """Hide the password in a connection URL (``scheme://user:***@host/db``)."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


SECRET_KEYS = {"SECRET_KEY", "MAIL_PASSWORD", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"}
URL_KEYS = {"SQLALCHEMY_DATABASE_URI", "REDIS_URL", "RATELIMIT_STORAGE_URI"}
SHOWN_KEYS = (
    "TANDEM_ENV",
    "SECRET_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL",
    "JOBS_MODE",
    "QUEUE_NAME",
    "BASE_URL",
    "UPLOAD_DIR",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_FROM",
    "SESSION_COOKIE_SECURE",
    "PERMANENT_SESSION_LIFETIME",
    "MAX_CONTENT_LENGTH",
    "RATELIMIT_ENABLED",
    "RATELIMIT_STORAGE_URI",
    "LOGIN_LIMIT_PER_ACCOUNT",
    "LOGIN_LIMIT_PER_IP",
    "PREFERRED_URL_SCHEME",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
)


def effective_settings(config: dict) -> list[tuple[str, str]]:
    """The settings worth checking before a deploy, with every secret redacted."""
    rows = []
    for key in SHOWN_KEYS:
        value = config.get(key)
        if key in SECRET_KEYS:
            shown = "(set)" if value else "(not set)"
        elif key in URL_KEYS:
            shown = str(_redact_url(value)) if value else "(not set)"
        else:
            shown = "(not set)" if value is None else str(value)
        rows.append((key, shown))
    return rows


jobs_cli = AppGroup("jobs", help="Background job maintenance.")


@jobs_cli.command("requeue-stale")
@click.option(
    "--minutes",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="Count work as stuck once it has waited this long (a dead render: at once).",
)
def requeue_stale_command(minutes: int) -> None:
    """Re-enqueue every kind of stuck background work: emails, reports, reminders,
    scheduled reports, and any kind a feature registers (saas.services.recovery).

    Safe to run from cron, and beside the workers' own sweeper: a sent email, a ready
    report, or work whose job is still on its way is left alone.
    """

    failed: dict[str, BaseException] = {}
    try:
        with unit_of_work():
            counts = recovery.requeue_all(older_than_minutes=minutes)
    except recovery.RecoveryFailed as error:
        counts, failed = error.counts, error.failed
    jobs = current_app.extensions["tandem_jobs"]
    if hasattr(jobs, "join"):
        # Embedded thread mode: the worker thread dies with this process, so wait for it.
        jobs.join()
    for kind in recovery.kinds():
        if kind.name in counts:
            click.echo(f"Re-enqueued {counts[kind.name]} stale {kind.label}.")
        elif kind.name in failed:
            problem = failed[kind.name]
            click.echo(f"FAILED {kind.label}: {type(problem).__name__}: {problem}", err=True)
    if failed:
        raise SystemExit(1)


@jobs_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Email consultants (then owners) about plans waiting too long for review."""

    with unit_of_work():
        count = send_due_reminders()
    jobs = current_app.extensions["tandem_jobs"]
    if hasattr(jobs, "join"):
        jobs.join()
    click.echo(f"Queued {count} reminder(s).")


def register(app: Flask) -> None:
    """Attach Tandem's commands to ``app.cli``."""

    @app.cli.command("demo")
    @click.option(
        "--allow-production",
        is_flag=True,
        help="Load the demo even when TANDEM_ENV=production (its password is public).",
    )
    @click.option("--verbose", "-v", is_flag=True, help="List every step this run made.")
    def demo_command(allow_production: bool, verbose: bool) -> None:
        """Load the demo agency (idempotent: a second run changes nothing) and print its
        logins and three things to try first."""
        if current_app.config["TANDEM_ENV"] == "production" and not allow_production:
            raise click.ClickException(
                "Refusing to load demo logins with a public password into production "
                "(pass --allow-production to insist)."
            )

        with unit_of_work():
            result = load_demo()
        for line in describe(result, current_app.config["BASE_URL"], verbose=verbose):
            click.echo(line)

    @app.cli.command("check-config")
    def check_config_command() -> None:
        """Print the effective settings (secrets redacted)."""
        rows = effective_settings(current_app.config)
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            click.echo(f"{key:<{width}}  {value}")

    app.cli.add_command(jobs_cli)
    app.cli.add_command(billing_cli)
