"""Email: every message is written to the outbox, then delivered by a background job.

Transports: SMTP when ``MAIL_SERVER`` is set; else, when ``MAIL_FILE_DIR`` is set (the
development default, ``instance/mail``), each message is written there as an ``.eml`` file,
the developer's inbox; else it is only logged (recipient and subject, never the body).

Ordinary mail (invitations, reports ready, reminders) is rendered when queued and the agency
owner may read it in Settings → Email outbox.  **Account mail** (``ACCOUNT_MAIL``: password
reset and sign-in links) belongs to the person: its row stores the template and its
non-secret context only.  The delivery job issues the one-time token, renders and sends the
message, and keeps nothing of it, so no page, API, export or log shows the link.

**Product notifications** (``PRODUCT_MAIL``) are the only mail a person may turn off, kind
by kind (Settings → Notifications, or the one-click link in the email).  ``queue_email``
skips a person who turned the kind off; the delivered message carries a signed unsubscribe
link in its footer and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC
8058).  The link is added at delivery: the stored body, which the owner may read in the
outbox, holds a placeholder, so nobody but the recipient holds a working link.  Every other
kind (security mail, invitations, billing) has no link and no header and is always sent.

**Calendar invitations** (``queue_email(calendar=(ics, method))``) keep their iTIP message on
the row (``calendar_ics``, ``calendar_method``), so every delivery attempt sends the same
file: a ``text/calendar; method=…`` alternative (mail clients show accept / decline) and an
``invite.ics`` attachment.  Their RSVP links are personal like the unsubscribe link: the
stored body holds a placeholder and delivery signs the recipient's link (``rsvp`` in the
row's context: the session's UID and the attendee's email).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Mapping
from datetime import timedelta
from email.message import EmailMessage
from email.policy import EmailPolicy
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from saas.extensions import db
from saas.i18n import lazy_gettext as _l
from saas.logging_setup import EMAIL_HEADER, current_request_id
from saas.models import NotificationPreference, OutboxMessage, User
from saas.services import links
from saas.transactions import commit_now, use_case
from tenants.models import utcnow
from worker.queue import enqueue_after_commit, retries_left

log = logging.getLogger(__name__)

# Account mail: kind -> the one-time link purpose its delivery issues.  A later kind of
# email carrying a one-time sign-in secret is added here and nowhere else.  (RSVP links are
# signed, not stored, and answer one invitation only: they are put in at delivery like the
# unsubscribe link, see ``_personal_rsvp_links``.)
ACCOUNT_MAIL: dict[str, str] = {
    "password_reset": links.PASSWORD_RESET,
    "magic_link": links.MAGIC_LINK,
    # Sent to the *new* address (``User.pending_email``), not the account's current one.
    "email_change": links.EMAIL_CHANGE,
}

# Product notifications, the one list of the kinds a person may turn off: kind -> what the
# settings page calls it.  Every kind not listed is required and can never be turned off:
# the account mail above, "sign_in_alert" and "password_changed" (security), "welcome",
# "invitation", and billing mail.  A new product email is added here (and given a
# ``queue_email(kind=...)``); forgetting to only means it cannot be turned off.
PRODUCT_MAIL: dict[str, Any] = {
    "plan_submitted": _l("Plans submitted for your review"),
    "review_reminder": _l("Reminders about plans still waiting for review"),
    "review_completed": _l("Completed reviews of your plans"),
    "report_ready": _l("Reports ready to read"),
}

UNSUBSCRIBE_SALT = "tandem.unsubscribe"
# What the stored body says instead of the recipient's token (see the module docstring).
UNSUBSCRIBE_PLACEHOLDER = "personal-link"


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
        for name in ("subject", "text", "html", "text_footer"):
            render = tmpl.blocks.get(name) or base.blocks.get(name)
            if render is not None:
                parts[name] = "".join(render(ctx)).strip()
    # The plain-text part's footer (the unsubscribe link of product mail) is base.html's,
    # so no template has to remember it.
    text = "\n\n".join(p for p in (parts["text"], parts.get("text_footer", "")) if p)
    return one_line(parts["subject"]), text, parts.get("html", "")


def one_line(value: str) -> str:
    """A header value: people's text may hold line breaks (a title typed with Enter, a
    name sent through the API), which must not start a header of their own (``Bcc:``)
    nor make the message unbuildable.  Every run of whitespace becomes one space."""
    return " ".join(value.split())


def queue_email(
    *,
    to: str,
    template: str,
    locale: str | None = None,
    kind: str | None = None,
    calendar: tuple[bytes, str] | None = None,
    rsvp: Mapping[str, str] | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Write the message to the outbox; it is delivered once the caller's unit of work
    commits (and never, if it rolls back).

    ``calendar`` is an iTIP message and its METHOD (``REQUEST`` or ``CANCEL``), sent with
    the email as a calendar part; ``rsvp`` (``{"uid", "email"}``) says whose RSVP links the
    body's placeholders become at delivery.

    ``None`` when ``to`` is a person who turned this kind of product notification off.
    """
    locale = locale if locale in ("en", "ar") else "en"
    kind = kind or template
    recipient = _product_recipient(kind, to)
    if recipient is not None:
        if not wants(recipient.id, kind):
            log.info("%s email to user %s skipped: they turned it off", kind, recipient.id)
            return None
        context["unsubscribe_url"] = unsubscribe_url(UNSUBSCRIBE_PLACEHOLDER)
        context["settings_url"] = _app_url("settings.notifications")
        context["notification_label"] = PRODUCT_MAIL[kind]
    subject, text, html = render_email(template, locale, **context)
    message = OutboxMessage(
        kind=kind,
        to_email=to,
        subject=subject[:255],
        body_text=text,
        body_html=html or None,
        locale=locale,
        status="queued",
        user_id=recipient.id if recipient is not None else None,
    )
    if calendar is not None:
        data, method = calendar
        message.calendar_method = _calendar_method(method)
        message.calendar_ics = data.decode("utf-8")
    if rsvp is not None:
        message.context = {"rsvp": {"uid": str(rsvp["uid"]), "email": str(rsvp["email"])}}
    db.session.add(message)
    db.session.flush()
    message.job_id = enqueue_after_commit(
        db.session, "worker.jobs.email.deliver_email", message.id, message.agency_id
    )
    return message


