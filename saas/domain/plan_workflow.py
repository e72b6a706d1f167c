"""The social plan's status workflow: who may move a plan from which status to which.

Pure Python so the whole table is unit-tested without a database.  The service layer
supplies the facts (the viewer's role, whether they wrote the current revision, whether
the current revision is new since the last review) and applies the answer.

    draft ─────────────▶ submitted ──▶ in_review ──▶ changes_requested ──▶ submitted …
                                            └──────▶ approved
    any status except archived ──▶ archived (staff)
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("draft", "submitted", "in_review", "changes_requested", "approved", "archived")

OWNER = "owner"
CONSULTANT = "consultant"
CLIENT_LEADER = "client_leader"
CLIENT_TEAM = "client_team"
STAFF = frozenset({OWNER, CONSULTANT})
DRAFTERS = frozenset({OWNER, CONSULTANT, CLIENT_TEAM})

# Client leaders see a plan only once it has been decided.
LEADER_VISIBLE = frozenset({"approved", "archived"})


@dataclass(frozen=True)
class Move:
    roles: frozenset[str]
    # Only a completed review moves a plan to this status (the review records the verdict).
    via_review: bool = False
    # The author of the current revision may not make this move (nobody approves their own).
    not_author: bool = False
    # The current revision must be new since the last review (changes were made).
    needs_new_revision: bool = False


MOVES: dict[tuple[str, str], Move] = {
    ("draft", "submitted"): Move(DRAFTERS),
    # Opening a review does it, so a plan is never "in review" without a review.
    ("submitted", "in_review"): Move(STAFF, via_review=True),
    ("in_review", "changes_requested"): Move(STAFF, via_review=True),
    ("in_review", "approved"): Move(STAFF, via_review=True, not_author=True),
    ("changes_requested", "submitted"): Move(DRAFTERS, needs_new_revision=True),
    **{(status, "archived"): Move(STAFF) for status in STATUSES if status != "archived"},
}

# Reasons a move is refused; the service maps them to Forbidden (role) or Conflict (state).
NOT_A_MOVE = "not_a_move"  # no such arrow from this status (409)
ROLE = "role"  # the role may not make this move (403)
VIA_REVIEW = "via_review"  # only a completed review can (409)
OWN_REVISION = "own_revision"  # the viewer wrote the current revision (403)
NO_NEW_REVISION = "no_new_revision"  # save a new revision first (409)

FORBIDDEN_REASONS = frozenset({ROLE, OWN_REVISION})


def check(
    current: str,
    to: str,
    role: str,
    *,
    via_review: bool = False,
    is_author: bool = False,
    has_new_revision: bool = True,
) -> str | None:
    """Why ``role`` may not move a plan from ``current`` to ``to``; ``None`` when it may."""
    move = MOVES.get((current, to))
    if move is None:
        return NOT_A_MOVE
    if role not in move.roles:
        return ROLE
    if move.via_review and not via_review:
        return VIA_REVIEW
    if move.not_author and is_author:
        return OWN_REVISION
    if move.needs_new_revision and not has_new_revision:
        return NO_NEW_REVISION
    return None


def available(
    current: str, role: str, *, is_author: bool = False, has_new_revision: bool = True
) -> list[str]:
    """The statuses this role can move the plan to by hand (buttons), in workflow order.

    Moves that only a review makes (opening one, its verdict) are left out: those
    happen on the review screens.
    """
    return [
        to
        for to in STATUSES
        if not MOVES.get((current, to), Move(frozenset())).via_review
        and check(current, to, role, is_author=is_author, has_new_revision=has_new_revision) is None
    ]


def can_view(status: str, role: str) -> bool:
    """Client leaders see only decided plans; everyone else in scope sees every plan."""
    if role == CLIENT_LEADER:
        return status in LEADER_VISIBLE
    return role in DRAFTERS


def can_edit(status: str, role: str) -> bool:
    """Whether ``role`` may save a new version of a plan in ``status``."""
    return role in DRAFTERS and status in EDITABLE


# A plan under review, decided or archived is not edited (a new plan or a review's
# "changes requested" reopens it).
EDITABLE = frozenset({"draft", "submitted", "changes_requested"})
