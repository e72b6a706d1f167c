"""Pagination for web pages and API lists: one query, one count, one ``Page``.

The web reads ``page``/``per_page`` leniently (a bad value falls back to the default, as a
person typing in the address bar expects); the API strictly (a bad value is a 400 naming
the parameter, as an integration needs).  Both bound the page so OFFSET cannot overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, request
from sqlalchemy import Select, func, select

from saas.extensions import db
from saas.http.errors import ApiError
from saas.http.ids import is_ascii_digits

T = TypeVar("T")

MAX_PAGE = 100_000  # page × per_page stays far inside the database's OFFSET range
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


@dataclass
class Page(Generic[T]):
    items: list[T]
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

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page * self.per_page < self.total else None


def _arg_int(name: str) -> int | None:
    """A query argument of ASCII digits (``int`` also takes ``"²"``-like digits and fails)."""
    raw = (request.args.get(name) or "").strip()
    return int(raw) if is_ascii_digits(raw) else None


def page_args(
    default_per_page: int = DEFAULT_PER_PAGE, max_per_page: int = MAX_PER_PAGE
) -> tuple[int, int]:
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


def _strict_int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not is_ascii_digits(raw.strip().removeprefix("-")):  # int() also takes "1_000"
        raise ApiError(
            400, "bad_request", f"{name} must be an integer.", {name: "Must be an integer."}
        )
    value = int(raw.strip())
    if not lo <= value <= hi:
        raise ApiError(
            400,
            "bad_request",
            f"{name} must be between {lo} and {hi}.",
            {name: f"Between {lo} and {hi}."},
        )
    return value


def page_params() -> tuple[int, int]:
    """Read ``page`` and ``per_page`` strictly: anything but an integer in range is a 400."""
    return (
        _strict_int("page", 1, 1, MAX_PAGE),
        _strict_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def paginate(stmt: Select[Any], page: int, per_page: int) -> Page[Any]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=int(total or 0))
