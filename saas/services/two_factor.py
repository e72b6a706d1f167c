"""Two-factor sign-in: a TOTP app (RFC 6238, ``pyotp``) and ten single-use recovery codes.

* Setting up stores a fresh secret on the user (``totp_secret``) while ``totp_enabled_at``
  stays empty; confirming with a code from the app turns it on and returns the recovery
  codes, shown once.  Only a peppered SHA-256 (HMAC with the app's ``SECRET_KEY``) of each
  code is stored, so rotating ``SECRET_KEY`` invalidates outstanding recovery codes.
* The secret is stored sealed (``saas.services.secret_box``: encrypt-then-MAC from
  HMAC-SHA256, bound to the user's id) with ``TWO_FACTOR_KEY``, or without one a key
  derived from ``SECRET_KEY``.  Secrets stored in plain text before this are still read,
  and sealed the first time they are read (``secret_of``): no migration, no schema change.
  A secret that no longer opens (the key changed) reads as none: its codes are refused
  and the person signs in with a recovery code or asks for a reset.  The secret is shown
  only during set-up and never again (no page, API or export reads it).
* A code is accepted within one time step either side (``valid_window=1``) and only once:
  the step of the last accepted code is kept (``totp_last_counter``), so a code seen over
  someone's shoulder cannot be replayed.
* Sign-in with a second factor: the web layer keeps the half-signed-in state (who, which
  agency, until when) in the signed session cookie without logging the person in, and
  calls ``complete_sign_in`` with the code.  API tokens are the API's second factor: a
  person with two-factor on must send a code to ``POST /api/v1/tokens`` too.
* An owner may require two-factor sign-in for the whole agency (``require_for_agency``);
  owners and consultants without it are then sent to set it up right after signing in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
import time

import pyotp
from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Membership, RecoveryCode, User
from saas.services import audit, secret_box
from saas.services.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from saas.services.passwords import verify_password
from saas.transactions import commit_now, use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow

log = logging.getLogger(__name__)

ISSUER = "Tandem"
RECOVERY_CODE_COUNT = 10
VALID_WINDOW = 1
STAFF_ROLES = frozenset({Role.OWNER.value, Role.CONSULTANT.value})
_DIGITS = re.compile(r"^\d{6}$")
# Ten characters from an alphabet without look-alikes, shown as ``xxxxx-xxxxx``.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY = re.compile(r"^[a-z0-9]{10}$")


class InvalidCode(ServiceError):
    """The code is wrong, used, or from another time step.  Counted by the rate limits."""

    status = 401
    code = "invalid_code"


# --- the secret at rest ----------------------------------------------------------------------


def _master() -> bytes:
    key = current_app.config.get("TWO_FACTOR_KEY") or current_app.config["SECRET_KEY"]
    return str(key).encode()


def _context(user: User) -> bytes:
    return f"totp-secret:{user.id}".encode()


def _sealable(secret: str) -> bytes | None:
    """The key's bytes when ``secret`` is canonical base32 of at most 20 bytes (what
    ``pyotp.random_base32`` makes), so its sealed form fits the column; else None."""
    try:
        raw = base64.b32decode(secret, casefold=False)
    except (binascii.Error, ValueError):
        return None
    if len(raw) > 20 or base64.b32encode(raw).decode() != secret:
        return None
    return raw


def _seal(user: User, secret: str) -> str:
    raw = _sealable(secret)
    if raw is None:
        return secret  # not one of ours (hand-made): left as it is
    return secret_box.seal(raw, master=_master(), context=_context(user))


def secret_of(user: User) -> str | None:
    """The user's TOTP key in base32, or None (none, or sealed with another key).  A key
    still stored in plain text is sealed now (the change is saved with the unit of work)."""
    stored = user.totp_secret
    if not stored:
        return None
    if not secret_box.is_sealed(stored):
        sealed = _seal(user, stored)
        if sealed != stored:
            user.totp_secret = sealed
        return stored
    try:
        raw = secret_box.open_sealed(stored, master=_master(), context=_context(user))
    except secret_box.Unreadable:
        log.warning("The two-factor secret of user %s does not open with the current key", user.id)
        return None
    return base64.b32encode(raw).decode()


def seal_plain_secrets() -> tuple[int, int]:
    """Seal every TOTP key still stored in plain text (from before sealing), so a dump
    taken afterwards holds none: ``(sealed, left)``, where ``left`` counts keys that are
    not one of ours (hand-made, not canonical base32) and stay as they are.  The caller's
    unit of work saves the change; a second run seals nothing."""
    sealed = left = 0
    with system_scope():
        users = db.session.scalars(
            select(User).where(User.totp_secret.is_not(None), User.totp_secret != "")
        ).all()
        for user in users:
            stored = user.totp_secret or ""
            if secret_box.is_sealed(stored):
                continue
            new = _seal(user, stored)
            if new == stored:
                left += 1
            else:
                user.totp_secret = new
                sealed += 1
    return sealed, left


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def setup_required(user: User, membership: Membership) -> bool:
    """Must this person set up two-factor sign-in before doing anything in this agency?"""
    return (
        bool(membership.agency.require_two_factor)
        and membership.role in STAFF_ROLES
        and not is_enabled(user)
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a link or a QR code)."""
    secret = secret_of(user)
    if not secret:
        raise ValueError("two-factor set-up has not started")
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _hash_recovery(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _normalise_recovery(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").lower()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _matching_counter(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the window), or None."""
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    base = int(moment // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        counter = base + offset
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def _check_totp(user: User, code: str) -> bool:
    """Accept a current, unused code: a conditional UPDATE, so two racing uses of one
    code cannot both succeed."""
    secret = secret_of(user)
    if not secret or not _DIGITS.match(code):
        return False
    counter = _matching_counter(secret, code)
    if counter is None:
        return False
    last = user.totp_last_counter
    if last is not None and counter <= last:
        return False
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            (User.totp_last_counter.is_(None)) | (User.totp_last_counter < counter),
        )
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_counter", counter)
    return True


def _use_recovery_code(user: User, raw: str) -> bool:
    code = _normalise_recovery(raw)
    if not _RECOVERY.match(code):
        return False
    wanted = _hash_recovery(code)
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == wanted,
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def check_code(user: User, raw: str) -> str | None:
    """``"totp"`` or ``"recovery_code"`` when ``raw`` is a valid second factor of ``user``
    (using it up), else None.  Flushes only."""
    value = (raw or "").strip()
    if not is_enabled(user) or not value or len(value) > 32:
        return None
    digits = re.sub(r"\s", "", value)
    if _DIGITS.match(digits):
        return "totp" if _check_totp(user, digits) else None
    return "recovery_code" if _use_recovery_code(user, value) else None


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery(_normalise_recovery(c)))
        for c in codes
    )
    return codes


