"""Who may write a session's minutes, and when: staff, once the session has started (before
that there is nothing to record: 409 ``not_started``), never for a cancelled session (409
``cancelled``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from saas.i18n import gettext as _
from saas.models import Membership, StrategySession
from saas.permissions import can
from saas.services.errors import Conflict, Forbidden
from tenants.models import utcnow


def can_write(role: str | None) -> bool:
    return role is not None and can(role, "session.minutes")


def naive_now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def has_started(session: StrategySession, now: datetime | None = None) -> bool:
    return naive_now(now) >= session.starts_at


def may_write(role: str | None, session: StrategySession, now: datetime | None = None) -> bool:
    """Whether the page offers "Write minutes": staff, a session under way or over."""
    return can_write(role) and session.status != "cancelled" and has_started(session, now)


def ensure_writable(
    actor: Membership, session: StrategySession, *, now: datetime | None = None
) -> None:
    """403 for a role that may not write minutes; 409 for a cancelled session or one that
    has not started yet (minutes record what happened)."""
    if not can_write(actor.role):
        raise Forbidden(_("Only the agency writes the minutes of a session."))
    if session.status == "cancelled":
        raise Conflict(_("This session was cancelled, so it has no minutes."), code="cancelled")
    if not has_started(session, now):
        raise Conflict(
            _("The session has not started yet. Write the minutes once it is under way."),
            code="not_started",
        )
