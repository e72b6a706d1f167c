"""Server-side sign-in sessions: what makes sign-out, password resets and "sign out
everywhere" end a session for real.

Flask's session is a signed cookie, which the server cannot take back.  So each sign-in
creates a ``UserSession`` row and the cookie (and the remember-me cookie, which Flask-Login
derives from the same id) carries ``"<user id>:<session_version>:<session id>"``.  Every
request checks the row: signing out ends this row; rotating ``User.session_version`` (a
password change or reset, removal, "sign out everywhere") ends every row of the person at
once.  Only the SHA-256 of the session id is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from saas.extensions import db
from saas.models import User, UserSession
from saas.services.links import hash_token
from saas.transactions import commit_now, use_case
from tenants.models import utcnow

# Writing ``last_seen_at`` on every request would turn each page view into a write.
TOUCH_EVERY = timedelta(minutes=5)


def lifetime(remember: bool) -> timedelta:
    """How long the server honours a session: the remember-me duration when chosen."""
    session_for = current_app.permanent_session_lifetime
    if not remember:
        return session_for
    remember_for = current_app.config["REMEMBER_COOKIE_DURATION"]
    if not isinstance(remember_for, timedelta):
        remember_for = timedelta(seconds=int(remember_for))
    return max(session_for, remember_for)


def start(
    user: User, *, remember: bool = False, ip: str | None = None, user_agent: str | None = None
) -> str:
    """Open a session for ``user``; returns its id (set on ``user.login_sid``).  Flushes."""
    sid = secrets.token_urlsafe(24)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            sid_hash=hash_token(sid),
            remember=remember,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime(remember),
            ip=(ip or "")[:45] or None,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    db.session.flush()
    user.login_sid = sid  # type: ignore[attr-defined]
    return sid


def parse_login_id(login_id: str) -> tuple[int, str, str] | None:
    """``"<id>:<version>:<sid>"`` → its parts, or None for anything else (old cookies)."""
    parts = login_id.split(":")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit() or not parts[2]:
        return None
    uid = int(parts[0])
    if not 1 <= uid <= 2**31 - 1:
        return None
    return uid, parts[1], parts[2]


def load(login_id: str) -> User | None:
    """The user a cookie's login id names, if that exact session is still open."""
    parsed = parse_login_id(login_id)
    if parsed is None:
        return None
    uid, version, sid = parsed
    now = utcnow()
    row = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == uid, UserSession.sid_hash == hash_token(sid))
    ).first()
    if row is None:
        return None
    user, record = row
    if (
        user.session_version != version
        or not user.is_active
        or record.ended_at is not None
        or record.expires_at <= now
    ):
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        db.session.execute(
            update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now)
        )
        commit_now("a session's last use is recorded even when the request fails")
    user.login_sid = sid  # type: ignore[attr-defined]
    return user


@use_case
def end(user: User) -> None:
    """End the session this request is signed in with."""
    sid = getattr(user, "login_sid", None)
    if sid:
        db.session.execute(
            update(UserSession)
            .where(UserSession.sid_hash == hash_token(sid), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all(user: User) -> int:
    """End every session of ``user`` (all browsers, remember-me included).  Flushes only.

    Rotating the version alone would do; ending the rows too keeps the record honest.
    """
    user.end_all_sessions()
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    db.session.flush()
    return int(result.rowcount or 0)


def open_count(user: User) -> int:
    now = utcnow()
    return len(
        db.session.scalars(
            select(UserSession.id).where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > now,
            )
        ).all()
    )
