"""Wiring done once per app: extensions, blueprints, request hooks, CLI commands."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_login import current_user, logout_user

from saas import i18n
from saas.extensions import babel, csrf, db, limiter, login_manager, migrate


def init_extensions(app: Flask) -> None:
    import saas.models  # noqa: F401  (register every model with the metadata)
    from saas.config import ROOT

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

    from worker.queue import init_queue

    init_queue(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=5000")
                cur.close()


def register_blueprints(app: Flask) -> None:
    from saas.api import api_bp
    from saas.web.auth.views import bp as auth_bp
    from saas.web.brands.views import bp as brands_bp
    from saas.web.dashboard.views import bp as dashboard_bp
    from saas.web.members.views import bp as members_bp
    from saas.web.members.views import invitations_bp
    from saas.web.settings.views import bp as settings_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(brands_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(api_bp)
    from saas.web.calendar.views import bp as calendar_bp
    from saas.web.goals.views import bp as goals_bp
    from saas.web.methodology.views import bp as methodology_bp
    from saas.web.plans.views import bp as plans_bp
    from saas.web.reports.schedules import schedules_bp
    from saas.web.reports.views import bp as reports_bp
    from saas.web.reviews.views import bp as reviews_bp

    for blueprint in (
        goals_bp,
        plans_bp,
        calendar_bp,
        reviews_bp,
        methodology_bp,
        reports_bp,
        schedules_bp,
    ):
        app.register_blueprint(blueprint)
    from saas.web.health import bp as health_bp

    app.register_blueprint(health_bp)
    csrf.exempt(api_bp)  # token-authenticated only; no cookie is ever accepted there


def register_hooks(app: Flask) -> None:
    from saas.services.audit import Origin, set_origin
    from saas.web import context as web_context
    from saas.web.errors import register_error_handlers

    @login_manager.user_loader
    def _load_user(user_id: str):  # type: ignore[no-untyped-def]
        return web_context.load_user(user_id)

    @app.before_request
    def _enter_tenant_scope() -> None:
        set_origin(
            Origin(
                ip=request.remote_addr,
                user_agent=(request.user_agent.string or "")[:255] or None,
            )
        )
        if request.blueprint == "api" or request.endpoint == "static":
            return  # the API authenticates by token in its own before_request
        if current_user.is_authenticated:
            membership = web_context.resolve_membership(current_user, session.get("agency_id"))
            if membership is None:
                logout_user()
                session.clear()
                return
            web_context.enter(membership)

    @app.teardown_request
    def _leave_tenant_scope(_exc: BaseException | None) -> None:
        db.session.remove()
        web_context.leave()
        set_origin(Origin())  # threads are reused: no actor may outlive its request

    @app.after_request
    def _security_headers(response):  # type: ignore[no-untyped-def]
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
    from saas.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from sqlalchemy import select

    from saas.i18n import lazy_gettext
    from saas.models import Brand
    from saas.web.common import allowed

    role_names = {
        "owner": lazy_gettext("Owner"),
        "consultant": lazy_gettext("Consultant"),
        "client_leader": lazy_gettext("Client leader"),
        "client_team": lazy_gettext("Client team"),
    }

    def role_label(role: str) -> str:
        return str(role_names.get(role, role))

    def brand_switcher() -> list[Brand]:
        if getattr(g, "membership", None) is None:
            return []
        if "brand_switcher" not in g:
            g.brand_switcher = list(
                db.session.scalars(
                    select(Brand).where(Brand.archived_at.is_(None)).order_by(Brand.name).limit(30)
                )
            )
        return g.brand_switcher

    app.jinja_env.globals.update(
        allowed=allowed, role_label=role_label, brand_switcher=brand_switcher
    )
    app.jinja_env.globals["ROLE_NAMES"] = role_names
