"""Every email Tandem sends is first a row here; a background job delivers it.

Account mail (password reset, sign-in links) is the person's, not the agency's: its row
keeps no secret.  It holds the template and its non-secret context, and the delivery job
issues the one-time token and renders the message at the moment it is sent
(``saas.services.mail``), so nothing an agency member can read ever contains the link.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saas.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class OutboxMessage(TenantScoped, db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    to_email: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # queued -> sending -> sent | failed (retried) ; "dead" after the last retry.
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(String(10))
    job_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Account mail only: whose link it is, and what to render it from at delivery time.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    template: Mapped[str | None] = mapped_column(String(40))
    context: Mapped[dict | None] = mapped_column(JSON)
    # An iTIP invitation sent with the message as a ``text/calendar; method=…`` part.
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
