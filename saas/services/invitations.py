"""Invitations: an emailed, single-use, expiring link to join an agency in a role.

Only the SHA-256 of the token is stored, so the link can be shown once (right after it is
created) and then only re-issued, never recovered.  Acceptance looks the token up across
tenants (``system_scope``) and does everything else inside the invitation's own agency.

One module though past 400 lines: creating, re-sending, revoking and accepting are one
state machine over one token and one seat rule; split, the rules would drift apart.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, BrandAccess, Invitation, Membership, User
from saas.permissions import invitable_roles
from saas.services import audit
from saas.services.accounts import check_password_strength, find_user_by_email, normalise_email
from saas.services.entitlements import limits
from saas.services.errors import Conflict, Forbidden, Gone, NotFound, ValidationFailed
from saas.services.hashing import hash_token
from saas.services.mail import queue_email
from saas.services.members import check_brand_requirement, parse_role, resolve_brands
from saas.services.passwords import hash_password, verify_password
from saas.transactions import use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow


def accept_url(raw_token: str) -> str:
    return f"{current_app.config['BASE_URL']}/invitations/{raw_token}"


def _new_token(invitation: Invitation) -> str:
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(raw)
    hours = current_app.config["TOKEN_TTL_HOURS"]["invitation"]
    invitation.expires_at = utcnow() + timedelta(hours=hours)
    return raw


def _check_may_invite(inviter: Membership, role: Role) -> None:
    if role not in invitable_roles(inviter.role):
        msg = _("Your role cannot invite a %(role)s.", role=_role_words(role))
        raise Forbidden(msg, {"role": msg})


def _role_words(role: str | Role) -> str:
    return {
        "owner": _("Owner"),
        "consultant": _("Consultant"),
        "client_leader": _("Client leader"),
        "client_team": _("Client team"),
    }.get(str(Role(role).value), str(role))


@use_case
def invite(
    inviter: Membership,
    email: str,
    role: str | Role,
    brand_ids: Iterable[int] = (),
    all_brands: bool = False,
) -> tuple[Invitation, str]:
    """Invite ``email`` to the inviter's agency.  Returns the row and the raw token."""
    fields: dict[str, str] = {}
    parsed_role: Role | None = None
    try:
        email = normalise_email(email or "")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    try:
        parsed_role = parse_role(role)
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    assert parsed_role is not None
    _check_may_invite(inviter, parsed_role)
    brands = resolve_brands(brand_ids) if parsed_role != Role.OWNER else []
    check_brand_requirement(parsed_role, brands)

    existing = find_user_by_email(email)
    if existing is not None and db.session.scalar(
        select(Membership.id).where(Membership.user_id == existing.id)
    ):
        msg = _("This person is already a member of the agency.")
        raise Conflict(msg, {"email": msg}, code="already_member")

    now = utcnow()
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        old.revoked_at = now
        audit.record("invitation.revoked", old, reason="reinvited", actor=inviter.user)

    if parsed_role.is_agency_staff:  # pending staff invitations take a seat; clients are free
        limits.check(inviter.agency_id, "staff_seats", actor=inviter)

    invitation = Invitation(
        agency_id=inviter.agency_id,
        email=email,
        role=parsed_role.value,
        brand_ids=[b.id for b in brands],
        all_brands=bool(all_brands) and parsed_role == Role.CONSULTANT,
        invited_by_id=inviter.user_id,
    )
    raw = _new_token(invitation)
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, raw, inviter, brands)
    audit.record(
        "invitation.created",
        invitation,
        role=invitation.role,
        brand_ids=invitation.brand_ids,
        all_brands=invitation.all_brands,
        actor=inviter.user,
    )
    return invitation, raw


@use_case
def resend(actor: Membership, invitation: Invitation) -> str:
    """Issue a fresh token (the old link stops working) and email it again."""
    if not invitation.is_pending and (invitation.accepted_at or invitation.revoked_at):
        msg = _("This invitation was already used or revoked. Send a new one.")
        raise Gone(msg)
    _check_may_invite(actor, Role(invitation.role))
    if not invitation.is_pending and Role(invitation.role).is_agency_staff:
        # An expired staff invitation takes its seat back when it is sent again.
        limits.check(invitation.agency_id, "staff_seats", actor=actor)
    raw = _new_token(invitation)
    brands = resolve_brands_lenient(invitation.brand_ids)
    _send(invitation, raw, actor, brands)
    audit.record("invitation.resent", invitation, actor=actor.user)
    return raw


