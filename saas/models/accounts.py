"""Users and the secrets that let them in: one-time links, invitations, API tokens.

Every secret is stored as a SHA-256 hash; the plain value is shown once.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.models import Membership, utcnow
from tenants.scoping import TenantScoped


class User(UserMixin, db.Model):
    """A person.  Global (not tenant-owned): their roles live in ``Membership``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active_user: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotating this ends every session and remember-me cookie of the user.
    session_version: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A consultant's last answer to "Visible to the client?" on a review comment, offered
    # as the preselected answer next time; None until they first choose (never a default).
    share_comments: Mapped[bool | None] = mapped_column(Boolean)
    # The person's IANA time zone for showing sessions; None: the browser's, else the brand's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # ``{"days": [0-6, Monday = 0], "start": "09:00", "end": "17:00"}`` on the person's own
    # clock; None: ``saas.domain.sessions.default_working_hours`` for their locale.
    working_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The personal calendar feed's secret, hashed (``services.hashing``); None: no feed.
    # Replacing it revokes the old URL.
    calendar_feed_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Two-factor sign-in (``saas.services.two_factor``): the TOTP secret (base32, stored as
    # is: there is no key store to encrypt it with; it is shown only while setting up),
    # set while setting up and kept once ``totp_enabled_at`` is set; the time step of the
    # last accepted code, so a code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    # A new address waiting for its confirmation link to be opened (``services.account``).
    pending_email: Mapped[str | None] = mapped_column(String(254))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        # Flask-Login's "alternative token", stored in the session and the remember-me
        # cookie: a stale version (sign out everywhere) or an ended session id (sign out of
        # this browser) invalidates both on the server.  ``login_sid`` is set per request.
        return f"{self.id}:{self.session_version}:{getattr(self, 'login_sid', '')}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_active_user

    def end_all_sessions(self) -> None:
        self.session_version = secrets.token_hex(8)


class UserSession(db.Model):
    """One signed-in browser: what sign-out ends on the server.

    The cookie carries the random session id; only its SHA-256 is stored, so a leaked
    database cannot be replayed as cookies.  Global like ``User``: a session spans agencies.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class RecoveryCode(db.Model):
    """One single-use two-factor recovery code, as a peppered SHA-256 (HMAC) only.

    Global like ``User``: the second factor belongs to the person, not to an agency."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OneTimeToken(db.Model):
    """A single-use expiring link for one user: password reset, magic sign-in, email change."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Invitation(TenantScoped, db.Model):
    """An emailed, single-use, expiring invitation to join an agency in a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    brand_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    all_brands: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    invited_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class ApiToken(TenantScoped, db.Model):
    """A personal access token for the JSON API, bound to one user in one agency."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")
