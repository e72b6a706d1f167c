"""Members, roles and invitations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return "TODO"

invitations_bp = Blueprint("invitations", __name__, url_prefix="/invitations")


@invitations_bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):  # type: ignore[no-untyped-def]
    return "TODO"
