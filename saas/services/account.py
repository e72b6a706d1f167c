"""What a person does to their own account: change its email, leave an agency, delete the
account, hand an agency's ownership to someone else.

* **Email change**: the new address is kept on ``User.pending_email`` and only becomes the
  account's address when the link sent *to it* is opened (account mail ``email_change``:
  the link is issued at delivery and never stored readable, like a password reset).  The
  old address is then told, with no link in that notice.
* **Leaving** and **deleting**: an agency always keeps an owner.  The last owner can
  neither leave, nor be removed or demoted (``saas.services.members``), nor delete their
  account: they hand the agency to someone first (``transfer_ownership``).
* **Deleting** anonymises rather than deletes the ``users`` row: the plans, comments and
  minutes the person wrote stay readable (by "Deleted account") and keep their links,
  while the email, name, password, second factor and calendar feed are gone; every
  membership, session, API token, link and recovery code of theirs is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import (
    ApiToken,
    Membership,
    OneTimeToken,
    RecoveryCode,
    User,
    UserSession,
)
from saas.services import audit, links, sessions
from saas.services import members as member_service
from saas.services.accounts import email_locale, find_user_by_email, normalise_email
from saas.services.errors import Conflict, Forbidden, Gone, ValidationFailed
from saas.services.mail import queue_account_email, queue_email
from saas.services.passwords import verify_password
from saas.transactions import use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow

DELETED_NAME = "Deleted account"


def _memberships(user: User) -> list[Membership]:
    with system_scope():
        return list(
            db.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )


def _owners_in(agency_id: int) -> int:
    with tenant_scope(agency_id):
        return member_service.owner_count()


def _last_owner_error() -> Conflict:
    msg = _(
        "You are this agency's only owner. Make another member owner first, on the "
        "Transfer ownership page."
    )
    return Conflict(msg, code="last_owner")


def _gone() -> Gone:
    return Gone(_("This link has expired or was already used."))


def _check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password or ""):
        msg = _("That password is not right.")
        raise ValidationFailed(msg, {"password": msg})


# --- change of email ----------------------------------------------------------------------


@use_case
def request_email_change(user: User, membership: Membership, new_email: str, password: str) -> str:
    """Send a confirmation link to ``new_email``; nothing changes until it is opened.

    Needs the current password (someone at an unattended browser cannot take the account
    over).  Returns the normalised address."""
    address = normalise_email(new_email or "")
    if user.password_hash:
        _check_password(user, password)
    if address == user.email:
        msg = _("This is already your email address.")
        raise ValidationFailed(msg, {"email": msg})
    if find_user_by_email(address) is not None:
        msg = _("Another account uses this address.")
        raise Conflict(msg, {"email": msg}, code="email_taken")
    links.revoke_outstanding(user, links.EMAIL_CHANGE)
    user.pending_email = address
    queue_account_email(
        user=user,
        kind="email_change",
        locale=email_locale(user, membership),
        name=user.name,
        new_email=address,
    )
    audit.record(
        "account.email_change_requested",
        user,
        actor=user,
        agency_id=membership.agency_id,
        new_email=address,
    )
    db.session.flush()
    return address


def check_email_change(token: str) -> User:
    """The person an email-change link is for, or ``Gone`` (410).  Changes nothing."""
    user = links.peek(token, links.EMAIL_CHANGE).user
    if not user.pending_email:
        raise _gone()
    return user


@use_case
def confirm_email_change(token: str) -> User:
    """Make the pending address the account's; tell the old address."""
    user = links.consume(token, links.EMAIL_CHANGE)
    new, old = user.pending_email, user.email
    if not new:
        raise _gone()
    if find_user_by_email(new) is not None:
        msg = _("Another account uses this address.")
        raise Conflict(msg, {"email": msg}, code="email_taken")
    user.email = new
    user.pending_email = None
    found = _memberships(user)
    if found:
        membership = found[0]
        with tenant_scope(membership.agency_id):
            queue_email(
                to=old,
                template="email_changed",
                locale=email_locale(user, membership),
                name=user.name,
                new_email=new,
            )
            audit.record(
                "account.email_changed",
                user,
                actor=user,
                agency_id=membership.agency_id,
                old_email=old,
                new_email=new,
            )
            db.session.flush()
    return user


