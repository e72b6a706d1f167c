"""Starting a signed-in session: one place for the sign-in page, invitations and the
password change, so every session has its server-side record (``saas.services.sessions``)."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import login_user

from saas.models import User
from saas.services import sessions


def start_session(user: User, agency_id: int, *, remember: bool = False) -> None:
    """A brand-new session for ``user`` in ``agency_id`` (nothing of the old one survives).

    The row is committed with the request, before the response (and its cookie) leaves."""
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    had_remember_cookie = cookie_name in request.cookies
    sessions.start(
        user,
        remember=remember,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    session.clear()
    login_user(user, remember=remember)
    session["agency_id"] = agency_id
    if not remember and had_remember_cookie:
        # Someone else's remember-me cookie must not outlive this sign-in.
        session["_remember"] = "clear"
