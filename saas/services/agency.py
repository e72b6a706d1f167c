"""Agency settings, a member's own profile and password, and the owner's read-only logs.

Everything runs in the caller's tenant scope: the audit and outbox queries below carry no
agency filter of their own, the scoping listener adds it.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from sqlalchemy import Select, select

from saas.extensions import db
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.models import Agency, AuditEvent, OutboxMessage, User
from saas.services import audit, storage
from saas.services.accounts import check_password_strength
from saas.services.errors import ValidationFailed
from saas.services.passwords import hash_password, verify_password
from saas.transactions import use_case

DEFAULT_ACCENT = "#2f5bea"
_ACCENT_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Control characters have no place in a name, and PostgreSQL refuses NUL outright (a 500).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
NAME_MAX = 120


def check_plain_text(value: str, field: str) -> None:
    """Refuse control characters (tabs, new lines, NUL) in a one-line name."""
    if _CONTROL_RE.search(value):
        msg = _("Use letters, digits, spaces and punctuation only.")
        raise ValidationFailed(msg, {field: msg})


def is_accent_colour(value: object) -> bool:
    return isinstance(value, str) and bool(_ACCENT_RE.fullmatch(value))


def safe_accent(value: object) -> str:
    """The colour when it is exactly ``#rrggbb`` (lower-cased), else the default."""
    return value.lower() if is_accent_colour(value) else DEFAULT_ACCENT  # type: ignore[union-attr]


def _name(value: str | None, field: str, empty_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(empty_message, {field: empty_message})
    if len(value) > NAME_MAX:
        msg = _("Use at most %(n)d characters.", n=NAME_MAX)
        raise ValidationFailed(msg, {field: msg})
    check_plain_text(value, field)
    return value


def _locale(value: str | None, field: str) -> str:
    if value not in LANGUAGES:
        msg = _("Choose English or Arabic.")
        raise ValidationFailed(msg, {field: msg})
    return value  # type: ignore[return-value]


@use_case
def update_agency(
    agency: Agency,
    *,
    name: str | None,
    accent_color: str | None,
    default_locale: str | None,
    actor: User | None = None,
) -> Agency:
    """Rename and re-brand the agency; audits what changed."""
    fields: dict[str, str] = {}
    try:
        name = _name(name, "name", _("Enter your agency's name."))
    except ValidationFailed as exc:
        fields.update(exc.fields)
    accent_color = (accent_color or "").strip()
    if not is_accent_colour(accent_color):
        fields["accent_color"] = _("Enter a colour as # and six hexadecimal digits, like #2f5bea.")
    try:
        default_locale = _locale(default_locale, "default_locale")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    changes = {
        key: value
        for key, value in (
            ("name", name),
            ("accent_color", accent_color.lower()),
            ("default_locale", default_locale),
        )
        if getattr(agency, key) != value
    }
    if changes:
        for key, value in changes.items():
            setattr(agency, key, value)
        audit.record("agency.updated", agency, actor=actor, changed=sorted(changes))
    return agency


@use_case
def set_logo(agency: Agency, stream: BinaryIO, actor: User | None = None) -> Agency:
    """Store a new logo (checked by its bytes), point the agency at it and audit.  The
    commit drops the file it replaced; a rollback drops the new file instead."""
    new_path = storage.save_agency_logo(agency.id, stream)
    storage.replace_on_commit(new_path, agency.logo_path)
    agency.logo_path = new_path
    audit.record("agency.logo_uploaded", agency, actor=actor)
    return agency


@use_case
def update_profile(user: User, *, name: str | None, locale: str | None) -> User:
    """A member changes their own name and language."""
    fields: dict[str, str] = {}
    try:
        name = _name(name, "name", _("Enter your name."))
    except ValidationFailed as exc:
        fields.update(exc.fields)
    try:
        locale = _locale(locale, "locale")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    if (user.name, user.locale) != (name, locale):
        user.name, user.locale = name, locale
        audit.record("user.profile_updated", user, actor=user)
    return user


@use_case
def change_password(user: User, *, current: str, new: str) -> None:
    """Check the current password, set the new one and end every other session.

    Rotating ``session_version`` also ends the caller's own cookie session: the web view
    signs the person in again afterwards.
    """
    if not verify_password(user.password_hash, current or ""):
        msg = _("That is not your current password.")
        raise ValidationFailed(msg, {"current_password": msg})
    check_password_strength(new or "", field="new_password")
    user.password_hash = hash_password(new)
    user.end_all_sessions()
    audit.record("user.password_changed", user, actor=user)


# --- The owner's logs ------------------------------------------------------------------------


def audit_actions() -> list[str]:
    """Actions that occur in this agency's log, for the filter."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def audit_events_stmt(action: str | None = None) -> Select[tuple[AuditEvent]]:
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return stmt


def outbox_stmt() -> Select[tuple[OutboxMessage]]:
    return select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