@use_case
def revoke(actor: Membership, invitation: Invitation) -> None:
    """Revoke a pending invitation: its link answers "expired" from now on."""
    _check_may_invite(actor, Role(invitation.role))
    if invitation.accepted_at is not None:
        msg = _("This invitation was already accepted.")
        raise Conflict(msg, code="already_accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record("invitation.revoked", invitation, actor=actor.user)


def pending_query() -> Select[tuple[Invitation]]:
    return (
        select(Invitation)
        .where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def resolve_brands_lenient(brand_ids: Iterable[int]) -> list[Brand]:
    """The invitation's brands that still exist (archived or deleted ones are skipped)."""
    ids = [int(i) for i in brand_ids or []]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Brand).where(Brand.id.in_(ids), Brand.archived_at.is_(None)).order_by(Brand.name)
        )
    )


LOCALES = ("en", "ar")


def invitation_locale(invitation: Invitation, agency: Agency, brands: list[Brand]) -> str:
    """The invitee's language as far as it is known: their own (an existing account's
    choice), else the brand's for client roles, else the agency's default, else English."""
    user = find_user_by_email(invitation.email)
    if user is not None and user.locale in LOCALES:
        return user.locale
    if Role(invitation.role).is_client:
        for brand in brands:
            if brand.language in LOCALES:
                return brand.language
    if agency is not None and agency.default_locale in LOCALES:
        return agency.default_locale
    return "en"


def _send(invitation: Invitation, raw: str, inviter: Membership, brands: list[Brand]) -> None:

    agency = inviter.agency
    locale = invitation_locale(invitation, agency, brands)
    queue_email(
        to=invitation.email,
        template="invitation",
        kind="invitation",
        locale=locale,
        inviter_name=inviter.user.name,
        agency_name=agency.name,
        role=invitation.role,
        all_brands=invitation.all_brands,
        brand_names=[b.name for b in brands],
        accept_url=accept_url(raw),
        expires_at=invitation.expires_at,
    )


# --- accepting -------------------------------------------------------------------------


@dataclass
class Offer:
    """What the accept page needs: the invitation and its context in its own agency."""

    invitation: Invitation
    agency: Agency
    brands: list[Brand]
    existing_user: User | None
    inviter_name: str | None
    locale: str = "en"

    @property
    def password_optional(self) -> bool:
        """Client users sign in by emailed link; a password is theirs to add or not."""
        return Role(self.invitation.role).is_client


def find(raw_token: str) -> Invitation:
    """The invitation for a raw token; NotFound if unknown, Gone if no longer usable."""
    if not raw_token or len(raw_token) > 200:
        raise NotFound(_("This invitation link is not valid."))
    with system_scope():
        # Always read the row afresh: another request may have just accepted it.
        invitation = db.session.scalar(
            select(Invitation)
            .where(Invitation.token_hash == hash_token(raw_token))
            .execution_options(populate_existing=True)
        )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise Gone(_("This invitation has already been used. Sign in instead."), code="used")
    if invitation.revoked_at is not None:
        raise Gone(
            _("This invitation was withdrawn. Ask the person who invited you for a new one."),
            code="revoked",
        )
    if invitation.expires_at <= utcnow():
        raise Gone(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            code="expired",
        )
    return invitation


def offer(raw_token: str) -> Offer:
    invitation = find(raw_token)
    with tenant_scope(invitation.agency_id):
        agency = db.session.scalar(select(Agency))
        brands = resolve_brands_lenient(invitation.brand_ids)
        inviter = invitation.invited_by
        locale = invitation_locale(invitation, agency, brands)  # type: ignore[arg-type]
    return Offer(
        invitation=invitation,
        agency=agency,  # type: ignore[arg-type]
        brands=brands,
        existing_user=find_user_by_email(invitation.email),
        inviter_name=inviter.name if inviter else None,
        locale=locale,
    )


