"""Sign up, sign in and out, password reset, magic links, language choice."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/language/<lang>")
def set_language(lang: str):  # type: ignore[no-untyped-def]
    return "TODO"