def _code_error() -> ValidationFailed:
    msg = _("That code is not right. Enter the 6-digit code your app shows now.")
    return ValidationFailed(msg, {"code": msg})


# --- set up, turn off, new recovery codes ------------------------------------------------


@use_case
def begin_setup(user: User) -> str:
    """Start (or restart) setting up: a new secret, not yet in force.  Returns it."""
    if is_enabled(user):
        raise Conflict(_("Two-factor sign-in is already on."), code="two_factor_on")
    secret = pyotp.random_base32()
    user.totp_secret = _seal(user, secret)
    user.totp_enabled_at = None
    user.totp_last_counter = None
    return secret


@use_case
def confirm_setup(user: User, membership: Membership, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the recovery
    codes (shown once).  A wrong code raises ``ValidationFailed`` on ``code``."""
    if is_enabled(user):
        raise Conflict(_("Two-factor sign-in is already on."), code="two_factor_on")
    digits = re.sub(r"\s", "", code or "")
    secret = secret_of(user)
    if not secret or not _DIGITS.match(digits):
        raise _code_error()
    counter = _matching_counter(secret, digits)
    if counter is None:
        raise _code_error()
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = counter
    codes = _replace_recovery_codes(user)
    audit.record("account.two_factor_enabled", user, actor=user, agency_id=membership.agency_id)
    return codes


@use_case
def new_recovery_codes(user: User, membership: Membership, code: str) -> list[str]:
    """Replace every recovery code (the old ones stop working); needs a current code."""
    if check_code(user, code) != "totp":
        raise _code_error()
    codes = _replace_recovery_codes(user)
    audit.record(
        "account.recovery_codes_replaced", user, actor=user, agency_id=membership.agency_id
    )
    return codes


def _required_by(user: User) -> list[Agency]:
    """The agencies where ``user`` is staff and two-factor sign-in is required."""
    with system_scope():
        rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
        return [m.agency for m in rows if m.role in STAFF_ROLES and m.agency.require_two_factor]


@use_case
def disable(user: User, membership: Membership, *, code: str = "", password: str = "") -> None:
    """Turn two-factor sign-in off with a current code (or recovery code) or the password.

    Refused while an agency where the person is an owner or consultant requires it."""
    if not is_enabled(user):
        raise Conflict(_("Two-factor sign-in is already off."), code="two_factor_off")
    requiring = _required_by(user)
    if requiring:
        msg = _(
            "%(agency)s requires two-factor sign-in of its owners and consultants, "
            "so it cannot be turned off.",
            agency=requiring[0].name,
        )
        raise Conflict(msg, code="two_factor_required_by_agency")
    ok = bool(password) and verify_password(user.password_hash, password)
    if not ok and code:
        ok = check_code(user, code) is not None
    if not ok:
        msg = _("Enter a current code from your app, or your password.")
        raise ValidationFailed(msg, {"code": msg})
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    audit.record("account.two_factor_disabled", user, actor=user, agency_id=membership.agency_id)


# --- signing in with the second factor --------------------------------------------------


def pending_user(user_id: int, session_version: str) -> User | None:
    """The person a half-finished sign-in is for, if it may still be finished (the account
    is active, two-factor is on, and no password reset or sign-out-everywhere came since)."""
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.is_active or not is_enabled(user):
        return None
    if user.session_version != session_version:
        return None
    return user


@use_case
def complete_sign_in(user: User, agency_id: int, code: str, method: str) -> Membership:
    """Check the second factor and record the sign-in; returns the membership to start in.

    A wrong code is audited at once (the request fails) and raises ``InvalidCode``."""
    with tenant_scope(agency_id):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        raise Forbidden(_("Your account is not part of this agency any more."))
    used = check_code(user, code)
    with tenant_scope(agency_id):
        if used is None:
            audit.record("auth.two_factor_failed", user, agency_id=agency_id)
            db.session.flush()
            commit_now("a failed second factor stays on record though the request fails")
            raise InvalidCode(_("That code is not right, or it was already used."))
        user.last_login_at = utcnow()
        audit.record(
            "auth.login",
            user,
            actor=user,
            agency_id=agency_id,
            method=method,
            second_factor=used,
        )
        db.session.flush()
    return membership


# --- the agency's rule --------------------------------------------------------------------


@use_case
def require_for_agency(actor: Membership, required: bool) -> Agency:
    """Require (or stop requiring) two-factor sign-in of the agency's owners and consultants.

    The owner turning it on must have it on already, so nobody locks themself out by
    surprise."""
    agency = actor.agency
    if required and not is_enabled(actor.user):
        msg = _("Turn on two-factor sign-in for yourself first, on the Two-factor sign-in page.")
        raise ValidationFailed(msg, {"require_two_factor": msg})
    if bool(agency.require_two_factor) == bool(required):
        return agency
    agency.require_two_factor = bool(required)
    audit.record(
        "agency.two_factor_required" if required else "agency.two_factor_optional",
        agency,
        actor=actor.user,
    )
    return agency
