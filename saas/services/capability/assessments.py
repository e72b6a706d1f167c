"""Assessments: a 0–4 rating of one team member in one skill.

Who assesses follows from the caller's role: owners and consultants add ``consultant``
ratings for anyone on the team; a client team member adds a ``self`` rating for the member
linked to their own user, and nobody else; client leaders only read.  Rows are only added,
so the history shows progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models import Brand, Membership
from saas.models.capability import Assessment, TeamMember
from saas.permissions import STAFF, can
from saas.services import audit
from saas.services.capability import skills as skills_service
from saas.services.capability.team import member_of
from saas.services.errors import Forbidden, ValidationFailed
from saas.transactions import use_case

RATINGS = (0, 1, 2, 3, 4)
LEVELS = {
    0: _l("None"),
    1: _l("Aware"),
    2: _l("Practising with help"),
    3: _l("Independent"),
    4: _l("Can teach others"),
}


def source_for(actor: Membership) -> str | None:
    """``consultant`` for staff, ``self`` for the client team, ``None`` for readers."""
    if not can(actor.role, "capability.assess"):
        return None
    return "consultant" if actor.role in STAFF else "self"


def may_assess(actor: Membership, member: TeamMember) -> bool:
    source = source_for(actor)
    if source == "self":
        return member.user_id is not None and member.user_id == actor.user_id
    return source == "consultant"


def _rating(value: Any, errors: dict[str, str]) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        rating = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        rating = None
    if rating is None or rating not in RATINGS:
        errors["rating"] = _("Choose a rating from 0 to 4.")
        return None
    return rating


def clean(brand: Brand, data: Mapping[str, Any]) -> tuple[TeamMember | None, str, int]:
    errors: dict[str, str] = {}
    member_id = data.get("member_id")
    member = member_of(brand.id, member_id) if member_id not in (None, "") else None
    if member is None:
        errors["member_id"] = _("Choose a member of this brand's team.")
    key = data.get("skill")
    key = key.strip() if isinstance(key, str) else ""
    skill = skills_service.by_key(key) if key else None
    if skill is None or skill.retired:
        errors["skill"] = _("Choose a skill from the catalogue.")
    rating = _rating(data.get("rating"), errors)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    assert member is not None and rating is not None
    return member, key, rating


@use_case
def add(actor: Membership, brand: Brand, data: Mapping[str, Any]) -> Assessment:
    """Record one rating; refused whole when any field is wrong or the caller may not."""
    source = source_for(actor)
    if source is None:
        raise Forbidden(_("Your role can read assessments but not add them."))
    member, key, rating = clean(brand, data)
    if not may_assess(actor, member):
        raise Forbidden(_("Client team members can rate only themselves."))
    row = Assessment(
        agency_id=brand.agency_id,
        brand_id=brand.id,
        member_id=member.id,
        skill_key=key,
        rating=rating,
        source=source,
        assessed_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "assessment.added",
        row,
        label=f"{member.name}: {key}",
        brand_id=brand.id,
        member_id=member.id,
        skill=key,
        rating=rating,
        source=source,
    )
    return row


def history(brand_id: int, member_id: int | None = None, skill_key: str | None = None) -> Any:
    """A select of assessments, newest first, optionally for one member and/or skill."""
    query = select(Assessment).where(Assessment.brand_id == brand_id)
    if member_id is not None:
        query = query.where(Assessment.member_id == member_id)
    if skill_key is not None:
        query = query.where(Assessment.skill_key == skill_key)
    return query.order_by(Assessment.created_at.desc(), Assessment.id.desc())


def history_by_skill(brand_id: int, member_id: int) -> dict[str, list[Assessment]]:
    """A member's assessments per skill key, oldest first (for a small progress chart)."""
    out: dict[str, list[Assessment]] = {}
    for row in reversed(list(db.session.scalars(history(brand_id, member_id)))):
        out.setdefault(row.skill_key, []).append(row)
    return out


__all__ = ["LEVELS", "RATINGS", "add", "history", "history_by_skill", "may_assess"]
