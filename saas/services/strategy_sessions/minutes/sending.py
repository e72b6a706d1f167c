"""Emailing the minutes to every attendee in their own language, on their own clock:
members with a link to the session, guests in the brand's language and without one.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.dates import format_date
from flask_babel import force_locale
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, Brand, SessionAttendee, StrategySession
from saas.presentation import session_times
from saas.services import action_items
from saas.services.accounts import email_locale
from saas.services.mail import queue_email
from saas.services.strategy_sessions.minutes.queries import decisions_of
from saas.services.strategy_sessions.people import members_with_access, zone_of

LOCALES = ("en", "ar")


def _guest_locale(brand: Brand, agency: Agency | None) -> str:
    """A guest has no language setting: the brand's, else the agency's."""
    if brand.language in LOCALES:
        return brand.language
    default = getattr(agency, "default_locale", None)
    return default if default in LOCALES else "en"


def send_minutes(session: StrategySession, brand: Brand) -> int:
    """Queue the minutes to every attendee; returns how many emails were queued.

    Members get them in their own language and time zone with a link to the session;
    guests in the brand's language with the organiser's zone and UTC, and no link (they
    have no account here, or none we reveal)."""
    attendees: Sequence[SessionAttendee] = list(
        db.session.scalars(
            select(SessionAttendee)
            .where(SessionAttendee.session_id == session.id)
            .order_by(SessionAttendee.id)
        )
    )
    agency = db.session.scalar(select(Agency).where(Agency.id == session.agency_id))
    members = members_with_access(brand, [a.user_id for a in attendees if a.user_id])
    decisions = [{"text": d.text, "status": d.status} for d in decisions_of(session.id)]
    rows = action_items.rows(action_items.for_session(session.id), action_items.today_for(brand))
    path = f"/brands/{brand.id}/sessions/{session.id}"
    queued = 0
    for attendee in attendees:
        membership = members.get(attendee.user_id) if attendee.user_id else None
        user = membership.user if membership is not None else None
        if user is not None and not user.is_active:
            continue
        locale = email_locale(user, membership) if user is not None else None
        locale = locale if locale in LOCALES else _guest_locale(brand, agency)
        with force_locale(locale):
            if user is not None:
                zone = zone_of(user, brand.timezone)
                when = session_times.local(
                    session.starts_at, session.duration_minutes, zone, locale
                ).text
                when_utc = None
            else:
                mine, utc = session_times.for_guest(
                    session.starts_at, session.duration_minutes, session.timezone, locale
                )
                when, when_utc = mine.text, utc.text
            items = [
                {
                    "title": r.item.title,
                    "owner": r.owner_name,
                    "due": format_date(r.item.due_on, "medium", locale=locale)
                    if r.item.due_on
                    else None,
                    "status": r.item.status,
                }
                for r in rows
            ]
        queue_email(
            to=attendee.email,
            template="session_minutes",
            locale=locale,
            kind="session_minutes",
            name=user.name if user is not None else attendee.name,
            brand_name=brand.name,
            session_title=session.title,
            when=when,
            when_utc=when_utc,
            minutes=session.minutes or "",
            decisions=decisions,
            action_items=items,
            path=path if user is not None else None,
            agency_name=agency.name if agency is not None else None,
            accent_color=getattr(agency, "accent_color", None),
        )
        queued += 1
    return queued