CALENDAR_METHODS = ("REQUEST", "CANCEL")


def _calendar_method(method: str) -> str:
    upper = str(method).upper()
    if upper not in CALENDAR_METHODS:
        raise ValueError(f"not an iTIP method an email carries: {method!r}")
    return upper


def _personal_rsvp_links(
    message: OutboxMessage, text: str, html: str | None
) -> tuple[str, str | None]:
    """Swap the stored placeholder RSVP links for the recipient's signed ones."""
    rsvp = (message.context or {}).get("rsvp") if not is_account_mail(message) else None
    if not isinstance(rsvp, dict):
        return text, html
    from saas.services.strategy_sessions import rsvp as rsvp_links

    placeholder = rsvp_links.url(rsvp_links.PLACEHOLDER)
    real = rsvp_links.url(rsvp_links.token_for(rsvp["uid"], rsvp["email"]))
    return text.replace(placeholder, real), html.replace(placeholder, real) if html else html


def calendar_of(message: OutboxMessage) -> tuple[bytes, str] | None:
    """The iTIP message the email carries, as stored on the row."""
    if not message.calendar_ics or not message.calendar_method:
        return None
    return message.calendar_ics.encode("utf-8"), message.calendar_method


# --- product notifications: preferences and the unsubscribe link ---------------------------


def is_product_mail(kind: str) -> bool:
    return kind in PRODUCT_MAIL


def _product_recipient(kind: str, to: str) -> User | None:
    """The person a product notification goes to (``None`` for required mail, or an
    address that is nobody's account: those have nothing to turn off)."""
    if not is_product_mail(kind):
        return None
    return db.session.scalar(select(User).where(User.email == to))


