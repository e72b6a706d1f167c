"""The bare endpoint behind token authentication, for ``bench/http.py`` (see
``saas.web.bench``): the API's own ``authorise`` — token, membership, tenant scope — then
one indexed query.  Its own blueprint, registered only when ``BENCH_ENDPOINTS`` is on, so it
is never part of the API or its OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, g, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from saas.api.base import ApiError, authorise
from saas.extensions import db
from saas.http import json_error
from saas.models import User

bp = Blueprint("bench_api", __name__, url_prefix="/api/v1/_bench")


@bp.route("/token")
def token() -> ResponseReturnValue:
    authorise(None)
    found = db.session.scalar(select(User.id).where(User.id == g.membership.user_id))
    return jsonify(ok=found is not None)


@bp.errorhandler(ApiError)
def _api_error(err: ApiError) -> ResponseReturnValue:
    return json_error(err.status, err.message, err.fields, err.code)
