"""Small helpers every blueprint shares: permission checks, scoped look-ups, pagination."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, request
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select

from saas.extensions import db
from saas.permissions import can

T = TypeVar("T")
MAX_ID = 2**31 - 1  # INTEGER primary keys on PostgreSQL


def get_or_404(model: type[T], ident: Any, *conditions: Any) -> T:
    """Load by primary key through a SELECT, so the tenant criteria always apply.

    ``Session.get`` could answer from the identity map without SQL; we never use it for
    request input.  Another tenant's row is simply not found: 404, never 403.
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


def current_role() -> str | None:
    membership = getattr(g, "membership", None)
    return membership.role if membership is not None else None


def allowed(permission: str) -> bool:
    role = current_role()
    return role is not None and can(role, permission)


def require(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: signed in, a member, and the role holds ``permission``; else 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated or not allowed(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


MAX_PAGE = 100_000  # page × per_page stays far inside the database's OFFSET range


def _arg_int(name: str) -> int | None:
    """A query argument of ASCII digits (``int`` also takes ``"²"``-like digits and fails)."""
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def page_args(default_per_page: int = 20, max_per_page: int = 100) -> tuple[int, int]:
    """Read ``page`` and ``per_page`` leniently: bad values fall back to defaults.

    A page beyond ``MAX_PAGE`` is a 400: it can hold nothing, and an unbounded one made the
    OFFSET overflow into a 500.
    """
    page = _arg_int("page")
    if page is not None and page > MAX_PAGE:
        abort(400)
    page = max(1, page or 1)
    per_page = _arg_int("per_page")
    per_page = default_per_page if per_page is None else min(max_per_page, max(1, per_page))
    return page, per_page


def paginate(stmt: Select[Any], page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=int(total or 0))
