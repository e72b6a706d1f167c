"""Personal access tokens for the JSON API.

The plain token is returned once by ``create_token`` and never stored: the database keeps
its hash (``saas.services.hashing``, what ``saas.api.base.authenticate`` looks up) and an
8-character prefix so people can tell their tokens apart.  Runs in the caller's tenant scope.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Select, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import ApiToken, Membership, User
from saas.services import audit
from saas.services.agency import check_plain_text
from saas.services.errors import NotFound, ValidationFailed
from saas.services.hashing import hash_token
from saas.transactions import use_case
from tenants.models import utcnow

NAME_MAX = 80
PREFIX = "tdm_"


def clean_name(name: str | None) -> str:
    """The token's name, stripped; raises ValidationFailed on the ``name`` field."""
    name = (name or "").strip()
    if not name:
        msg = _("Give the token a name, for example the tool that will use it.")
        raise ValidationFailed(msg, {"name": msg})
    if len(name) > NAME_MAX:
        msg = _("Use at most %(n)d characters.", n=NAME_MAX)
        raise ValidationFailed(msg, {"name": msg})
    check_plain_text(name, "name")
    return name


@use_case
def create_token(membership: Membership, name: str | None) -> tuple[ApiToken, str]:
    """Create a token for ``membership``'s user in its agency; returns (row, raw)."""
    name = clean_name(name)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        agency_id=membership.agency_id,
        user_id=membership.user_id,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:8],
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", token, actor=membership.user, prefix=token.prefix)
    return token, raw


@use_case
def revoke_token(token: ApiToken, actor: User | None = None) -> None:
    """Revoke a token (idempotent).  ``actor`` defaults to the request's actor."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record("token.revoked", token, actor=actor, prefix=token.prefix)


def tokens_of_user_stmt(user_id: int) -> Select[tuple[ApiToken]]:
    """The user's active tokens in the current agency, newest first (for pagination)."""
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def list_tokens(user_id: int) -> list[ApiToken]:
    return list(db.session.scalars(tokens_of_user_stmt(user_id)))


def get_own_token(user_id: int, token_id: int) -> ApiToken:
    """One of the user's active tokens; anyone else's (or a revoked one) is NotFound."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user_id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if token is None:
        raise NotFound(_("We could not find that token."))
    return token
