"""Agency (the tenant), Membership (a user's role in it), Brand (a client workspace)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.extensions import db
from tenants.scoping import BrandRoot, BrandScoped, TenantRoot, TenantScoped


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    OWNER = "owner"
    CONSULTANT = "consultant"
    CLIENT_LEADER = "client_leader"
    CLIENT_TEAM = "client_team"

    @property
    def is_agency_staff(self) -> bool:
        return self in (Role.OWNER, Role.CONSULTANT)

    @property
    def is_client(self) -> bool:
        return self in (Role.CLIENT_LEADER, Role.CLIENT_TEAM)


class Agency(TenantRoot, db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    accent_color: Mapped[str] = mapped_column(String(7), default="#2f5bea")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    default_locale: Mapped[str] = mapped_column(String(5), default="en")
    # A plan waiting for review longer than this reminds the consultant, then the owner.
    review_reminder_days: Mapped[int] = mapped_column(default=3, server_default="3")
    # Owners and consultants must sign in with a second factor (saas.services.two_factor).
    require_two_factor: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # An owner asked for the agency's deletion (saas.services.agency_deletion): until
    # ``deletion_due_at`` it is read-only and an owner may restore it; then it is purged.
    deletion_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    deletion_requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    deletion_due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    def __repr__(self) -> str:
        return f"<Agency {self.id} {self.slug}>"


class Membership(TenantScoped, db.Model):
    """A user's role in one agency; client roles are narrowed to brands via BrandAccess."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("agency_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # Consultants see only assigned brands unless the owner grants all of them.
    all_brands: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships", lazy="joined")  # noqa: F821
    brand_links: Mapped[list[BrandAccess]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def sees_all_brands(self) -> bool:
        return self.role == Role.OWNER or (self.role == Role.CONSULTANT and self.all_brands)

    @property
    def brand_ids(self) -> frozenset[int] | None:
        """The brands this member may see, or ``None`` for every brand of the agency."""
        if self.sees_all_brands:
            return None
        return frozenset(link.brand_id for link in self.brand_links)


class Brand(BrandRoot, TenantScoped, db.Model):
    """A client brand workspace."""

    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    industry: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(5), default="en")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    access: Mapped[list[BrandAccess]] = relationship(
        back_populates="brand", cascade="all, delete-orphan"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class BrandAccess(BrandScoped, db.Model):
    """Assigns a member (consultant or client user) to a brand."""

    __tablename__ = "brand_access"
    __table_args__ = (UniqueConstraint("membership_id", "brand_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    membership: Mapped[Membership] = relationship(back_populates="brand_links")
    brand: Mapped[Brand] = relationship(back_populates="access", lazy="joined")
