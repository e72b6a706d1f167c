"""Opening a review with the engine's findings, and judging them one by one.

When the review opens, ``Review.score`` (and the per-campaign and per-goal scores, the
coverage and ``engine_verdict``) are the engine's.  After every judgement they are
recomputed with the engine's own ``rescore`` over the findings that still count: a
dismissed finding no longer costs the plan anything.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from saas.domain.alignment import FindingOut, evaluate, rescore
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Membership
from saas.models.plans import Plan
from saas.models.reviews import Finding, Review
from saas.services import audit, methodology, plans
from saas.services.alignment_inputs import campaign_in, campaigns_of, goal_in, goals_of, inputs_for
from saas.services.errors import Conflict, NotFound, ValidationFailed
from saas.services.reviews.access import (
    REASON_MAX,
    REVIEWABLE_STATUSES,
    require_open,
    require_staff,
)
from saas.services.reviews.queries import open_review_for
from saas.transactions import use_case
from tenants.models import utcnow


@use_case
def open_review(
    plan: Plan,
    membership: Membership,
    *,
    locale: str = "en",
    seen_revision_id: int | None = None,
) -> Review:
    """Open (or return the open) review of the plan's current revision, engine pre-filled.

    ``seen_revision_id``: the revision the consultant was looking at (the plan page sends
    it).  When the team has saved a newer one since, nothing is opened (409
    ``edit_conflict``): a review of a revision nobody on the agency's side has seen would
    judge the wrong plan."""
    require_staff(membership)
    revision = plans.current_revision(plan)
    if seen_revision_id is not None and seen_revision_id != revision.id:
        raise Conflict(
            _(
                "The team saved a newer revision of this plan after you opened it. "
                "Nothing was opened: look at the current revision, then review it."
            ),
            code="edit_conflict",
        )
    existing = open_review_for(revision.id)
    if existing is not None:
        return existing
    if plan.status not in REVIEWABLE_STATUSES:
        raise Conflict(
            _("Only a submitted plan can be reviewed."),
            code="not_submitted",
        )

    goals, audiences, plan_in = inputs_for(revision)
    result = evaluate(
        goals,
        audiences,
        plan_in,
        methodology.settings_for(plan.brand_id),
        locale=locale,
        today=date.today(),
    )
    review = Review(
        agency_id=plan.agency_id,
        brand_id=plan.brand_id,
        plan_id=plan.id,
        revision_id=revision.id,
        reviewer_id=membership.user_id,
        status="open",
    )
    _store_scores(review, result)
    review.findings = [
        Finding(
            agency_id=plan.agency_id,
            brand_id=plan.brand_id,
            rule=f.rule,
            severity=f.severity,
            campaign_id=f.campaign_id,
            goal_id=f.goal_id,
            params=_jsonable(f.params),
            state="open",
        )
        for f in result.findings
    ]
    db.session.add(review)
    db.session.flush()
    audit.record(
        "review.opened",
        review,
        label=plan.title,
        plan_id=plan.id,
        revision=revision.number,
        score=review.score,
        engine_verdict=review.engine_verdict,
        findings=len(review.findings),
    )
    if plan.status == "submitted":
        plans.transition(plan, "in_review", membership, via_review=True)
    return review


def _jsonable(value: Any) -> Any:
    """Engine params may hold dates or tuples; JSON columns want plain values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@use_case
def decide_finding(
    finding: Finding, accept: bool, reason: str | None, membership: Membership
) -> Finding:
    """Accept a finding, or dismiss it with a reason (required, at most 2000 characters)."""
    require_staff(membership)
    review = db.session.scalar(select(Review).where(Review.id == finding.review_id))
    if review is None:
        raise NotFound(_("No such review."))
    require_open(review)
    reason = (reason or "").strip()
    if not accept:
        if not reason:
            raise ValidationFailed(
                _("Say why this finding does not apply."),
                {"reason": _("Give a reason for dismissing this finding.")},
            )
        if len(reason) > REASON_MAX:
            raise ValidationFailed(
                _("The reason is too long."),
                {"reason": _("Use at most %(n)d characters.", n=REASON_MAX)},
            )
    finding.state = "accepted" if accept else "dismissed"
    finding.dismiss_reason = None if accept else reason
    finding.decided_by_id = membership.user_id
    finding.decided_at = utcnow()
    _rescore(review)
    audit.record(
        "review.finding_accepted" if accept else "review.finding_dismissed",
        finding,
        label=finding.rule,
        review_id=review.id,
        reason=None if accept else reason,
    )
    db.session.flush()
    return finding


@use_case
def accept_all_remaining(
    review: Review, membership: Membership, *, expected: int | None = None
) -> list[Finding]:
    """Accept every finding still to decide, in one go (dismissed ones stay dismissed).

    ``expected`` is the number the consultant confirmed ("Accept the 12 remaining"): when
    someone judged in the meantime the number differs and nothing changes, so nobody
    accepts findings they did not see.  One audit event records the whole step, with the
    ids of the findings it accepted.
    """
    require_staff(membership)
    require_open(review)
    remaining = list(
        db.session.scalars(
            select(Finding)
            .where(Finding.review_id == review.id, Finding.state == "open")
            .order_by(Finding.id)
        )
    )
    if expected is not None and expected != len(remaining):
        raise Conflict(
            _(
                "The findings changed since you confirmed: %(n)d are still to decide. "
                "Check them and confirm again.",
                n=len(remaining),
            ),
            code="findings_changed",
        )
    if not remaining:
        return []
    now = utcnow()
    for finding in remaining:
        finding.state = "accepted"
        finding.dismiss_reason = None
        finding.decided_by_id = membership.user_id
        finding.decided_at = now
    db.session.flush()
    _rescore(review)
    audit.record(
        "review.findings_accepted_all",
        review,
        label=f"#{review.id}",
        count=len(remaining),
        finding_ids=[f.id for f in remaining],
        score=review.score,
    )
    db.session.flush()
    return remaining


def _rescore(review: Review) -> None:
    """Scores without the dismissed findings (the engine's formula, fewer findings)."""
    findings = db.session.scalars(
        select(Finding).where(Finding.review_id == review.id, Finding.state != "dismissed")
    ).all()
    kept = [
        FindingOut(
            rule=f.rule,
            severity=f.severity,
            campaign_id=f.campaign_id,
            goal_id=f.goal_id,
            params=dict(f.params or {}),
            message="",
            fix="",
        )
        for f in findings
    ]
    goals = [goal_in(g) for g in goals_of(review.brand_id)]
    campaigns = [campaign_in(c) for c in campaigns_of(review.revision_id)]
    scores = rescore(kept, goals, campaigns, methodology.settings_for(review.brand_id))
    _store_scores(review, scores)


def _store_scores(review: Review, scores: Any) -> None:
    review.score = int(scores.score)
    review.engine_verdict = scores.verdict
    review.coverage = {
        str(goal_id): {str(cid): float(s) for cid, s in row.items()}
        for goal_id, row in scores.coverage.items()
    }
    review.campaign_scores = {str(k): int(v) for k, v in scores.campaign_scores.items()}
    review.goal_scores = {str(k): int(v) for k, v in scores.goal_scores.items()}
