"""Agency settings, profile, API tokens, audit log, email outbox."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/profile")
def profile():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/tokens")
def tokens():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/accent.css")
def accent_css():  # type: ignore[no-untyped-def]
    return "TODO"
