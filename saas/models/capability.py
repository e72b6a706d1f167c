"""What a client's social team knows: the agency's skills catalogue, the team's members,
their assessments (history kept), the learning budget the client commits to, and the
learning items that close the gaps.

Skills are referred to by ``key`` everywhere (assessments, learning items, the engine's
``capability_gap`` rule): keys never change, names (English and Arabic) may.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import BrandScoped, TenantScoped

ASSESSMENT_SOURCES = ("self", "consultant")
LEARNING_FORMATS = ("partner_session", "course", "reading", "shadowing")
LEARNING_STATUSES = ("planned", "done", "dropped")


class Skill(TenantScoped, db.Model):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("agency_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    name_ar: Mapped[str] = mapped_column(String(80))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TeamMember(BrandScoped, db.Model):
    """A person of the client's social team: a Tandem user, or just a name."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Assessment(BrandScoped, db.Model):
    """One rating (0–4) of one member in one skill, by themself or a consultant; rows are
    only added, so the history shows progress.  The latest consultant rating counts when
    there is one, else the latest self-rating."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("team_members.id", ondelete="CASCADE"), index=True
    )
    skill_key: Mapped[str] = mapped_column(String(40), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class LearningBudget(BrandScoped, db.Model):
    """Hours per person per month the client commits to; the latest row counts."""

    __tablename__ = "learning_budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    hours_per_person_per_month: Mapped[float] = mapped_column(Float)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LearningItem(BrandScoped, db.Model):
    __tablename__ = "learning_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("team_members.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    skill_key: Mapped[str | None] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(10), default="planned", index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategy_sessions.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
