"""Members of an agency: listing, changing a role and brands, removing someone.

An agency always keeps an owner: the last one can be neither demoted nor removed (409
``last_owner``), nor leave or delete their account (``saas.services.account``).

Removing a member must take effect at once, so it also revokes their API tokens in this
agency and rotates their ``session_version`` (every cookie session of theirs stops working).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import ApiToken, Brand, BrandAccess, Membership, User
from saas.services import audit
from saas.services.entitlements import limits
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from saas.transactions import use_case
from tenants.models import Role, utcnow


def parse_role(raw: str | Role | None, field: str = "role") -> Role:
    try:
        return Role(raw)
    except ValueError:
        msg = _("Choose a role.")
        raise ValidationFailed(msg, {field: msg}) from None


def resolve_brands(brand_ids: Iterable[int], field: str = "brand_ids") -> list[Brand]:
    """The active brands with these ids *that the caller can see*.

    The tenant (and brand) criteria hide other agencies' brands and brands outside a
    consultant's assignments, so a foreign id is simply unknown: one message, no probing.
    """
    wanted: list[int] = []
    for raw in brand_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            msg = _("Unknown brand: %(ids)s", ids=str(raw))
            raise ValidationFailed(msg, {field: msg}) from None
        if value not in wanted:
            wanted.append(value)
    if not wanted:
        return []
    found = list(
        db.session.scalars(
            select(Brand)
            .where(Brand.id.in_(wanted), Brand.archived_at.is_(None))
            .order_by(Brand.name)
        )
    )
    missing = [i for i in wanted if i not in {b.id for b in found}]
    if missing:
        msg = _("Unknown brand: %(ids)s", ids=", ".join(str(i) for i in missing))
        raise ValidationFailed(msg, {field: msg})
    return found


def brands_in_scope() -> list[Brand]:
    """Active brands the caller may assign (choices for invite and edit forms)."""
    return list(
        db.session.scalars(select(Brand).where(Brand.archived_at.is_(None)).order_by(Brand.name))
    )


def members_query() -> Select[tuple[Membership]]:
    """Every member of the current agency, by name; user and brands eager-loaded."""
    return (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .options(selectinload(Membership.brand_links))
        .order_by(User.name, Membership.id)
    )


def owner_count() -> int:
    """The current agency's owners, their rows locked until the unit of work ends (on
    PostgreSQL): two owners demoting, removing or leaving at once cannot both pass the
    last-owner check (``SELECT … FOR UPDATE``; SQLite serialises writers anyway)."""
    return len(
        db.session.scalars(
            select(Membership.id).where(Membership.role == Role.OWNER.value).with_for_update()
        ).all()
    )


def check_brand_requirement(role: Role, brands: list[Brand], field: str = "brand_ids") -> None:
    if role.is_client and not brands:
        msg = _("Choose at least one brand for a client user.")
        raise ValidationFailed(msg, {field: msg})


@use_case
def change_role(
    actor: Membership,
    membership: Membership,
    role: str | Role,
    brand_ids: Iterable[int] = (),
    all_brands: bool = False,
) -> Membership:
    """Set a member's role and brands.  The last owner cannot be demoted."""
    new_role = parse_role(role)
    brands = resolve_brands(brand_ids) if new_role != Role.OWNER else []
    check_brand_requirement(new_role, brands)
    old_role = membership.role
    if old_role == Role.OWNER.value and new_role != Role.OWNER and owner_count() <= 1:
        msg = _("This is the agency's only owner. Make someone else an owner first.")
        raise Conflict(msg, {"role": msg}, code="last_owner")

    if new_role.is_agency_staff and not Role(old_role).is_agency_staff:
        limits.check(membership.agency_id, "staff_seats", actor=actor)  # a client takes a seat
    membership.role = new_role.value
    membership.all_brands = bool(all_brands) and new_role == Role.CONSULTANT
    wanted = {b.id for b in brands}
    for link in list(membership.brand_links):
        if link.brand_id not in wanted:
            membership.brand_links.remove(link)
    have = {link.brand_id for link in membership.brand_links}
    for brand in brands:
        if brand.id not in have:
            membership.brand_links.append(
                BrandAccess(agency_id=membership.agency_id, brand_id=brand.id)
            )
    audit.record(
        "member.role_changed",
        membership,
        label=membership.user.email,
        from_role=old_role,
        to_role=new_role.value,
        brand_ids=sorted(wanted),
        all_brands=membership.all_brands,
        actor=actor.user,
    )
    return membership


@use_case
def remove(actor: Membership, membership: Membership) -> None:
    """Remove a member: membership and brand access go, their tokens and sessions end."""
    # The last owner first: "ask another owner" would send them looking for nobody.
    if membership.role == Role.OWNER.value and owner_count() <= 1:
        msg = _("This is the agency's only owner and cannot be removed.")
        raise Conflict(msg, code="last_owner")
    if membership.id == actor.id:
        msg = _("You cannot remove yourself. Ask another owner to do it.")
        raise Forbidden(msg, code="cannot_remove_self")
    user = membership.user
    now = utcnow()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    user.end_all_sessions()
    audit.record(
        "member.removed",
        membership,
        label=user.email,
        role=membership.role,
        tokens_revoked=len(tokens),
        actor=actor.user,
    )
    db.session.delete(membership)