# --- leaving an agency ----------------------------------------------------------------------


@use_case
def leave_agency(membership: Membership) -> list[Membership]:
    """Leave the agency of ``membership``: it and its brand access go, the person's API
    tokens in this agency are revoked.  The last owner cannot leave.  Returns the person's
    other memberships; with none left, every session of theirs ends too."""
    if membership.role == Role.OWNER.value and _owners_in(membership.agency_id) <= 1:
        raise _last_owner_error()
    user = membership.user
    with tenant_scope(membership.agency_id):
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).all()
        now = utcnow()
        for token in tokens:
            token.revoked_at = now
        audit.record(
            "member.left",
            membership,
            label=user.email,
            actor=user,
            role=membership.role,
            tokens_revoked=len(tokens),
        )
        db.session.delete(membership)
        db.session.flush()
    others = _memberships(user)
    if not others:
        sessions.end_all(user)
    return others


# --- transferring ownership ----------------------------------------------------------------


@use_case
def transfer_ownership(actor: Membership, target: Membership, *, step_down: bool) -> None:
    """Make ``target`` an owner; with ``step_down`` the actor becomes a consultant with
    access to every brand.  Both in the actor's agency (the caller loaded ``target``
    through the tenant scope)."""
    if actor.role != Role.OWNER.value:
        raise Forbidden(_("Only an owner can hand over ownership."))
    if target.id == actor.id:
        msg = _("Choose another member.")
        raise ValidationFailed(msg, {"member": msg})
    if target.role != Role.OWNER.value:
        member_service.change_role(actor, target, Role.OWNER)
    if step_down:
        member_service.change_role(actor, actor, Role.CONSULTANT, all_brands=True)
    audit.record(
        "member.ownership_transferred",
        target,
        label=target.user.email,
        actor=actor.user,
        stepped_down=bool(step_down),
    )


# --- deleting one's account -----------------------------------------------------------------


@dataclass
class Refusal:
    agencies: list[str]


def agencies_needing_an_owner(user: User) -> list[str]:
    """The names of agencies where ``user`` is the only owner (deletion is refused)."""
    return [
        m.agency.name
        for m in _memberships(user)
        if m.role == Role.OWNER.value and _owners_in(m.agency_id) <= 1
    ]


@use_case
def delete_account(user: User, typed_email: str) -> int:
    """Delete ``user``'s account after they typed its email.  Returns how many memberships
    ended.  Refused (409 ``last_owner``) while they are an agency's only owner."""
    if (typed_email or "").strip().lower() != user.email.lower():
        msg = _("Type your email address exactly as shown to confirm.")
        raise ValidationFailed(msg, {"confirm_email": msg})
    alone = agencies_needing_an_owner(user)
    if alone:
        msg = _(
            "You are the only owner of %(agencies)s. Make another member owner there "
            "first, then delete your account.",
            agencies=", ".join(alone),
        )
        raise Conflict(msg, {"confirm_email": msg}, code="last_owner")
    found = _memberships(user)
    email = user.email
    for membership in found:
        with tenant_scope(membership.agency_id):
            audit.record(
                "account.deleted",
                user,
                label=email,
                actor=user,
                agency_id=membership.agency_id,
                role=membership.role,
            )
            db.session.delete(membership)
            db.session.flush()
    anonymise(user)
    return len(found)


def anonymise(user: User) -> None:
    """What is left of a deleted account: no way in, no name, no address; the row stays so
    that what the person wrote keeps its links.  Also used when an agency is purged for its
    users who belong to no other agency (``saas.services.agency_deletion``)."""
    with system_scope():
        for model in (ApiToken, OneTimeToken, RecoveryCode):
            db.session.execute(
                delete(model)
                .where(model.user_id == user.id)
                .execution_options(synchronize_session=False)
            )
    sessions.end_all(user)
    db.session.execute(
        delete(UserSession)
        .where(UserSession.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.name = DELETED_NAME
    user.password_hash = None
    user.pending_email = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    user.calendar_feed_hash = None
    user.working_hours = None
    user.timezone = None
    user.is_active_user = False
    db.session.flush()
