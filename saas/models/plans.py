"""Social plans, their revisions (one per review cycle), campaigns and calendar items.

A revision is either the plan's working draft (``frozen`` false: edited in place by every
save) or frozen (submitted, never changed again).  A plan has at most one draft, always its
latest revision; after "changes requested" the first save starts the next cycle's draft,
so revision numbers count what was submitted (see ``saas.services.plans.revisions``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import BrandScoped

PLAN_STATUSES = ("draft", "submitted", "in_review", "changes_requested", "approved", "archived")


class Plan(BrandScoped, db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The consultant who should review it (a membership of the agency).
    reviewer_membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    # Optimistic concurrency: every save and transition moves it on by one with a
    # compare-and-set (``saas.services.plans.versions``); a save from an older one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    revisions: Mapped[list[PlanRevision]] = relationship(
        back_populates="plan",
        order_by="PlanRevision.number",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class PlanRevision(BrandScoped, db.Model):
    __tablename__ = "plan_revisions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # False for the working draft (edited in place); set on submission, never cleared.
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    # When this revision was submitted (None for the draft and for revisions frozen by the
    # every-save rule before review cycles, which were never submitted themselves).
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="revisions")
    campaigns: Mapped[list[Campaign]] = relationship(
        back_populates="revision",
        order_by="Campaign.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )
    calendar_items: Mapped[list[CalendarItem]] = relationship(
        back_populates="revision",
        order_by="CalendarItem.date",
        cascade="all, delete-orphan",
        lazy="raise",
    )


class Campaign(BrandScoped, db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("plan_revisions.id", ondelete="CASCADE"), index=True
    )
    # Stable across revisions, so two revisions can be compared campaign by campaign.
    key: Mapped[str] = mapped_column(String(32), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[str] = mapped_column(String(20))
    objective: Mapped[str] = mapped_column(String(20))
    kpi: Mapped[str | None] = mapped_column(String(30))
    kpi_baseline: Mapped[float | None] = mapped_column(Float)
    kpi_target: Mapped[float | None] = mapped_column(Float)
    audience_id: Mapped[int | None] = mapped_column(
        ForeignKey("audiences.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    duration_rationale: Mapped[str | None] = mapped_column(Text)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    revision: Mapped[PlanRevision] = relationship(back_populates="campaigns")
    goal_links: Mapped[list[CampaignGoal]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", lazy="raise"
    )


class CampaignGoal(BrandScoped, db.Model):
    """A campaign serves a goal, with an expected contribution (in the goal's unit)."""

    __tablename__ = "campaign_goals"
    __table_args__ = (UniqueConstraint("campaign_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    contribution: Mapped[float | None] = mapped_column(Float)

    campaign: Mapped[Campaign] = relationship(back_populates="goal_links")


class CalendarItem(BrandScoped, db.Model):
    __tablename__ = "calendar_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("plan_revisions.id", ondelete="CASCADE"), index=True
    )
    campaign_key: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date, index=True)
    network: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    pillar: Mapped[str | None] = mapped_column(String(120))
    brief: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")

    revision: Mapped[PlanRevision] = relationship(back_populates="calendar_items")
