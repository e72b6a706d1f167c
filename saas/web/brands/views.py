"""Client brand workspaces."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("brands", __name__, url_prefix="/brands")


@bp.route("/")
def index():  # type: ignore[no-untyped-def]
    return "TODO"


@bp.route("/<int:brand_id>")
def show(brand_id: int):  # type: ignore[no-untyped-def]
    return "TODO"