@use_case
def accept_as_new_user(
    raw_token: str, name: str, password: str | None, *, locale: str | None = None
) -> Membership:
    """Create the account for the invited email and join.

    Staff choose a password.  Client users (leaders, teams) may leave it empty: they sign
    in by emailed link, and a password typed here is checked and set like any other.
    ``locale`` is the language the person accepted in; it becomes theirs (emails too).
    """
    invitation = find(raw_token)
    if find_user_by_email(invitation.email) is not None:
        # The account may be the one a concurrent accept of this very link just created:
        # then the link is used (410), not a clash with someone else's account (409).
        find(raw_token)
        msg = _("An account with this email already exists. Sign in to accept.")
        raise Conflict(msg, code="account_exists")
    fields: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        fields["name"] = _("Enter your name.")
    elif len(name) > 120:
        fields["name"] = _("Use at most %(n)d characters.", n=120)
    passwordless = not password and Role(invitation.role).is_client
    if not passwordless:
        try:
            check_password_strength(password or "")
        except ValidationFailed as exc:
            fields.update(exc.fields)
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    password_hash = None if passwordless else hash_password(password or "")
    # Claim the invitation before creating the account: of several accepts racing, the
    # first UPDATE wins and the others find it used (410), instead of colliding on the
    # users' unique email (a 500).
    with tenant_scope(invitation.agency_id):
        _claim(invitation)
    user = User(
        email=invitation.email,
        name=name,
        password_hash=password_hash,
        locale=locale if locale in LOCALES else None,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # a failed flush leaves the session unusable until then
        raise Gone(
            _("This invitation has already been used. Sign in instead."), code="used"
        ) from None
    return _join(invitation, user, claimed=True)


@use_case
def accept_with_password(raw_token: str, password: str) -> Membership | None:
    """For an existing account: accept when the password matches; None when it does not."""
    invitation = find(raw_token)
    user = find_user_by_email(invitation.email)
    if user is None or not user.is_active:
        verify_password(None, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    return _join(invitation, user)


@use_case
def accept_as_user(raw_token: str, user: User) -> Membership:
    """The signed-in user accepts; the invitation must be for their email."""
    invitation = find(raw_token)
    if user.email != invitation.email:
        raise Forbidden(
            _(
                "This invitation is for %(email)s. Sign in with that email to accept it.",
                email=invitation.email,
            )
        )
    return _join(invitation, user)


def _claim(invitation: Invitation) -> None:
    """Mark the invitation accepted, or raise ``Gone``: only one UPDATE can flip it, so a
    double click or eight concurrent accepts make one membership.  In its agency's scope."""
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Gone(_("This invitation has already been used. Sign in instead."), code="used")


def _join(invitation: Invitation, user: User, *, claimed: bool = False) -> Membership:
    with tenant_scope(invitation.agency_id):
        if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id)):
            msg = _("You are already a member of this agency. Sign in instead.")
            raise Conflict(msg, code="already_member")
        if not claimed:
            _claim(invitation)
        role = Role(invitation.role)
        membership = Membership(
            agency_id=invitation.agency_id,
            user_id=user.id,
            role=role.value,
            all_brands=bool(invitation.all_brands) and role == Role.CONSULTANT,
        )
        db.session.add(membership)
        db.session.flush()
        if role != Role.OWNER:
            for brand in resolve_brands_lenient(invitation.brand_ids):
                db.session.add(
                    BrandAccess(
                        agency_id=invitation.agency_id,
                        brand_id=brand.id,
                        membership_id=membership.id,
                    )
                )
        user.last_login_at = utcnow()
        audit.record("invitation.accepted", invitation, role=role.value, actor=user)
        db.session.flush()
        db.session.refresh(membership)
        return membership


def first_brand_id(membership: Membership) -> int | None:
    with tenant_scope(membership.agency_id):
        link = db.session.scalar(
            select(BrandAccess)
            .join(Brand, Brand.id == BrandAccess.brand_id)
            .where(BrandAccess.membership_id == membership.id, Brand.archived_at.is_(None))
            .order_by(Brand.name)
        )
        return link.brand_id if link else None
