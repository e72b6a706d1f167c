"""Starting a signed-in session: one place for the sign-in page, invitations and the
password change, so every session has its server-side record (``saas.services.sessions``).

With two-factor sign-in on, a correct password (or sign-in link, or password reset) does not
sign the person in: ``begin_sign_in`` keeps who is signing in, into which agency and until
when in the signed session cookie (``PENDING_KEY``, no Flask-Login user, so nothing is
reachable), and ``auth.two_factor`` finishes with a code.  When the agency requires
two-factor sign-in of someone who has not set it up, ``SETUP_KEY`` sends every page to the
set-up until it is done (``saas.web.auth.views``)."""

from __future__ import annotations

import time

from flask import current_app, redirect, request, session, url_for
from flask_login import login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.extensions import db
from saas.models import Membership, User
from saas.services import sessions, two_factor
from tenants.context import tenant_scope

PENDING_KEY = "two_factor_pending"
SETUP_KEY = "two_factor_setup"
PENDING_SECONDS = 10 * 60


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
    with tenant_scope(agency_id):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is not None and two_factor.setup_required(user, membership):
        session[SETUP_KEY] = True


def begin_sign_in(
    user: User,
    agency_id: int,
    *,
    remember: bool = False,
    method: str = "password",
    next_path: str | None = None,
) -> Response | None:
    """Sign ``user`` in, or, with two-factor on, ask for the code first (the redirect to
    return).  None when the session has started."""
    if not two_factor.is_enabled(user):
        start_session(user, agency_id, remember=remember)
        return None
    session.clear()  # nothing of an earlier session survives, signed in or not
    session[PENDING_KEY] = {
        "uid": user.id,
        "ver": user.session_version,
        "agency": agency_id,
        "remember": bool(remember),
        "method": method,
        "next": next_path or "",
        "until": int(time.time()) + PENDING_SECONDS,
    }
    return redirect(url_for("auth.two_factor"))


def pending() -> dict | None:
    """The half-finished sign-in of this browser, if it has not expired."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or int(data.get("until") or 0) < time.time():
        return None
    return data
