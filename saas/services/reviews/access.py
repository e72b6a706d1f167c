"""Who may conduct a review, and the words the coverage matrix reads in."""

from __future__ import annotations

from saas.i18n import gettext as _
from saas.models import Membership
from saas.models.reviews import Review
from saas.services.errors import Conflict, Forbidden
from tenants.models import Role

STAFF_ROLES = frozenset({Role.OWNER.value, Role.CONSULTANT.value})
CLIENT_ROLES = frozenset({Role.CLIENT_LEADER.value, Role.CLIENT_TEAM.value})
# Roles that may conduct a review (the lead maps this to "review.conduct").
CONDUCT_ROLES = STAFF_ROLES

REASON_MAX = 2000
COMMENT_MAX = 4000
RECOMMENDATIONS_MAX = 20000
REVIEWABLE_STATUSES = ("submitted", "in_review")

# Coverage strength (0..1) → the word shown in the matrix.
STRONG_AT = 0.67


def strength_word(value: float | None) -> str:
    """``strong`` / ``partial`` / ``none``: the matrix reads without colour."""
    v = float(value or 0)
    if v >= STRONG_AT:
        return "strong"
    if v > 0:
        return "partial"
    return "none"


def is_staff(membership: Membership) -> bool:
    return membership.role in STAFF_ROLES


def require_staff(membership: Membership) -> None:
    if not is_staff(membership):
        raise Forbidden(_("Only the agency's consultants and owners can conduct reviews."))


def require_open(review: Review) -> None:
    if review.status != "open":
        raise Conflict(_("This review is completed and can no longer change."))
