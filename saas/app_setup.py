"""Wiring done once per app: extensions, blueprints, request hooks, CLI commands."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request, session, url_for
from flask_babel import format_date
from flask_login import current_user, logout_user
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

import saas.models  # noqa: F401  (register every model with the metadata)
from saas import i18n, logging_setup, transactions
from saas.api import api_bp
from saas.api.bench import bp as bench_api_bp
from saas.cli import register as register_commands
from saas.config import ROOT
from saas.extensions import babel, csrf, db, limiter, login_manager, migrate
from saas.http.unavailable import DATABASE_ERRORS, database_unavailable
from saas.i18n import lazy_gettext
from saas.models import User
from saas.presentation.text import paragraphs
from saas.services import agency_deletion
from saas.services import brands as brands_service
from saas.services.audit import Origin, set_origin
from saas.services.entitlements import guard as entitlements_guard
from saas.services.entitlements.banner import banner_for
from saas.web import context as web_context
from saas.web.auth.views import bp as auth_bp
from saas.web.bench import bp as bench_bp
from saas.web.billing.views import bp as billing_bp
from saas.web.brands import offboarding as _brand_offboarding  # noqa: F401  (its routes)
from saas.web.brands.views import bp as brands_bp
from saas.web.calendar.views import bp as calendar_bp
from saas.web.capability import bp as capability_bp
from saas.web.capability import learning_bp
from saas.web.common import allowed
from saas.web.dashboard.views import bp as dashboard_bp
from saas.web.errors import database_unavailable_response, register_error_handlers
from saas.web.goals.views import bp as goals_bp
from saas.web.health import bp as health_bp
from saas.web.members.views import bp as members_bp
from saas.web.members.views import invitations_bp
from saas.web.methodology.views import bp as methodology_bp
from saas.web.plans.views import bp as plans_bp
from saas.web.reports.schedules import schedules_bp
from saas.web.reports.views import bp as reports_bp
from saas.web.reviews.views import bp as reviews_bp
from saas.web.sessions import bp as sessions_bp
from saas.web.sessions import links_bp as session_links_bp
from saas.web.settings.views import bp as settings_bp
from worker.queue import init_queue


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"

    init_queue(app)
    trust_proxies(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=5000")
                # SQLite's advice for WAL: a commit survives the app crashing, and only a
                # power cut can undo the last few; FULL fsyncs every commit (about 2 ms).
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXY_HOPS`` proxies (docker-compose.yml's Caddy: 1), the client's
    address is the one the nearest proxy appended to ``X-Forwarded-For``: what the audit log
    and the per-IP limits see.  0 (the default) trusts no header: a client could forge it."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)  # type: ignore[method-assign]


# In the order their rules should match (none overlap today); health last.
BLUEPRINTS = (
    auth_bp,
    dashboard_bp,
    brands_bp,
    members_bp,
    invitations_bp,
    settings_bp,
    api_bp,
    goals_bp,
    plans_bp,
    calendar_bp,
    reviews_bp,
    methodology_bp,
    reports_bp,
    schedules_bp,
    sessions_bp,
    session_links_bp,
    capability_bp,
    learning_bp,
    billing_bp,
    health_bp,
)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    if app.config.get("BENCH_ENDPOINTS"):  # bench/http.py's measuring sticks only
        app.register_blueprint(bench_bp)
        app.register_blueprint(bench_api_bp)
    csrf.exempt(api_bp)  # token-authenticated only; no cookie is ever accepted there


# Headers of every answer, copied onto a 503 that replaces one after the hooks ran.
_KEPT_ON_REPLACEMENT = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "strict-transport-security",
    "cache-control",
    "permissions-policy",
    "cross-origin-",
)


def register_hooks(app: Flask) -> None:
    # First: the request id exists before any other hook runs, and the request's log line
    # is written after every other after_request hook (saas/logging_setup.py).
    logging_setup.init_app(app)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        return web_context.load_user(user_id)

    # One transaction per request (saas.transactions), opened before anything else runs.
    @app.before_request
    def _open_unit_of_work() -> None:
        g.unit_of_work = transactions.begin()

    # Registered before the other after_request hooks, so it runs after them (Flask runs
    # them in reverse): the last thing before the response leaves, and before teardown
    # clears the tenant scope.  A 4xx or 5xx answer keeps nothing (a form error must not
    # persist half-done writes); a redirect after a POST does.
    @app.after_request
    def _close_unit_of_work(response: Response) -> Response:
        ok = response.status_code < 400
        try:
            transactions.finish(g.pop("unit_of_work", None), ok=ok, detach=True)
        except DATABASE_ERRORS as error:
            # The database went away at the commit: rolled back, so answer 503, not 500
            # (an after_request failure would bypass the error handlers).
            if not database_unavailable(error):
                raise
            app.logger.warning("Database unavailable at commit: %s", error)
            unavailable = database_unavailable_response()
            # The other after_request hooks ran on the answer being replaced: keep what
            # they said about every answer (security headers), not about its content.
            for name, value in response.headers.items():
                if name.lower().startswith(_KEPT_ON_REPLACEMENT):
                    unavailable.headers.setdefault(name, value)
            return unavailable
        return response

    @app.before_request
    def _enter_tenant_scope() -> None:
        set_origin(
            Origin(
                ip=request.remote_addr,
                user_agent=(request.user_agent.string or "")[:255] or None,
            )
        )
        if request.blueprint in ("api", "bench_api") or request.endpoint == "static":
            return  # the API authenticates by token in its own before_request
        if current_user.is_authenticated:
            membership = web_context.resolve_membership(current_user, session.get("agency_id"))
            if membership is None:
                logout_user()
                session.clear()
                return
            web_context.enter(membership)

    # After the membership is known: a read-only agency's writes answer 402 (the API asks
    # the same policy in its authorise(), once the token is known).
    @app.before_request
    def _refuse_writes_when_read_only() -> None:
        refused = entitlements_guard.refusal(request.method, request.endpoint, g.get("membership"))
        if refused is not None:
            raise refused

    @app.teardown_request
    def _leave_tenant_scope(_exc: BaseException | None) -> None:
        # Still open only when an exception escaped the view and the error handlers.
        transactions.finish(g.pop("unit_of_work", None), ok=False, detach=True)
        db.session.remove()
        web_context.leave()
        set_origin(Origin())  # threads are reused: no actor may outlive its request

    @app.after_request
    def _security_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        if app.config["TANDEM_ENV"] == "production":
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if getattr(g, "no_store", False) or request.blueprint in {"auth", "api"}:
            h.setdefault("Cache-Control", "no-store")
        return response

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    role_names = {
        "owner": lazy_gettext("Owner"),
        "consultant": lazy_gettext("Consultant"),
        "client_leader": lazy_gettext("Client leader"),
        "client_team": lazy_gettext("Client team"),
    }

    def role_label(role: str) -> str:
        return str(role_names.get(role, role))

    def brand_switcher() -> list[brands_service.SwitcherBrand]:
        """The layout's active brands by name; a page that already read them (the start
        page, in its brand query) leaves them in ``g`` for this request.  A member narrowed
        to some brands has them already: the sign-in loads the membership's brand links
        with their brands (inside the agency's scope), so they need no query."""
        membership = getattr(g, "membership", None)
        if membership is None:
            return []
        if "brand_switcher" not in g:
            if membership.brand_ids is None:
                g.brand_switcher = brands_service.switcher_brands()
            else:
                g.brand_switcher = brands_service.switcher_of(
                    link.brand for link in membership.brand_links
                )
        return g.brand_switcher

    app.jinja_env.globals.update(
        allowed=allowed, role_label=role_label, brand_switcher=brand_switcher
    )
    app.jinja_env.globals["ROLE_NAMES"] = role_names

    def billing_banner() -> object:
        if "billing_banner" not in g:
            g.billing_banner = banner_for(getattr(g, "membership", None))
        return g.billing_banner

    def billing_url() -> str | None:
        """The billing page, once its blueprint is there (owners only may open it)."""
        return url_for("billing.index") if "billing.index" in app.view_functions else None

    def deletion_banner() -> object:
        """The agency's scheduled deletion, for the banner every member sees."""
        if "deletion_banner" not in g:
            g.deletion_banner = agency_deletion.pending_of(getattr(g, "agency", None))
        return g.deletion_banner

    app.jinja_env.globals.update(
        deletion_banner=deletion_banner,
        billing_banner=billing_banner,
        billing_url=billing_url,
        billing_date=lambda when: format_date(when, "long"),
    )
    app.jinja_env.filters["paragraphs"] = paragraphs  # people's text: lines and lists kept
