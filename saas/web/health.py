"""Liveness for load balancers and docker compose: the app answers and the database too."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import select

from saas.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    db.session.execute(select(1))
    return jsonify({"status": "ok"})
