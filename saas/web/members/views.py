"""Members, roles and invitations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return "TODO"
