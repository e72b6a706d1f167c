"""Ids from request input, loaded in scope: 404 for what cannot exist or is not the caller's.

Shared by the web pages and the API (neither owns it); the shape of an id is
``saas.domain.ids``, which the services use too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import select

from saas.domain.ids import MAX_ID, is_ascii_digits, parse_id
from saas.extensions import db

T = TypeVar("T")

__all__ = ["MAX_ID", "get_or_404", "is_ascii_digits", "parse_id"]


def get_or_404(model: type[T], ident: Any, *conditions: Any) -> T:
    """Load by primary key through a SELECT, so the tenant criteria always apply.

    ``Session.get`` could answer from the identity map without SQL; we never use it for
    request input.  Another tenant's row is simply not found: 404, never 403.  (The API
    answers the 404 as JSON: its error handler turns every ``HTTPException`` into one.)
    """
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 1 <= ident <= MAX_ID:
        abort(404)  # beyond the database's integer range: nothing can match

    obj = db.session.scalar(select(model).where(model.id == ident, *conditions))  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj
