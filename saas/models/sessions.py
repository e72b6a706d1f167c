"""Leadership strategy sessions of a brand and the people invited to them.

Times are stored as naive UTC (``tenants.models.utcnow``) next to the organiser's IANA zone,
so a session is shown on each person's own clock and a series keeps its local wall time
across daylight-saving changes (``saas.domain.sessions``).  Each occurrence of a series is
its own row with its own ``uid`` and ``sequence``, so an invitation can move or cancel one
occurrence without touching the others.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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
    # The minutes: free text written after the session; recording them makes it ``done``.
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    minutes_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

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


REMINDER_KINDS = ("24h", "1h")
REMINDER_STATUSES = ("scheduled", "sent", "failed", "skipped", "cancelled")


class SessionReminder(BrandScoped, db.Model):
    """One reminder to one attendee (by email) before one session: the row, not the queued
    job, is the truth, and a worker claims it (``scheduled`` → ``sent``/``failed``) in one
    conditional UPDATE so two workers never send it twice.  ``due_at`` moves with the
    session; a row whose time had passed when it was planned is ``skipped`` with a reason."""

    __tablename__ = "session_reminders"
    __table_args__ = (UniqueConstraint("session_id", "email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(12), default="scheduled", index=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    job_id: Mapped[str | None] = mapped_column(String(100))
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


AGENDA_SOURCES = ("goal", "finding", "plan", "action_item", "decision")
# Items the drafting adds around the sources; ``overflow`` keeps how many were left out in
# ``source_id``.
AGENDA_FRAMES = ("opening", "closing", "discussion", "overflow")
AGENDA_ORIGINS = ("drafted", "manual")


class AgendaItem(BrandScoped, db.Model):
    """One item of a session's agenda: drafted from the data (``source_kind``/``source_id``,
    one row per source per session) or added by hand.  ``edited`` and ``removed`` record a
    person's changes to a drafted item, so regenerating never undoes them."""

    __tablename__ = "session_agenda_items"
    __table_args__ = (UniqueConstraint("session_id", "source_kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer, default=5)
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10), default="drafted")
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


DECISION_STATUSES = ("decided", "pending")


class SessionDecision(BrandScoped, db.Model):
    """A decision recorded in a session's minutes; ``pending`` ones (deferred to a later
    session) are drafted into the next agenda until someone records them as decided."""

    __tablename__ = "session_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="decided", index=True)
    # What the decision is about: a goal of the brand or one of its plans (either, or none).
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


ACTION_ITEM_STATUSES = ("open", "done")


class ActionItem(BrandScoped, db.Model):
    """Something a person agreed to do in a session: owner, due date, open or done.  It
    stays with the brand after the session and is carried into later agendas while open."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
