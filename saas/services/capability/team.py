"""A brand's client team: Tandem users with access to the brand, or just names (a social
team is often larger than its logins)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from saas.domain.ids import parse_id
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Membership
from saas.models.capability import TeamMember
from saas.permissions import STAFF, can
from saas.services import audit
from saas.services.errors import Forbidden, ValidationFailed
from saas.transactions import use_case

NAME_MAX = 120


def members_of(brand_id: int) -> Any:
    """A select of the brand's team for ``paginated`` (brand scope applies)."""
    return (
        select(TeamMember)
        .where(TeamMember.brand_id == brand_id)
        .order_by(TeamMember.name, TeamMember.id)
    )


def member_of(brand_id: int, member_id: Any) -> TeamMember | None:
    """The brand's member with this id, through a SELECT so the tenant criteria apply (an
    id beyond the column's range, another brand's or another agency's member: None)."""
    ident = parse_id(member_id)
    if ident is None:
        return None
    return db.session.scalar(
        select(TeamMember).where(TeamMember.id == ident, TeamMember.brand_id == brand_id)
    )


def linked_member(brand_id: int, user_id: int) -> TeamMember | None:
    """The member of the brand's team who is this user, if any."""
    return db.session.scalar(
        select(TeamMember).where(TeamMember.brand_id == brand_id, TeamMember.user_id == user_id)
    )


def can_add(actor: Membership) -> bool:
    return actor.role in STAFF and can(actor.role, "capability.assess")


def _user_with_access(brand: Brand, user_id: int) -> Membership | None:
    """The user's membership in this agency when it reaches the brand (scope applies, so
    another agency's user is simply not found)."""
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user_id))
    if membership is None:
        return None
    ids = membership.brand_ids
    return membership if ids is None or brand.id in ids else None


@use_case
def add(actor: Membership, brand: Brand, data: Mapping[str, Any]) -> TeamMember:
    """Add a member; owners and consultants only (the client team rates, it does not staff)."""
    if not can_add(actor):
        raise Forbidden(_("Only the agency's owners and consultants add team members."))
    errors: dict[str, str] = {}
    name = data.get("name")
    name = name.strip() if isinstance(name, str) else ""
    raw_user = data.get("user_id")
    user_id = None if raw_user in ("", None) else (parse_id(raw_user) or -1)
    membership = None
    if user_id is not None:
        membership = _user_with_access(brand, user_id) if user_id > 0 else None
        if membership is None:
            errors["user_id"] = _("Choose a person who has access to this brand.")
        elif linked_member(brand.id, user_id) is not None:
            errors["user_id"] = _("This person is already on the team.")
    if not name and membership is not None:
        name = (membership.user.name or membership.user.email)[:NAME_MAX]
    if not name:
        errors["name"] = _("Enter the person's name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under %(n)s characters.", n=NAME_MAX)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    member = TeamMember(agency_id=brand.agency_id, brand_id=brand.id, name=name, user_id=user_id)
    db.session.add(member)
    db.session.flush()
    audit.record("team_member.added", member, label=name, brand_id=brand.id, user_id=user_id)
    return member


def candidates(brand: Brand) -> list[Membership]:
    """Users of the agency who reach the brand and are not on its team yet."""
    taken = set(
        db.session.scalars(select(TeamMember.user_id).where(TeamMember.brand_id == brand.id))
    )
    out = []
    for m in db.session.scalars(select(Membership)):
        ids = m.brand_ids
        if (ids is None or brand.id in ids) and m.user_id not in taken:
            out.append(m)
    return out
