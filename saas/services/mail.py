"""Email: every message is written to the outbox, then delivered by a background job.

With ``MAIL_SERVER`` set delivery uses SMTP; otherwise the message is logged and stays
readable by the agency owner in the app (Settings → Email outbox).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage
from tenants.models import utcnow
from worker.queue import enqueue_after_commit, retries_left

log = logging.getLogger(__name__)


def render_email(template: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """Render ``templates/email/<template>.html``'s blocks: subject, text and html."""
    env = current_app.jinja_env
    tmpl = env.get_template(f"email/{template}.html")
    with force_locale(locale):
        ctx = tmpl.new_context(
            {
                **context,
                "locale": locale,
                "text_direction": "rtl" if locale == "ar" else "ltr",
                "base_url": current_app.config["BASE_URL"],
            }
        )
        # A child template holds only its own blocks; the html wrapper lives in base.html.
        base = env.get_template("email/base.html")
        parts = {}
        for name in ("subject", "text", "html"):
            render = tmpl.blocks.get(name) or base.blocks.get(name)
            if render is not None:
                parts[name] = "".join(render(ctx)).strip()
    return parts["subject"], parts["text"], parts.get("html", "")


def queue_email(
    *, to: str, template: str, locale: str | None = None, kind: str | None = None, **context: Any
) -> OutboxMessage:
    """Write the message to the outbox; it is delivered after the caller commits."""
    locale = locale if locale in ("en", "ar") else "en"
    subject, text, html = render_email(template, locale, **context)
    message = OutboxMessage(
        kind=kind or template,
        to_email=to,
        subject=subject[:255],
        body_text=text,
        body_html=html or None,
        locale=locale,
        status="queued",
    )
    db.session.add(message)
    db.session.flush()
    message.job_id = enqueue_after_commit(
        db.session, "worker.jobs.email.deliver_email", message.id, message.agency_id
    )
    return message


def deliver(message_id: int) -> None:
    """Send one message; on failure record the error and re-raise so the queue retries."""
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    if message is None or message.status == "sent":
        return
    message.status = "sending"
    message.attempts += 1
    db.session.commit()
    try:
        if current_app.config["MAIL_SERVER"]:
            _send_smtp(message)
            message.transport = "smtp"
        else:
            log.info(
                "email (not sent, no MAIL_SERVER) to=%s subject=%s",
                message.to_email,
                message.subject,
            )
            message.transport = "log"
    except Exception as exc:
        left = retries_left()
        message.status = "failed" if not left else "retrying"
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()


def _send_smtp(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def requeue_stale(older_than_minutes: int = 10) -> int:
    """Re-enqueue messages whose job was lost (e.g. Redis restarted).  Returns how many."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    stale = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status.in_(("queued", "sending")), OutboxMessage.created_at < cutoff
        )
    ).all()
    for message in stale:
        message.status = "queued"
        message.job_id = enqueue_after_commit(
            db.session, "worker.jobs.email.deliver_email", message.id, message.agency_id
        )
    db.session.commit()
    return len(stale)
