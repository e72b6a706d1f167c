"""Leadership strategy sessions of a brand and the people invited to them.

Times are stored as naive UTC (``tenants.models.utcnow``) next to the organiser's IANA zone,
so a session is shown on each person's own clock and a series keeps its local wall time
across daylight-saving changes (``saas.domain.sessions``).  Each occurrence of a series is
its own row with its own ``uid`` and ``sequence``, so an invitation can move or cancel one
occurrence without touching the others.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import BrandScoped

SESSION_KINDS = (
    "quarterly_business_review",
    "campaign_kickoff",
    "strategy_workshop",
    "training",
    "ad_hoc",
)
SESSION_STATUSES = ("scheduled", "done", "cancelled")
ATTENDEE_PARTS = ("leader", "senior_social", "consultant", "guest")
RSVP_STATUSES = ("needs_action", "accepted", "declined", "tentative")


class StrategySession(BrandScoped, db.Model):
    """One meeting (or one occurrence of a series) of a brand's leadership."""

    __tablename__ = "strategy_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    # The first occurrence's id for every occurrence of a series (itself included); NULL
    # for a one-off session.
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # RFC 5545 SEQUENCE: raised on every change of time or place, and on cancellation.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    attendees: Mapped[list[SessionAttendee]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="SessionAttendee.id",
        lazy="raise",
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SessionAttendee(BrandScoped, db.Model):
    """One person invited: a member of the agency (``user_id``) or an external guest.

    ``part`` is their part in this session, not their Tandem role.  A guest's ``name`` is
    only what the organiser typed: never read from an account, so nothing tells a guest
    who happens to have an account elsewhere from any other guest.
    """

    __tablename__ = "session_attendees"
    __table_args__ = (UniqueConstraint("session_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    part: Mapped[str] = mapped_column(String(20), default="guest")
    rsvp: Mapped[str] = mapped_column(String(20), default="needs_action")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[StrategySession] = relationship(back_populates="attendees")
