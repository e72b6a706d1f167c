"""One-time links (password reset, magic sign-in, email change): issue, check, consume.

Only a SHA-256 hash of each token is stored; the plain token travels once, in an email.
Consuming is a conditional UPDATE (``used_at IS NULL``), so two clicks racing each other
cannot both succeed.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import OneTimeToken, User
from saas.services.errors import Gone
from saas.services.hashing import hash_token
from saas.transactions import use_case
from tenants.models import utcnow

PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name, not a secret)
MAGIC_LINK = "magic_link"
EMAIL_CHANGE = "email_change"
PURPOSES = (PASSWORD_RESET, MAGIC_LINK, EMAIL_CHANGE)
# Used when ``TOKEN_TTL_HOURS`` names no lifetime for a purpose.
DEFAULT_TTL_HOURS = {EMAIL_CHANGE: 24}

# Tokens are URL-safe and long enough that guessing is hopeless; cap what we look up.
_MAX_TOKEN_LENGTH = 128


def ttl(purpose: str) -> timedelta:
    hours = current_app.config["TOKEN_TTL_HOURS"].get(purpose) or DEFAULT_TTL_HOURS[purpose]
    return timedelta(hours=float(hours))


def issue(user: User, purpose: str) -> str:
    """Store a new token for ``user`` and return its plain value (shown only once)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown one-time token purpose {purpose!r}")
    raw = secrets.token_urlsafe(32)
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(raw),
            expires_at=utcnow() + ttl(purpose),
        )
    )
    return raw


def _gone() -> Gone:
    return Gone(_("This link has expired or was already used."))


def _find(raw: str, purpose: str) -> OneTimeToken | None:
    if not raw or len(raw) > _MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_token(raw), OneTimeToken.purpose == purpose
        )
    )


def peek(raw: str, purpose: str) -> OneTimeToken:
    """The token if it can still be used; raises ``Gone`` (410) otherwise.  Changes nothing."""
    token = _find(raw, purpose)
    if (
        token is None
        or token.used_at is not None
        or token.expires_at <= utcnow()
        or not token.user.is_active
    ):
        raise _gone()
    return token


def consume(raw: str, purpose: str) -> User:
    """Mark the token used and return its user; raises ``Gone`` if it was used or expired.

    It is committed with whatever the token authorises, in the caller's unit of work.
    """
    token = peek(raw, purpose)
    now = utcnow()
    result = db.session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.id == token.id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _gone()
    set_committed_value(token, "used_at", now)
    return token.user


def revoke_outstanding(user: User, purpose: str) -> int:
    """Mark every unused token of ``user`` for ``purpose`` as used.  Returns how many."""
    result = db.session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@use_case
def revoke_raw(raw: str, purpose: str) -> None:
    """Spend one link that must not be used (its email was never delivered)."""
    db.session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == hash_token(raw),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
