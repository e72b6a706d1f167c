"""Consultant reviews of a plan revision: engine findings, judgements, comments, verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import BrandScoped, TenantScoped

VERDICTS = ("aligned", "needs_changes", "misaligned")
FINDING_STATES = ("open", "accepted", "dismissed")


class Review(BrandScoped, db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("plan_revisions.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # What the engine computed when the review opened (recomputed on judgement changes).
    score: Mapped[int] = mapped_column(Integer, default=0)
    engine_verdict: Mapped[str] = mapped_column(String(16))
    # What the consultant decided; moves the plan's status when the review completes.
    verdict: Mapped[str | None] = mapped_column(String(16))
    recommendations: Mapped[str | None] = mapped_column(Text)
    coverage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    campaign_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    goal_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)

    findings: Mapped[list[Finding]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="raise", order_by="Finding.id"
    )
    comments: Mapped[list[ReviewComment]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="ReviewComment.id",
    )


class Finding(BrandScoped, db.Model):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    # Parameters to render the message and the fix in any language.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="open")
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    review: Mapped[Review] = relationship(back_populates="findings")


class ReviewComment(BrandScoped, db.Model):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # internal: agency staff only; shared: the client sees it too.
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="comments")


class RuleSetting(TenantScoped, db.Model):
    """The agency's methodology: a rule's switch, severity, weight and thresholds.

    ``scope_brand_id`` NULL is the agency default; a row with a brand overrides it for that
    brand.  Not BrandScoped on purpose: agency defaults belong to no brand, and only staff
    (who see every row they may configure) read or write these.
    """

    __tablename__ = "rule_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_brand_id: Mapped[int | None] = mapped_column(
        ForeignKey("brands.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool | None] = mapped_column(Boolean)
    severity: Mapped[str | None] = mapped_column(String(10))
    weight: Mapped[float | None] = mapped_column()
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
