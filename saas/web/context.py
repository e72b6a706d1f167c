"""Resolve who is asking once per request and put their tenant scope in place."""

from __future__ import annotations

from contextvars import Token

from flask import g
from sqlalchemy import select

from saas.extensions import db
from saas.models import Membership, User
from saas.services import sessions
from saas.services.audit import set_actor
from tenants.context import Scope, reset_scope, set_scope, system_scope, tenant_scope


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<session_version>:<session id>"``, checked on the server
    (``saas.services.sessions``): a signed-out session or a rotated version is refused."""
    return sessions.load(user_id)


def memberships_of(user: User) -> list[Membership]:
    """All of a user's memberships, across agencies (used at sign-in and for the switcher)."""
    with system_scope():
        return list(
            db.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )


def resolve_membership(user: User, agency_id: int | None) -> Membership | None:
    """The membership for the session's agency (or the user's first one).

    Kept for the rest of the request (``g`` is per request), so the two-factor gate and
    the tenant-scope hook, which both need it, load it once."""
    key = (user.id, agency_id)
    cached = g.get("_resolved_membership")
    if cached is not None and cached[0] == key:
        return cached[1]
    if agency_id is None:
        found = memberships_of(user)
        membership = found[0] if found else None
    else:
        with tenant_scope(agency_id):
            membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    g._resolved_membership = (key, membership)
    return membership


def scope_for(membership: Membership) -> Scope:
    return Scope(agency_id=membership.agency_id, brand_ids=membership.brand_ids)


def enter(membership: Membership) -> None:

    set_actor(membership.user_id, membership.user.email)
    g.membership = membership
    g.agency = membership.agency
    g.scope_token = set_scope(scope_for(membership))


def leave() -> None:
    token: Token | None = g.pop("scope_token", None)
    if token is not None:
        reset_scope(token)
