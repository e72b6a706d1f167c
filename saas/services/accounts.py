"""Accounts: sign-up (agency + owner), sign-in by password or magic link, password reset.

Web and API both call these; they raise ``ServiceError`` subclasses with per-field messages.
Emails about an account are filed in the agency of the user's first membership (the
outbox is tenant-owned) as *account mail*: the row holds no link, and the agency's owner
sees only "link sent" and its status (``saas.services.mail``).  A user with no membership
gets no email and cannot sign in.

Asking for a reset or a sign-in link answers at once and identically for every address:
the look-up, the link and the email happen in a background job (``request_account_link``).

Past 400 lines on purpose: sign-up, sign-in, links and resets share the rate limits, the
same-time answers and the session rotation; apart they would each get one of them wrong.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, ApiToken, AuditEvent, Membership, User
from saas.services import audit, links, sessions
from saas.services.entitlements import state as entitlements_state
from saas.services.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from saas.services.mail import queue_account_email, queue_email
from saas.services.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from saas.transactions import commit_now, use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow
from worker.queue import enqueue_now

log = logging.getLogger(__name__)


@dataclass
class SignupResult:
    agency: Agency
    user: User
    membership: Membership


def normalise_email(raw: str) -> str:
    """Validate syntax (no DNS) and lower-case; raises ValidationFailed on the ``email`` field."""
    try:
        return validate_email(
            raw.strip(),
            check_deliverability=False,
            # Outside production, allow the reserved ".test" domains used by demos and tests.
            test_environment=current_app.config.get("TANDEM_ENV") != "production",
        ).normalized.lower()
    except (EmailNotValidError, AttributeError):
        raise ValidationFailed(
            _("Enter a valid email address."), {"email": _("Enter a valid email address.")}
        ) from None


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        msg = _("Use at least %(n)d characters.", n=MIN_LENGTH)
        raise ValidationFailed(msg, {field: msg})
    if len(password) > MAX_LENGTH:
        msg = _("Use at most %(n)d characters.", n=MAX_LENGTH)
        raise ValidationFailed(msg, {field: msg})


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    return slug or "agency"


def unique_slug(name: str) -> str:
    base = _slugify(name)
    slug = base
    with system_scope():
        while db.session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
            slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


@use_case
def signup(
    *, agency_name: str, name: str, email: str, password: str, locale: str | None = None
) -> SignupResult:
    """Create an agency and its owner."""
    fields: dict[str, str] = {}
    agency_name, name = (agency_name or "").strip(), (name or "").strip()
    if not agency_name:
        fields["agency_name"] = _("Enter your agency's name.")
    elif len(agency_name) > 120:
        fields["agency_name"] = _("Use at most %(n)d characters.", n=120)
    if not name:
        fields["name"] = _("Enter your name.")
    elif len(name) > 120:
        fields["name"] = _("Use at most %(n)d characters.", n=120)
    try:
        email = normalise_email(email or "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    try:
        check_password_strength(password or "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    if find_user_by_email(email) is not None:
        msg = _("An account with this email already exists. Sign in instead.")
        raise Conflict(msg, {"email": msg}, code="email_taken")

    agency = Agency(name=agency_name, slug=unique_slug(agency_name), default_locale=locale or "en")
    user = User(email=email, name=name, password_hash=hash_password(password), locale=locale)
    db.session.add_all([agency, user])
    db.session.flush()
    with tenant_scope(agency.id):
        membership = Membership(agency_id=agency.id, user_id=user.id, role=Role.OWNER.value)
        db.session.add(membership)
        entitlements_state.new_trial(agency.id)  # TRIAL_DAYS free, no card
        audit.record("agency.created", agency, actor=user, agency_id=agency.id)
        db.session.flush()
    return SignupResult(agency=agency, user=user, membership=membership)


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches an active account; None otherwise (same timing)."""
    user = find_user_by_email(email or "")
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


class InvalidCredentials(ServiceError):
    """Wrong email or password.  One message for both, so accounts cannot be discovered."""

    status = 401
    code = "invalid_credentials"


class NoMembership(Forbidden):
    """The password is right but the person belongs to no agency (e.g. all were removed)."""

    code = "no_membership"


CLIENT_ROLES = frozenset({Role.CLIENT_LEADER.value, Role.CLIENT_TEAM.value})


def lookup_email(raw: str) -> str:
    """The form of a submitted email used for look-ups and rate-limit keys (never raises)."""
    try:
        return normalise_email(raw or "")
    except ValidationFailed:
        return (raw or "").strip().lower()


