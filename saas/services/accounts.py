"""Accounts: sign-up (agency + owner), password authentication.

Web and API both call these; they raise ``ServiceError`` subclasses with per-field messages.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Membership, User
from saas.services import audit
from saas.services.errors import Conflict, ValidationFailed
from saas.services.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow


@dataclass
class SignupResult:
    agency: Agency
    user: User
    membership: Membership


def normalise_email(raw: str) -> str:
    """Validate syntax (no DNS) and lower-case; raises ValidationFailed on the ``email`` field."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
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


def signup(
    *, agency_name: str, name: str, email: str, password: str, locale: str | None = None
) -> SignupResult:
    """Create an agency and its owner.  Commits."""
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
        audit.record("agency.created", agency, actor=user, agency_id=agency.id)
        db.session.commit()
    return SignupResult(agency=agency, user=user, membership=membership)


def authenticate(email: str, password: str) -> User | None:
    """The user when the password matches an active account; None otherwise (same timing)."""
    user = find_user_by_email(email or "")
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user
