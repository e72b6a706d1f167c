"""Permission checks the web blueprints share (the signed-in member's role).

Ids, scoped look-ups and pagination live in ``saas.http``, shared with the API; the names
below re-export the constants that older imports and tests still read from here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user, login_required

from saas.http import MAX_ID, MAX_PAGE
from saas.permissions import can

__all__ = ["MAX_ID", "MAX_PAGE", "allowed", "current_role", "require"]


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