def memberships_for(user: User) -> list[Membership]:
    """Every membership of ``user`` across agencies, oldest first."""
    with system_scope():
        return list(
            db.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )


def email_locale(user: User, membership: Membership) -> str:
    """The user's own language, else their agency's."""
    return user.locale or membership.agency.default_locale or "en"


def _email_member(user: User, membership: Membership, template: str, **context: Any) -> None:
    """Queue ordinary mail to ``user`` in their language, greeting them by name."""
    queue_email(
        to=user.email,
        template=template,
        locale=email_locale(user, membership),
        name=user.name,
        **context,
    )


def _no_membership() -> NoMembership:
    return NoMembership(
        _("Your account is not part of any agency any more. Ask your agency to invite you again.")
    )


@use_case
def sign_in_with_password(email: str, password: str) -> Membership:
    """Check the password and record the sign-in; returns the membership to start in.

    Raises ``InvalidCredentials`` (a failed attempt, audited in the user's agency when the
    email belongs to a member: that record is committed at once, since the request fails)
    or ``NoMembership``.
    """
    email = lookup_email(email)
    user = authenticate(email, password)
    if user is None:
        target = find_user_by_email(email)
        found = memberships_for(target) if target is not None else []
        if found and target is not None:
            with tenant_scope(found[0].agency_id):
                audit.record("auth.login_failed", target, agency_id=found[0].agency_id)
                db.session.flush()
                _alert_on_failure_burst(target, found[0])
                commit_now("a failed sign-in stays on record (and alerts) though the request fails")
        raise InvalidCredentials(_("Email or password is incorrect."))
    found = memberships_for(user)
    if not found:
        raise _no_membership()
    membership = found[0]
    with tenant_scope(membership.agency_id):
        # With two-factor on, the sign-in is recorded once the code is checked.
        audit.record(
            "auth.password_verified" if user.totp_enabled_at else "auth.login",
            user,
            actor=user,
            agency_id=membership.agency_id,
            method="password",
        )
        db.session.flush()
    return membership


FAILURE_WINDOW = timedelta(minutes=15)


def _alert_on_failure_burst(user: User, membership: Membership) -> None:
    """Email the person once when their account sees a burst of failed sign-ins.

    Failures are limited per account *and* IP, so a guesser cannot lock the owner out;
    the alert is how the owner learns that someone is trying.  Runs in the agency's scope.
    """
    threshold = int(current_app.config.get("LOGIN_ALERT_THRESHOLD") or 10)
    since = utcnow() - FAILURE_WINDOW
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.login_failed",
            AuditEvent.object_type == "User",
            AuditEvent.object_id == user.id,
            AuditEvent.created_at >= since,
        )
    )
    if int(failures or 0) != threshold:
        return
    _email_member(
        user,
        membership,
        "sign_in_alert",
        failures=threshold,
        minutes=int(FAILURE_WINDOW.total_seconds() // 60),
    )


@use_case
def send_welcome_email(result: SignupResult) -> None:
    """Greet a new owner (after ``signup``)."""
    with tenant_scope(result.agency.id):
        _email_member(result.user, result.membership, "welcome", agency_name=result.agency.name)
        db.session.flush()


def _user_with_membership(email: str) -> tuple[User, list[Membership]] | None:
    user = find_user_by_email(lookup_email(email))
    if user is None or not user.is_active:
        return None
    found = memberships_for(user)
    return (user, found) if found else None


ACCOUNT_LINK_KINDS = ("password_reset", "magic_link")


def request_account_link(kind: str, email: str, next_path: str | None = None) -> None:
    """Ask for a password-reset or sign-in link; the same answer, in the same time, for
    every address: nothing is looked up here, the background job does it all.

    When the queue cannot take the job (Redis down) the work is done here instead: slower,
    but the person still gets their email (with the caller's unit of work).
    """
    if kind not in ACCOUNT_LINK_KINDS:
        raise ValueError(f"unknown account link {kind!r}")
    address = lookup_email(email)
    try:
        enqueue_now("worker.jobs.account_mail.prepare_account_link", kind, address, next_path)
    except Exception:  # noqa: BLE001 - the queue is down; degrade, do not fail the request
        log.warning("queue unavailable: preparing the %s email in the request", kind)
        prepare_account_link(kind, address, next_path)


@use_case
def prepare_account_link(kind: str, email: str, next_path: str | None = None) -> bool:
    """File the account mail for ``email`` if it belongs to someone who may have it.

    Password resets go to any active member; sign-in links only to client users (agency
    staff sign in with their password).  Returns whether an email was filed.
    """
    match = _user_with_membership(email)
    if match is None:
        return False
    user, found = match
    if kind == "password_reset":
        membership = found[0]
        with tenant_scope(membership.agency_id):
            queue_account_email(
                user=user,
                kind="password_reset",
                locale=email_locale(user, membership),
                name=user.name,
                next=next_path or "",
            )
            audit.record("auth.password_reset_requested", user, agency_id=membership.agency_id)
            db.session.flush()
        return True
    client = _client_membership(found)
    if client is None:
        return False
    with tenant_scope(client.agency_id):
        queue_account_email(
            user=user,
            kind="magic_link",
            locale=email_locale(user, client),
            name=user.name,
            agency_name=client.agency.name,
            next=next_path or "",
        )
        db.session.flush()
    return True


def request_password_reset(email: str, next_path: str | None = None) -> None:
    """Email a reset link if the address belongs to an active member (in the background);
    ``next_path`` (already checked by the caller) is where the link leads after the reset."""
    request_account_link("password_reset", email, next_path)


def check_password_reset(token: str) -> User:
    """The user a reset link is for, or ``Gone`` (410) when it expired or was used."""
    return links.peek(token, links.PASSWORD_RESET).user


@use_case
def reset_password(token: str, password: str) -> Membership:
    """Set a new password through a reset link.

    The link is used up, the user's other reset links stop working, every existing session
    and remember-me cookie of the user ends, and every personal API token of the user, in
    every agency, is revoked: whoever knew the old password may have made one.  An email
    tells the person so.  Returns the membership to sign in with.
    """
    check_password_strength(password or "")
    user = links.consume(token, links.PASSWORD_RESET)
    found = memberships_for(user)
    if not found:
        raise _no_membership()  # the unit of work rolls back: the link is not used up
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    user.last_login_at = utcnow()
    links.revoke_outstanding(user, links.PASSWORD_RESET)
    revoked = revoke_all_api_tokens(user)
    membership = found[0]
    with tenant_scope(membership.agency_id):
        audit.record(
            "auth.password_reset",
            user,
            actor=user,
            agency_id=membership.agency_id,
            tokens_revoked=revoked,
        )
        _email_member(user, membership, "password_changed", tokens_revoked=revoked)
        db.session.flush()
    return membership


def revoke_all_api_tokens(user: User) -> int:
    """Revoke every active API token of ``user`` in every agency.  Flushes only."""
    with system_scope():
        result = db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)


