"""Flask CLI commands: ``flask --app saas demo`` and maintenance tasks.

Commands run outside any request, so each one enters a tenant scope (or the system scope)
explicitly, exactly as jobs do.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from saas.extensions import db
from tenants.context import system_scope, tenant_scope

# Printed by `flask demo` on purpose; the command refuses to run in production.
DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105
DEMO_AGENCY_SLUG = "northwind-social"
DEMO_AGENCY_NAME = "Northwind Social"


@dataclass(frozen=True)
class DemoBrand:
    name: str
    language: str
    timezone: str
    industry: str
    website: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    locale: str
    brands: tuple[str, ...]  # brand names the member is assigned to


DEMO_BRANDS = (
    DemoBrand("Qamar Coffee", "ar", "Asia/Riyadh", "Food & beverage", "https://qamar.example"),
    DemoBrand("Atlas Outdoor", "en", "Europe/London", "Outdoor retail", "https://atlas.example"),
)

DEMO_USERS = (
    DemoUser("owner@demo.tandem.test", "Layla Haddad", "owner", "en", ()),
    DemoUser(
        "consultant@demo.tandem.test",
        "Omar Farouk",
        "consultant",
        "en",
        ("Qamar Coffee", "Atlas Outdoor"),
    ),
    DemoUser(
        "leader@demo.tandem.test", "Sara Al-Qahtani", "client_leader", "ar", ("Qamar Coffee",)
    ),
    DemoUser("team@demo.tandem.test", "Khalid Nasser", "client_team", "ar", ("Qamar Coffee",)),
)


def load_demo() -> bool:
    """Create the demo agency, brands and logins unless they exist.  True when created.

    Each piece is looked up before it is created, so a half-loaded demo (or a second run)
    is completed, never duplicated.
    """
    from saas.models import Agency, Brand, BrandAccess, Membership, User
    from saas.services.passwords import hash_password

    created = False
    with system_scope():
        agency = db.session.scalar(select(Agency).where(Agency.slug == DEMO_AGENCY_SLUG))
    if agency is None:
        agency = Agency(name=DEMO_AGENCY_NAME, slug=DEMO_AGENCY_SLUG, default_locale="en")
        db.session.add(agency)
        db.session.flush()
        created = True

    password_hash: str | None = None
    with tenant_scope(agency.id):
        brands: dict[str, Brand] = {}
        for spec in DEMO_BRANDS:
            brand = db.session.scalar(select(Brand).where(Brand.name == spec.name))
            if brand is None:
                brand = Brand(
                    agency_id=agency.id,
                    name=spec.name,
                    language=spec.language,
                    timezone=spec.timezone,
                    industry=spec.industry,
                    website=spec.website,
                )
                db.session.add(brand)
                db.session.flush()
                created = True
            brands[spec.name] = brand

        for spec in DEMO_USERS:
            user = db.session.scalar(select(User).where(User.email == spec.email))
            if user is None:
                password_hash = password_hash or hash_password(DEMO_PASSWORD)
                user = User(
                    email=spec.email,
                    name=spec.name,
                    password_hash=password_hash,
                    locale=spec.locale,
                )
                db.session.add(user)
                db.session.flush()
                created = True
            membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
            if membership is None:
                membership = Membership(agency_id=agency.id, user_id=user.id, role=spec.role)
                db.session.add(membership)
                db.session.flush()
                for brand_name in spec.brands:
                    db.session.add(
                        BrandAccess(
                            agency_id=agency.id,
                            brand_id=brands[brand_name].id,
                            membership_id=membership.id,
                        )
                    )
                created = True
        db.session.commit()
    return created


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


SECRET_KEYS = {"SECRET_KEY", "MAIL_PASSWORD"}
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
    help="Re-enqueue emails queued or sending for longer than this.",
)
def requeue_stale_command(minutes: int) -> None:
    """Re-enqueue outbox emails whose job was lost (e.g. Redis restarted)."""
    from saas.services.mail import requeue_stale

    # requeue_stale reads every agency's outbox and enqueues each message with its own
    # agency id; the job re-enters that tenant's scope before touching the row.
    with system_scope():
        count = requeue_stale(older_than_minutes=minutes)
    jobs = current_app.extensions["tandem_jobs"]
    if hasattr(jobs, "join"):
        # Embedded thread mode: the worker thread dies with this process, so wait for it.
        jobs.join()
    click.echo(f"Re-enqueued {count} stale email(s).")


@jobs_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Email consultants (then owners) about plans waiting too long for review."""
    from saas.services.reminders import send_due_reminders

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
    def demo_command(allow_production: bool) -> None:
        """Load the demo agency once (idempotent) and print its logins."""
        if current_app.config["TANDEM_ENV"] == "production" and not allow_production:
            raise click.ClickException(
                "Refusing to load demo logins with a public password into production "
                "(pass --allow-production to insist)."
            )
        created = load_demo()
        if created:
            click.echo(f"Loaded the demo agency {DEMO_AGENCY_NAME!r}.")
        else:
            click.echo(f"The demo agency {DEMO_AGENCY_NAME!r} is already loaded.")
        click.echo("")
        click.echo(
            f"Sign in at {current_app.config['BASE_URL']}/login with password: {DEMO_PASSWORD}"
        )
        for spec in DEMO_USERS:
            where = f" ({', '.join(spec.brands)})" if spec.role.startswith("client") else ""
            click.echo(f"  {spec.role:<14} {spec.email}{where}")

    @app.cli.command("check-config")
    def check_config_command() -> None:
        """Print the effective settings (secrets redacted)."""
        rows = effective_settings(current_app.config)
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            click.echo(f"{key:<{width}}  {value}")

    app.cli.add_command(jobs_cli)