def wants(user_id: int, kind: str) -> bool:
    """Does this person receive this kind?  Required mail always; product mail unless
    they turned it off."""
    if not is_product_mail(kind):
        return True
    enabled = db.session.scalar(
        select(NotificationPreference.enabled).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    return enabled is not False


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming one person and one kind: it can turn off that kind for that
    person and nothing else, and it needs no sign-in (RFC 8058 one-click)."""
    return _serializer().dumps([int(user_id), kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """``(user_id, kind)`` of a genuine token for a product kind, else ``None``."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return (user_id, kind) if is_product_mail(kind) else None


def unsubscribe_url(token: str) -> str:
    return _app_url("settings.unsubscribe", token=token)


def app_url(endpoint: str, **values: Any) -> str:
    """An absolute link into the app for an email (``BASE_URL``, no request needed)."""
    return _app_url(endpoint, **values)


def _app_url(endpoint: str, **values: Any) -> str:
    """An absolute link into the app, built without a request (mail renders in jobs too)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['BASE_URL']}{path}"


def _personalise(
    message: OutboxMessage, text: str, html: str | None
) -> tuple[str, str | None, dict[str, str]]:
    """Put the recipient's own unsubscribe link into a product notification, and the
    List-Unsubscribe headers beside it.  Other mail is left as it is, with no header."""
    if not is_product_mail(message.kind) or message.user_id is None:
        return text, html, {}
    url = unsubscribe_url(unsubscribe_token(message.user_id, message.kind))
    placeholder = unsubscribe_url(UNSUBSCRIBE_PLACEHOLDER)
    text = text.replace(placeholder, url)
    html = html.replace(placeholder, url) if html else html
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return text, html, headers


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
        to_email=user.pending_email if kind == "email_change" else user.email,
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
            headers: dict[str, str] = {}
        else:
            subject = message.subject
            text, html, headers = _personalise(message, message.body_text, message.body_html)
            text, html = _personal_rsvp_links(message, text, html)
        message.transport = _send(
            message.to_email, subject, text, html, headers, calendar=calendar_of(message)
        )
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
    address = (
        None
        if user is None
        else (user.pending_email if message.kind == "email_change" else user.email)
    )
    if user is None or not user.is_active or address != message.to_email:
        raise RuntimeError("the account this link was for no longer exists")
    raw = links.issue(user, purpose)
    commit_now("the link must work by the time the email arrives")
    context = dict(message.context or {})
    context["ttl_minutes"] = int(links.ttl(purpose).total_seconds() // 60)
    subject, text, html = render_email(
        message.template or message.kind, message.locale, **context, token=raw
    )
    return raw, subject, text, html or None


class _Policy(EmailPolicy):
    """The standard policy, except that headers holding a URL stay on one line.

    Python folds a long header with no space in it into RFC 2047 encoded words, which mail
    clients no longer read as ``<https://…>``; RFC 5322 allows lines up to 998 characters.
    """

    UNFOLDED = frozenset({"list-unsubscribe"})

    def fold(self, name: str, value: str) -> str:
        if name.lower() in self.UNFOLDED:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in self.UNFOLDED:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _Policy()


def _build(
    to: str,
    subject: str,
    text: str,
    html: str | None,
    headers: dict[str, str] | None = None,
    *,
    calendar: tuple[bytes, str] | None = None,
) -> EmailMessage:
    """The message: text, then HTML, then (an invitation) the iTIP part as the last
    alternative, which is where mail clients look for it, and the same file attached."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = to
    email["Subject"] = one_line(subject)
    for name, value in (headers or {}).items():
        email[name] = value
    request_id = current_request_id()
    if request_id:  # the request whose job delivers it: its log lines share the id
        email[EMAIL_HEADER] = request_id
    email.set_content(text)
    if html:
        email.add_alternative(html, subtype="html")
    if calendar is not None:
        data, method = calendar
        method = _calendar_method(method)
        # base64 keeps the file's CRLF line ends and folding byte for byte
        email.add_alternative(
            data, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"}
        )
        email.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    return email


def _send(
    to: str,
    subject: str,
    text: str,
    html: str | None,
    headers: dict[str, str] | None = None,
    *,
    calendar: tuple[bytes, str] | None = None,
) -> str:
    """Hand the message to the configured transport; returns its name for the row."""
    cfg = current_app.config
    if cfg["MAIL_SERVER"]:
        _send_smtp(_build(to, subject, text, html, headers, calendar=calendar))
        return "smtp"
    if cfg.get("MAIL_FILE_DIR"):
        folder = Path(cfg["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        path.write_bytes(_build(to, subject, text, html, headers, calendar=calendar).as_bytes())
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
