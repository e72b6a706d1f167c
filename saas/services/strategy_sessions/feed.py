"""A person's calendar feed: a secret URL a calendar app subscribes to.

The secret is shown once and stored as its hash on the user (``User.calendar_feed_hash``);
resetting replaces it (the old URL stops at once) and turning it off clears it.  The feed
lists the sessions the person attends or organised, in every agency they are a member of,
and only in the brands they can still see: each agency is read in its own tenant scope,
narrowed to the member's brands, so a removed member or a lost brand drops out by itself.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from saas.domain import ics
from saas.extensions import db
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.models import BrandAccess, Membership, SessionAttendee, StrategySession, User
from saas.services import audit, mail
from saas.services.hashing import hash_token
from saas.services.strategy_sessions.invites import invite_of
from saas.transactions import use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import Role

# How far back the feed reaches, and how many sessions it holds at most.
HISTORY = timedelta(days=180)
MAX_EVENTS = 500
TOKEN_MAX = 100


def is_on(user: User) -> bool:
    return user.calendar_feed_hash is not None


@use_case
def create(user: User) -> str:
    """Turn the feed on (or replace its secret); the raw secret is returned once."""
    raw = secrets.token_urlsafe(32)
    replaced = user.calendar_feed_hash is not None
    user.calendar_feed_hash = hash_token(raw)
    audit.record("calendar_feed.reset" if replaced else "calendar_feed.created", user)
    db.session.flush()
    return raw


@use_case
def turn_off(user: User) -> None:
    if user.calendar_feed_hash is None:
        return
    user.calendar_feed_hash = None
    audit.record("calendar_feed.turned_off", user)
    db.session.flush()


def url(raw: str) -> str:
    return mail.app_url("session_links.feed", token=raw)


def owner_of(raw: str) -> User | None:
    """The active person whose feed this secret opens (users are global: no tenant)."""
    if not raw or len(raw) > TOKEN_MAX:
        return None
    with system_scope():
        user = db.session.scalar(select(User).where(User.calendar_feed_hash == hash_token(raw)))
    if user is None or not user.is_active:
        return None
    return user


def _memberships(user: User) -> list[tuple[int, frozenset[int] | None]]:
    """(agency id, brands the member sees or None for all) of each of the person's agencies.

    Plain columns only (the rule of ``Membership.sees_all_brands``), so no row read without
    tenant criteria stays in the session."""
    with system_scope():
        rows = db.session.execute(
            select(Membership.id, Membership.agency_id, Membership.role, Membership.all_brands)
            .where(Membership.user_id == user.id)
            .order_by(Membership.agency_id)
        ).all()
        links = db.session.execute(
            select(BrandAccess.membership_id, BrandAccess.brand_id).where(
                BrandAccess.membership_id.in_([r[0] for r in rows])
            )
        ).all()
    found = []
    for membership_id, agency_id, role, all_brands in rows:
        everything = role == Role.OWNER or (role == Role.CONSULTANT and all_brands)
        brands = frozenset(b for m, b in links if m == membership_id)
        found.append((agency_id, None if everything else brands))
    return found


def sessions_of(user: User, *, now: datetime | None = None) -> list[StrategySession]:
    """Every session the person attends or organised that they may still see, soonest first."""
    clock = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    email = user.email.strip().lower()
    found: list[StrategySession] = []
    for agency_id, brand_ids in _memberships(user):
        with tenant_scope(agency_id, brand_ids=brand_ids):
            attending = select(SessionAttendee.session_id).where(
                or_(SessionAttendee.user_id == user.id, SessionAttendee.email == email)
            )
            found += db.session.scalars(
                select(StrategySession)
                .where(
                    or_(
                        StrategySession.id.in_(attending),
                        StrategySession.created_by_id == user.id,
                    ),
                    StrategySession.starts_at >= clock - HISTORY,
                )
                .options(selectinload(StrategySession.attendees))
                .order_by(StrategySession.starts_at, StrategySession.id)
                .limit(MAX_EVENTS)
            )
    found.sort(key=lambda s: (s.starts_at, s.id))
    return found[:MAX_EVENTS]


def build(user: User, *, now: datetime | None = None) -> bytes:
    """The feed: ``METHOD:PUBLISH``, one VEVENT per session, cancelled ones included with
    ``STATUS:CANCELLED`` so a subscribed calendar removes them."""
    clock = now or datetime.now(UTC)
    sessions = sessions_of(user, now=clock)
    ids = sorted({s.created_by_id for s in sessions if s.created_by_id})
    organisers = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    events = [
        invite_of(
            s,
            now=clock,
            organiser=organisers.get(s.created_by_id or 0),
            url=mail.app_url("sessions.show", brand_id=s.brand_id, session_id=s.id),
        )
        for s in sessions
    ]
    locale = user.locale if user.locale in LANGUAGES else "en"
    with force_locale(locale):
        name = _("Tandem strategy sessions: %(name)s", name=user.name)
    return ics.feed(events, name, method="PUBLISH")
