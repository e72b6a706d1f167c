"""An agency's data export: the request row is the truth; a worker builds the zip.

Status: queued → running (progress %) → ready | failed, and ready → expired once the
download's time is up (the sweeper deletes the file and marks the row).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

EXPORT_STATUSES = ("queued", "running", "ready", "failed", "expired")


class Export(TenantScoped, db.Model):
    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    # Relative to EXPORTS_DIR, e.g. ``3/17.zip``; cleared when the file is deleted.
    path: Mapped[str | None] = mapped_column(String(255))
    job_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # A single brand's export (a leaving client): its id and name, kept without a foreign
    # key, because the export outlives the brand's removal.  NULL: the whole agency.
    scope_brand_id: Mapped[int | None] = mapped_column(Integer)
    scope_label: Mapped[str | None] = mapped_column(String(120))
