"""PDF alignment reports: the request row is the truth; a worker renders it.

Status: queued → rendering (progress %) → ready | failed (with a reason a person can act on).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import BrandScoped

REPORT_STATUSES = ("queued", "rendering", "ready", "failed")
# The sections a report may contain are the report content registry's
# (``saas.services.report_content.section_names``): ``sections`` stores the names asked for,
# and the services check them against the registry, so a new section needs no list here.


class Report(BrandScoped, db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_schedules.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5), default="en")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Extra recipients (membership ids) emailed when the report is ready.
    recipient_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[str | None] = mapped_column(String(64))
    # A render not finished by then is re-queued or failed by the sweeper.
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    file_path: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # Scheduled reports an agency holds for a consultant's approval before they go out.
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    summary_override: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    shares: Mapped[list[ReportShare]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="raise"
    )


class ReportShare(BrandScoped, db.Model):
    """An expiring, revocable link for a leader without an account (hash stored)."""

    __tablename__ = "report_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="shares")


class ReportSchedule(BrandScoped, db.Model):
    """A brand's monthly or quarterly report, delivered to chosen leaders."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10))  # monthly | quarterly
    locale: Mapped[str] = mapped_column(String(5), default="en")
    sections: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipient_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    hold_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    next_run_on: Mapped[date] = mapped_column(Date, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
