"""Product notifications: who is told about a plan, and what each person wants to receive.

- **Who reviews a plan** (``reviewers_for``): the plan's reviewer; else the consultants of
  its brand; else the consultants who see every brand; else the owners, so a plan waiting
  for review always reaches somebody.  Submission emails and review reminders share it.
- **A plan was submitted** (``notify_plan_submitted``): those people get an email in their
  language, with a link to the plan.
- **Preferences**: each person turns each kind of ``mail.PRODUCT_MAIL`` on or off, in
  Settings → Notifications or with the signed one-click link of the email; ``queue_email``
  honours the choice.  Security mail, invitations and billing mail are not in that list and
  cannot be turned off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from saas.extensions import db
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.models import Agency, Brand, Membership, NotificationPreference, Plan, User
from saas.services import audit, mail
from saas.services.errors import NotFound, ValidationFailed
from saas.transactions import use_case
from tenants.models import Role, utcnow

log = logging.getLogger(__name__)

PLAN_SUBMITTED = "plan_submitted"


# --- who reviews a plan --------------------------------------------------------------------


def staff() -> dict[int, Membership]:
    """The current agency's owners and consultants (active users only), with their brands."""
    rows = db.session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role.in_((Role.OWNER.value, Role.CONSULTANT.value)),
            User.is_active_user.is_(True),
        )
        .order_by(Membership.id)
    ).unique()
    return {m.id: m for m in rows}


def reviewers_for(plan: Plan, members: dict[int, Membership] | None = None) -> list[Membership]:
    """The plan's reviewer; else the consultants assigned to its brand; else those who
    see every brand; else the owners, so that a waiting plan always reaches somebody.

    ``members`` (from ``staff()``) lets a caller handling many plans load them once.
    """
    if members is None:
        members = staff()
    reviewer = members.get(plan.reviewer_membership_id or 0)
    if reviewer is not None:
        return [reviewer]
    consultants = [m for m in members.values() if m.role == Role.CONSULTANT]
    assigned = [
        m for m in consultants if any(link.brand_id == plan.brand_id for link in m.brand_links)
    ]
    if assigned:
        return assigned
    everywhere = [m for m in consultants if m.all_brands]
    if everywhere:
        return everywhere
    return [m for m in members.values() if m.role == Role.OWNER]


def plan_url(plan: Plan) -> str:
    """The plan's page (the brand's overview if the plans area is not there)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        path = adapter.build("plans.show", {"plan_id": plan.id})
    except BuildError:
        path = adapter.build("brands.show", {"brand_id": plan.brand_id})
    return f"{current_app.config['BASE_URL']}{path}"


def recipient_locale(user: User, brand: Brand | None, membership: Membership) -> str:
    """The person's own language, else the brand's, else the agency's, else English."""
    for locale in (
        user.locale,
        brand.language if brand is not None else None,
        membership.agency.default_locale,
    ):
        if locale in LANGUAGES:
            return locale
    return "en"


# --- a plan was submitted ------------------------------------------------------------------


def notify_plan_submitted(plan: Plan, submitter: Any = None) -> int:
    """Email the plan's reviewers that it waits for them.  Returns how many were queued.

    The person who submitted it is not told about their own submission.  Called by the
    workflow (``plans.transition``) inside its unit of work, so nothing is sent if the
    submission rolls back.
    """
    brand = db.session.scalar(select(Brand).where(Brand.id == plan.brand_id))
    agency = db.session.scalar(select(Agency).where(Agency.id == plan.agency_id))
    submitter_id = getattr(submitter, "user_id", None)
    submitter_user = getattr(submitter, "user", None) if submitter_id is not None else None
    url = plan_url(plan)
    sent = 0
    emails: set[str] = set()
    for member in reviewers_for(plan):
        user = member.user
        if user.id == submitter_id or user.email in emails:
            continue
        emails.add(user.email)
        message = mail.queue_email(
            to=user.email,
            template=PLAN_SUBMITTED,
            kind=PLAN_SUBMITTED,
            locale=recipient_locale(user, brand, member),
            recipient_name=user.name,
            submitter_name=getattr(submitter_user, "name", None),
            plan_title=plan.title,
            brand_name=brand.name if brand is not None else "",
            plan_url=url,
            agency_name=agency.name if agency is not None else None,
            accent_color=agency.accent_color if agency is not None else None,
        )
        sent += message is not None
    log.info("plan %s submitted: %d reviewer(s) emailed", plan.id, sent)
    return sent


# --- preferences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    enabled: bool


def preferences(user: User) -> list[Preference]:
    """Every product kind with the person's choice (on unless they turned it off)."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.enabled).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return [
        Preference(kind, str(label), chosen.get(kind) is not False)
        for kind, label in mail.PRODUCT_MAIL.items()
    ]


def _set(user_id: int, kind: str, enabled: bool) -> None:
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    if row is None:
        db.session.add(NotificationPreference(user_id=user_id, kind=kind, enabled=enabled))
    elif row.enabled != enabled:
        row.enabled = enabled
        row.updated_at = utcnow()


@use_case
def set_preferences(user: User, enabled: Iterable[str]) -> list[Preference]:
    """Keep the kinds in ``enabled`` on and turn every other product kind off."""
    wanted = set(enabled)
    unknown = wanted - set(mail.PRODUCT_MAIL)
    if unknown:
        msg = _("Choose notifications from the list.")
        raise ValidationFailed(msg, {"enabled": msg})
    for kind in mail.PRODUCT_MAIL:
        _set(user.id, kind, kind in wanted)
    off = sorted(set(mail.PRODUCT_MAIL) - wanted)
    audit.record("user.profile_updated", user, actor=user, notifications_off=off)
    db.session.flush()
    return preferences(user)


# --- the one-click unsubscribe link --------------------------------------------------------


@dataclass(frozen=True)
class Unsubscription:
    """What a genuine unsubscribe link names: one person and one kind."""

    user: User
    kind: str
    label: str
    enabled: bool


def check_unsubscribe(token: str) -> Unsubscription:
    """The person and kind a link names; ``NotFound`` for a forged, altered or stale link
    (no such person any more), so a token cannot be probed."""
    named = mail.read_unsubscribe_token(token)
    if named is None:
        raise NotFound(_("This link is not valid."))
    user_id, kind = named
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None:
        raise NotFound(_("This link is not valid."))
    return Unsubscription(user, kind, str(mail.PRODUCT_MAIL[kind]), mail.wants(user.id, kind))


@use_case
def unsubscribe(token: str) -> Unsubscription:
    """Turn off the kind the link names, for the person it names (no sign-in needed)."""
    found = check_unsubscribe(token)
    _set(found.user.id, found.kind, False)
    db.session.flush()
    log.info("user %s unsubscribed from %s by the email's link", found.user.id, found.kind)
    return Unsubscription(found.user, found.kind, found.label, False)
