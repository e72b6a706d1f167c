"""The start page: what needs attention today, by role."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():  # type: ignore[no-untyped-def]
    return "TODO"
