"""Email: every message is written to the outbox, then delivered by a background job.

Transports: SMTP when ``MAIL_SERVER`` is set; else, when ``MAIL_FILE_DIR`` is set (the
development default, ``instance/mail``), each message is written there as an ``.eml`` file,
the developer's inbox; else it is only logged (recipient and subject, never the body).

Ordinary mail (invitations, reports ready, reminders) is rendered when queued and the agency
owner may read it in Settings → Email outbox.  **Account mail** (``ACCOUNT_MAIL``: password
reset and sign-in links) belongs to the person: its row stores the template and its
non-secret context only.  The delivery job issues the one-time token, renders and sends the
message, and keeps nothing of it, so no page, API, export or log shows the link.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from saas.extensions import db
from saas.models import OutboxMessage, User
from saas.services import links
from saas.transactions import commit_now, use_case
from tenants.models import utcnow
from worker.queue import enqueue_after_commit, retries_left

log = logging.getLogger(__name__)

# Account mail: kind -> the one-time link purpose its delivery issues.  A later kind of
# secret-bearing email (a calendar feed, an RSVP link…) is added here and nowhere else.
ACCOUNT_MAIL: dict[str, str] = {
    "password_reset": links.PASSWORD_RESET,
    "magic_link": links.MAGIC_LINK,
}


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
    """Write the message to the outbox; it is delivered once the caller's unit of work
    commits (and never, if it rolls back)."""
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


def queue_account_email(
    *, user: User, kind: str, locale: str | None = None, **context: Any
) -> OutboxMessage:
    """File account mail for ``user`` without its secret; delivery issues the link.

    ``context`` must hold no secret: it is stored on the row (the owner sees only "link
    sent to …" and the status, but the database is not the place for a live link either).
    """
    if kind not in ACCOUNT_MAIL:
        raise ValueError(f"not an account mail kind: {kind!r}")
    locale = locale if locale in ("en", "ar") else "en"
    context.setdefault("ttl_minutes", int(links.ttl(ACCOUNT_MAIL[kind]).total_seconds() // 60))
    # The subject carries no secret; render it now so the outbox can list the message.
    subject, _text, _html = render_email(kind, locale, **context, token="")
    message = OutboxMessage(
        kind=kind,
        to_email=user.email,
        subject=subject[:255],
        body_text="",
        body_html=None,
        locale=locale,
        status="queued",
        user_id=user.id,
        template=kind,
        context=context,
    )
    db.session.add(message)
    db.session.flush()
    message.job_id = enqueue_after_commit(
        db.session, "worker.jobs.email.deliver_email", message.id, message.agency_id
    )
    return message


def is_account_mail(message: OutboxMessage) -> bool:
    return message.kind in ACCOUNT_MAIL


@use_case
def deliver(message_id: int) -> None:
    """Send one message; on failure record the error and re-raise so the queue retries."""
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    if message is None or message.status == "sent":
        return
    message.status = "sending"
    message.attempts += 1
    commit_now("the outbox shows the message as sending, and counts the attempt, meanwhile")
    issued: str | None = None
    try:
        if is_account_mail(message):
            issued, subject, text, html = _render_account_mail(message)
        else:
            subject, text, html = message.subject, message.body_text, message.body_html
        message.transport = _send(message.to_email, subject, text, html)
    except Exception as exc:
        db.session.rollback()
        if issued is not None:
            # The link never reached its owner: make sure nobody can use it.
            links.revoke_raw(issued, ACCOUNT_MAIL[message.kind])
        left = retries_left()
        message.status = "failed" if not left else "retrying"
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        commit_now("the failure is recorded though the job fails: the queue retries it")
        raise
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None


def _render_account_mail(message: OutboxMessage) -> tuple[str, str, str, str | None]:
    """Issue the link now and render the message around it; commits the token at once."""
    purpose = ACCOUNT_MAIL[message.kind]
    user = db.session.scalar(select(User).where(User.id == message.user_id))
    if user is None or not user.is_active or user.email != message.to_email:
        raise RuntimeError("the account this link was for no longer exists")
    raw = links.issue(user, purpose)
    commit_now("the link must work by the time the email arrives")
    context = dict(message.context or {})
    context["ttl_minutes"] = int(links.ttl(purpose).total_seconds() // 60)
    subject, text, html = render_email(
        message.template or message.kind, message.locale, **context, token=raw
    )
    return raw, subject, text, html or None


def _build(to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = to
    email["Subject"] = subject
    email.set_content(text)
    if html:
        email.add_alternative(html, subtype="html")
    return email


def _send(to: str, subject: str, text: str, html: str | None) -> str:
    """Hand the message to the configured transport; returns its name for the row."""
    cfg = current_app.config
    if cfg["MAIL_SERVER"]:
        _send_smtp(_build(to, subject, text, html))
        return "smtp"
    if cfg.get("MAIL_FILE_DIR"):
        folder = Path(cfg["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        path.write_bytes(_build(to, subject, text, html).as_bytes())
        path.chmod(0o600)
        log.info("email written to %s (to=%s subject=%s)", path.name, to, subject)
        return "file"
    # Never the body: it may hold a link that signs someone in.
    log.info("email (not sent, no MAIL_SERVER) to=%s subject=%s", to, subject)
    return "log"


def _send_smtp(email: EmailMessage) -> None:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


@use_case
def requeue_stale(older_than_minutes: int = 10) -> int:
    """Re-enqueue messages whose job was lost (e.g. Redis restarted).  Returns how many."""
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
    return len(stale)
