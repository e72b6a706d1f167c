"""Moving a plan through the workflow of ``saas.domain.plan_workflow``.

The domain says whether a move is allowed; this module gathers what it needs to know (the
member's role, whether they wrote the current revision, whether a review has seen it),
turns its answer into the error a person reads, and applies and audits the move.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from saas.domain import plan_workflow as workflow
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Plan, PlanRevision, Review
from saas.services import audit, notifications
from saas.services.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from saas.services.plans.queries import current_revision
from saas.services.plans.versions import claim_version
from saas.transactions import use_case
from tenants.models import utcnow


def _has_new_revision(revision: PlanRevision) -> bool:
    """True when no review has looked at this revision yet (after "changes requested":
    the cycle's draft exists, so there is something new to submit)."""
    reviewed = db.session.scalar(
        select(func.count(Review.id)).where(Review.revision_id == revision.id)
    )
    return not reviewed


def _is_author(revision: PlanRevision, membership: Any) -> bool:
    return revision.author_id is not None and revision.author_id == membership.user_id


def _refusal(reason: str, to: str) -> ServiceError:
    """The error for a reason ``workflow.check`` gave."""
    if reason == workflow.ROLE:
        return Forbidden(_("Your role does not allow this."), code="forbidden")
    if reason == workflow.OWN_REVISION:
        return Forbidden(
            _("You wrote this revision: another consultant must approve it."),
            code="own_revision",
        )
    if reason == workflow.VIA_REVIEW:
        return Conflict(
            _("Open a review to start reviewing this plan.")
            if to == "in_review"
            else _("Only a completed review can request changes or approve a plan."),
            code="review_required",
        )
    if reason == workflow.NO_NEW_REVISION:
        return Conflict(
            _("Make the requested changes before submitting again: the plan has no draft yet."),
            code="revision_required",
        )
    return Conflict(
        _("A plan cannot move from this status to that one."), code="transition_not_allowed"
    )


@use_case
def transition(
    plan: Plan,
    to: str,
    membership: Any,
    *,
    via_review: bool = False,
    expected_version: int | None = None,
) -> Plan:
    """Move the plan to status ``to`` if the workflow lets this member, and audit it.

    ``Forbidden`` when the role (or authorship) does not allow it, ``Conflict`` when the
    move does not exist from the current status or needs a review / a new revision first,
    ``EditConflict`` when the plan changed since ``expected_version`` (see ``versions``).
    """
    if to not in workflow.STATUSES:
        raise ValidationFailed(_("Unknown status."), {"to": _("Choose a status from the list.")})
    role = getattr(membership, "role", None)
    if role is None or not workflow.can_view(plan.status, role):
        raise NotFound(_("There is no such plan."))
    revision = current_revision(plan)
    move = workflow.MOVES.get((plan.status, to))
    has_new = _has_new_revision(revision) if move and move.needs_new_revision else True
    reason = workflow.check(
        plan.status,
        to,
        role,
        via_review=via_review,
        is_author=_is_author(revision, membership),
        has_new_revision=has_new,
    )
    if reason is not None:
        raise _refusal(reason, to)
    claim_version(plan, expected_version)
    previous = plan.status
    if to == "submitted":
        # Submitting freezes the cycle's draft: its number is the next submitted revision.
        plan.submitted_at = utcnow()
        plan.reminders_sent = 0
        revision.frozen = True
        revision.submitted_at = revision.submitted_at or plan.submitted_at
        notifications.notify_plan_submitted(plan, membership)  # email the reviewer chain
    plan.status = to
    plan.updated_at = utcnow()
    audit.record("plan.transition", plan, **{"from": previous, "to": to})
    return plan


def available_transitions(plan: Plan, membership: Any, revision: PlanRevision) -> list[str]:
    """The statuses this member can move the plan to with a button."""
    role = getattr(membership, "role", None)
    if role is None:
        return []
    has_new = _has_new_revision(revision) if plan.status == "changes_requested" else True
    return workflow.available(
        plan.status, role, is_author=_is_author(revision, membership), has_new_revision=has_new
    )