def _client_membership(found: list[Membership]) -> Membership | None:
    return next((m for m in found if m.role in CLIENT_ROLES), None)


def request_magic_link(email: str, next_path: str | None = None) -> None:
    """Email a sign-in link to a client user (in the background); nothing for anyone else."""
    request_account_link("magic_link", email, next_path)


def check_magic_link(token: str) -> User:
    """The user a sign-in link is for, or ``Gone`` (410).  Changes nothing."""
    return links.peek(token, links.MAGIC_LINK).user


@use_case
def sign_in_with_magic_link(token: str) -> Membership:
    """Use up a sign-in link; returns the client membership to start in."""
    user = links.consume(token, links.MAGIC_LINK)
    membership = _client_membership(memberships_for(user))
    if membership is None:
        raise _no_membership()  # the unit of work rolls back: the link is not used up
    user.last_login_at = utcnow()
    with tenant_scope(membership.agency_id):
        audit.record(
            "auth.magic_link_used" if user.totp_enabled_at else "auth.login",
            user,
            actor=user,
            agency_id=membership.agency_id,
            method="magic_link",
        )
        db.session.flush()
    return membership


@use_case
def record_logout(user: User, membership: Membership) -> None:
    """End this session on the server and audit it in its agency."""
    with tenant_scope(membership.agency_id):
        audit.record("auth.logout", user, actor=user, agency_id=membership.agency_id)
        sessions.end(user)


@use_case
def sign_out_everywhere(user: User, membership: Membership) -> int:
    """End every session of ``user``, this one included.  Returns how many."""
    ended = sessions.end_all(user)
    with tenant_scope(membership.agency_id):
        audit.record(
            "auth.signed_out_everywhere",
            user,
            actor=user,
            agency_id=membership.agency_id,
            sessions=ended,
        )
        db.session.flush()
    return ended


@use_case
def set_locale(user: User, locale: str) -> None:
    """Remember the user's language (``en`` or ``ar``)."""
    if locale not in ("en", "ar"):
        raise ValidationFailed(_("Choose a language."), {"locale": _("Choose a language.")})
    user.locale = locale
