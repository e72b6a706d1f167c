"""Bare endpoints for ``bench/http.py``: one indexed query each, so a page's throughput can
be read as a ratio of what the same app, server and authentication can do at best.

Registered only when ``BENCH_ENDPOINTS`` is on, which production refuses (saas/config.py):
they are measuring sticks, not features.  ``/_bench/anonymous`` runs the query with nobody
signed in; ``/_bench/session`` behind the session sign-in every page uses (the membership,
brand scope and tenant scope that ``app_setup``'s ``before_request`` hooks set up).
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from saas.extensions import db
from saas.models import User

bp = Blueprint("bench", __name__, url_prefix="/_bench")


def one_indexed_query(user_id: int) -> int | None:
    """A primary-key lookup: the cheapest query a page could make."""
    return db.session.scalar(select(User.id).where(User.id == user_id))


@bp.route("/anonymous")
def anonymous() -> ResponseReturnValue:
    return jsonify(ok=one_indexed_query(1) is not None)


@bp.route("/session")
@login_required
def signed_in() -> ResponseReturnValue:
    return jsonify(ok=one_indexed_query(current_user.id) is not None)
