"""The session page's reminders panel: for the organiser and staff (``session.edit``), each
attendee's 24-hour and 1-hour reminder, its status, its time on the viewer's clock and, for
a skipped or failed one, why.  It reads the rows, never the queue (the row is the truth)."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from saas.i18n import gettext as _
from saas.models import Brand, StrategySession
from saas.models.sessions import REMINDER_KINDS
from saas.presentation import session_times
from saas.services.strategy_sessions import reminding
from saas.web.common import allowed
from saas.web.sessions.clock import viewer_zone

BADGES = {
    "scheduled": "badge-muted",
    "sent": "badge-ok",
    "failed": "badge-bad",
    "skipped": "badge-warn",
    "cancelled": "badge-muted",
}


def _status_labels() -> dict[str, str]:
    return {
        "scheduled": _("Scheduled"),
        "sent": _("Sent"),
        "failed": _("Failed"),
        "skipped": _("Skipped"),
        "cancelled": _("Cancelled"),
    }


def _kind_labels() -> dict[str, str]:
    return {"24h": _("24 hours before"), "1h": _("1 hour before")}


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_reminders.html`` on the session page."""
    if not allowed("session.edit"):
        return {"reminders_visible": False}
    locale = str(get_locale() or "en")
    zone = viewer_zone(brand)
    statuses, kinds = _status_labels(), _kind_labels()
    people: dict[str, dict[str, Any]] = {}
    for row in reminding.for_session(session):
        person = people.setdefault(row.email, {"email": row.email, "kinds": {}})
        shown = row.sent_at if row.status == "sent" and row.sent_at else row.due_at
        when = session_times.local(shown, 0, zone, locale)
        person["kinds"][row.kind] = {
            "status": row.status,
            "status_label": statuses.get(row.status, row.status),
            "badge": BADGES.get(row.status, "badge-muted"),
            "when": _("%(date)s, %(hours)s", date=when.date, hours=when.start),
            "reason": reminding.reason_text(row.reason, row.kind),
        }
    names = {a.email: a.name for a in _attendees(session)}
    for email, person in people.items():
        person["name"] = names.get(email)
    return {
        "reminders_visible": True,
        "reminder_kinds": [(k, kinds[k]) for k in REMINDER_KINDS],
        "reminder_rows": list(people.values()),
        "reminder_zone": session_times.local(session.starts_at, 0, zone, locale).zone,
    }


def _attendees(session: StrategySession) -> list[Any]:
    from sqlalchemy import select

    from saas.extensions import db
    from saas.models import SessionAttendee

    return list(
        db.session.scalars(select(SessionAttendee).where(SessionAttendee.session_id == session.id))
    )
