"""Which product emails a person wants: one row per (person, kind) they have chosen.

Global like ``User``: a person's choice follows them into every agency they belong to.  A
kind with no row is on; only product notifications (``saas.services.mail.PRODUCT_MAIL``)
are ever read from here, so a row can never silence security mail, invitations or billing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.extensions import db
from tenants.models import utcnow


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    # Also the index for "this person's choices" (user_id leads).
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
