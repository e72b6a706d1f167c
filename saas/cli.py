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
from saas.services import recovery, two_factor
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
    "LOG_FORMAT",
    "LOG_LEVEL",
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
accounts_cli = AppGroup("accounts", help="People's accounts: maintenance.")


@accounts_cli.command("seal-secrets")
def seal_secrets_command() -> None:
    """Seal every two-factor key still stored in plain text (accounts that set two-factor
    up before keys were sealed and have not signed in since).  Run once after upgrading;
    running it again changes nothing."""
    with unit_of_work():
        sealed, left = two_factor.seal_plain_secrets()
    click.echo(f"Sealed {sealed} two-factor key(s) stored in plain text.")
    if left:
        click.echo(f"Left {left} key(s) that are not base32 from Tandem as they are.")


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
    scheduled reports, Stripe webhook events, session reminders, and any kind a feature
    registers (saas.services.recovery).

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


def _age(seconds: float | None) -> str:
    """``3s``, ``4m 05s``, ``2h 10m``, ``3d 4h``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


@jobs_cli.command("status")
def status_command() -> None:
    """Show the queue: per queue the queued, started, failed, scheduled and deferred jobs,
    the oldest queued job's age, the workers and the scheduler (Redis), or the embedded
    worker's state; then the database rows still waiting for their work."""
    from datetime import datetime

    from tenants.models import utcnow
    from worker import status

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config["JOBS_MODE"]
    problems = False
    if mode == "redis":
        click.echo(f"Mode: redis ({_redact_url(app.config['REDIS_URL'])})")
        try:
            queues = status.redis_queues(app)
        except Exception as error:  # noqa: BLE001 - the point is to say so
            click.echo(f"Redis: DOWN ({type(error).__name__}: {error})", err=True)
            queues, problems = [], True
        stale = status.heartbeat_stale_after(app)
        for q in queues:
            click.echo(
                f"Queue {q.name}: queued {q.queued}, started {q.started}, failed {q.failed}, "
                f"scheduled {q.scheduled}, deferred {q.deferred}; "
                f"oldest queued {_age(q.oldest_queued_age)}"
            )
            live = [
                w for w in q.workers if w.heartbeat_age is not None and w.heartbeat_age <= stale
            ]
            silent = len(q.workers) - len(live)
            click.echo(f"  workers: {len(live)} alive" + (f", {silent} silent" if silent else ""))
            for w in q.workers:
                job = f", job {w.current_job}" if w.current_job else ""
                gone = "" if w in live else " (SILENT: dead or stuck)"
                click.echo(
                    f"    {w.name}: {w.state}, heartbeat {_age(w.heartbeat_age)} ago{job}{gone}"
                )
            click.echo(f"  scheduler: {q.scheduler or 'NONE (scheduled jobs and retries wait)'}")
            if q.name == app.config["QUEUE_NAME"] and (not live or q.scheduler is None):
                problems = True
    else:
        click.echo(
            f"Mode: {mode} (embedded, no Redis): jobs run inside the web process; "
            "nothing is kept in Redis, the database rows below are the queue."
        )
        if mode == "thread":
            # This command's own process has its own thread: the web's is in /healthz.
            click.echo(
                "Jobs run on a thread inside each web process: /healthz says whether it is "
                "alive (workers, scheduler)."
            )
        else:
            scheduled = status.embedded_counts(app).get("scheduled", 0)
            click.echo(f"Jobs run at once in the caller's thread (eager); scheduled {scheduled}.")
    click.echo("Waiting in the database:")
    now = utcnow()
    for row in status.database_waiting(now):
        oldest = ""
        if row.count and isinstance(row.oldest, datetime):
            delta = (now - row.oldest).total_seconds()
            oldest = f" (oldest {_age(delta)} ago)" if delta >= 0 else f" (next in {_age(-delta)})"
        click.echo(f"  {row.label}: {row.count}{oldest}")
    if problems:
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
    app.cli.add_command(accounts_cli)
