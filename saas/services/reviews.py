"""Reviews: the consultant's judgement over the alignment engine's findings.

A consultant opens a review on a plan's current revision; the engine pre-fills findings,
the coverage matrix and the scores.  The consultant accepts or dismisses each finding (a
dismissal needs a reason), comments on campaigns and goals (internal or shared with the
client), writes recommendations and records a verdict, which moves the plan's status and
tells the client team.

Score: when the review opens, ``Review.score`` (and the per-campaign and per-goal scores,
the coverage and ``engine_verdict``) are the engine's.  After every judgement they are
recomputed with the engine's own ``rescore`` over the findings that still count: a
dismissed finding no longer costs the plan anything.  The consultant's verdict is what
moves the plan.

Who may see what (enforced here and by the views):
* staff (owner, consultant) see every review of the brands in their scope and may act;
* client users see completed reviews only, accepted findings only and shared comments only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, BrandAccess, Membership, User
from saas.models.goals import Goal
from saas.models.plans import Campaign, Plan, PlanRevision
from saas.models.reviews import FINDING_STATES, VERDICTS, Finding, Review, ReviewComment
from saas.services import audit
from saas.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tenants.models import Role, utcnow

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


def _require_staff(membership: Membership) -> None:
    if not is_staff(membership):
        raise Forbidden(_("Only the agency's consultants and owners can conduct reviews."))


def _require_open(review: Review) -> None:
    if review.status != "open":
        raise Conflict(_("This review is completed and can no longer change."))


def _plans():  # type: ignore[no-untyped-def]
    from saas.services import plans

    return plans


def _settings_for(brand_id: int):  # type: ignore[no-untyped-def]
    from saas.services import methodology

    return methodology.settings_for(brand_id)


# --- loading --------------------------------------------------------------------------------


def load(review_id: int, membership: Membership) -> Review | None:
    """A review the member may see, with its findings and comments (three queries)."""
    review = db.session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(selectinload(Review.findings), selectinload(Review.comments))
    )
    if review is None or not visible_to(review, membership):
        return None
    return review


def visible_to(review: Review, membership: Membership) -> bool:
    return is_staff(membership) or review.status == "completed"


def findings_for(review: Review, membership: Membership) -> list[Finding]:
    if is_staff(membership):
        return list(review.findings)
    return [f for f in review.findings if f.state == "accepted"]


def comments_for(review: Review, membership: Membership) -> list[ReviewComment]:
    if is_staff(membership):
        return list(review.comments)
    return [c for c in review.comments if c.shared]


def open_review_for(revision_id: int) -> Review | None:
    return db.session.scalar(
        select(Review)
        .where(Review.revision_id == revision_id, Review.status == "open")
        .order_by(Review.id)
        .limit(1)
    )


def reviews_of_plan(plan: Plan, membership: Membership) -> list[tuple[Review, int]]:
    """Every review of a plan with its revision number, oldest first (one query)."""
    stmt = (
        select(Review, PlanRevision.number)
        .join(PlanRevision, PlanRevision.id == Review.revision_id)
        .where(Review.plan_id == plan.id)
        .order_by(PlanRevision.number, Review.id)
    )
    if not is_staff(membership):
        stmt = stmt.where(Review.status == "completed")
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


def reviews_query(plan: Plan, membership: Membership) -> Select[tuple[Review]]:
    """The plan's reviews the member may see, newest first: the statement a list pages."""
    stmt = select(Review).where(Review.plan_id == plan.id)
    if not is_staff(membership):
        stmt = stmt.where(Review.status == "completed")
    return stmt.order_by(Review.created_at.desc(), Review.id.desc())


@dataclass(frozen=True)
class ReviewFacts:
    revision: int  # the revision's number
    findings: int  # the findings the member may see (client users: accepted ones)
    open_findings: int  # of those, still to be judged


def review_facts(reviews: Sequence[Review], membership: Membership) -> dict[int, ReviewFacts]:
    """Revision number and finding counts of a page of reviews: one query, however many."""
    ids = [r.id for r in reviews]
    if not ids:
        return {}
    # Client users see accepted findings only, so none of theirs is open.
    shown = FINDING_STATES if is_staff(membership) else ("accepted",)
    rows = db.session.execute(
        select(
            Review.id,
            PlanRevision.number,
            func.count(case((Finding.state.in_(shown), Finding.id))),
            func.count(case((Finding.state.in_(shown) & (Finding.state == "open"), Finding.id))),
        )
        .join(PlanRevision, PlanRevision.id == Review.revision_id)
        .outerjoin(Finding, Finding.review_id == Review.id)
        .where(Review.id.in_(ids))
        .group_by(Review.id, PlanRevision.number)
    )
    return {
        rid: ReviewFacts(revision=number, findings=int(seen or 0), open_findings=int(left or 0))
        for rid, number, seen, left in rows
    }


def revision_of(review: Review) -> PlanRevision:
    revision = db.session.scalar(select(PlanRevision).where(PlanRevision.id == review.revision_id))
    if revision is None:
        raise NotFound(_("This plan revision no longer exists."))
    return revision


def plan_of(review: Review) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.id == review.plan_id))
    if plan is None:
        raise NotFound(_("This plan no longer exists."))
    return plan


def campaign_names(revision_id: int) -> list[tuple[int, str, str]]:
    """(id, name, key) of a revision's campaigns in plan order: one query, no ORM objects."""
    rows = db.session.execute(
        select(Campaign.id, Campaign.name, Campaign.key)
        .where(Campaign.revision_id == revision_id)
        .order_by(Campaign.position, Campaign.id)
    )
    return [(r.id, r.name, r.key) for r in rows]


def goal_names(brand_id: int) -> list[tuple[int, str, str]]:
    """(id, title, priority) of a brand's goals: one query."""
    rows = db.session.execute(
        select(Goal.id, Goal.title, Goal.priority)
        .where(Goal.brand_id == brand_id)
        .order_by(Goal.id)
    )
    return [(r.id, r.title, r.priority) for r in rows]


# --- messages -------------------------------------------------------------------------------


def render_finding(finding: Finding, locale: str) -> tuple[str, str]:
    """The finding's message and suggested fix in ``locale``."""
    from saas.domain.alignment import messages

    try:
        return messages.render(finding.rule, dict(finding.params or {}), locale)
    except Exception:  # noqa: BLE001 - a rule removed since the review opened
        return finding.rule, ""


# --- acts -----------------------------------------------------------------------------------


def open_review(plan: Plan, membership: Membership, *, locale: str = "en") -> Review:
    """Open (or return the open) review of the plan's current revision, engine pre-filled."""
    from saas.domain.alignment import evaluate
    from saas.services.alignment_inputs import inputs_for

    _require_staff(membership)
    plans = _plans()
    revision = plans.current_revision(plan)
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
        goals, audiences, plan_in, _settings_for(plan.brand_id), locale=locale, today=date.today()
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
    try:
        if plan.status == "submitted":
            plans.transition(plan, "in_review", membership, via_review=True)  # commits
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
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


def decide_finding(
    finding: Finding, accept: bool, reason: str | None, membership: Membership
) -> Finding:
    """Accept a finding, or dismiss it with a reason (required, at most 2000 characters)."""
    _require_staff(membership)
    review = db.session.scalar(select(Review).where(Review.id == finding.review_id))
    if review is None:
        raise NotFound(_("No such review."))
    _require_open(review)
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
    db.session.commit()
    return finding


def _rescore(review: Review) -> None:
    """Scores without the dismissed findings (the engine's formula, fewer findings)."""
    from saas.domain.alignment import FindingOut, rescore
    from saas.services.alignment_inputs import campaign_in, campaigns_of, goal_in, goals_of

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
    scores = rescore(kept, goals, campaigns, _settings_for(review.brand_id))
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


def add_comment(
    review: Review,
    body: str | None,
    shared: bool,
    campaign_id: int | None = None,
    goal_id: int | None = None,
    *,
    membership: Membership,
) -> ReviewComment:
    """A comment on the review, a campaign or a goal; internal unless ``shared``."""
    _require_staff(membership)
    _require_open(review)
    errors: dict[str, str] = {}
    text = (body or "").strip()
    if not text:
        errors["body"] = _("Write a comment.")
    elif len(text) > COMMENT_MAX:
        errors["body"] = _("Use at most %(n)d characters.", n=COMMENT_MAX)
    if campaign_id is not None:
        found = db.session.scalar(
            select(Campaign.id).where(
                Campaign.id == campaign_id, Campaign.revision_id == review.revision_id
            )
        )
        if found is None:
            errors["campaign_id"] = _("Unknown campaign %(id)s", id=campaign_id)
    if goal_id is not None:
        found = db.session.scalar(
            select(Goal.id).where(Goal.id == goal_id, Goal.brand_id == review.brand_id)
        )
        if found is None:
            errors["goal_id"] = _("Unknown goal %(id)s", id=goal_id)
    if errors:
        raise ValidationFailed(_("The comment could not be saved."), errors)
    comment = ReviewComment(
        agency_id=review.agency_id,
        brand_id=review.brand_id,
        review_id=review.id,
        campaign_id=campaign_id,
        goal_id=goal_id,
        body=text,
        shared=bool(shared),
        author_id=membership.user_id,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "review.commented",
        review,
        label=f"#{review.id}",
        comment_id=comment.id,
        shared=bool(shared),
        campaign_id=campaign_id,
        goal_id=goal_id,
    )
    db.session.commit()
    return comment


def _clean_recommendations(text: str | None) -> str | None:
    value = (text or "").strip()
    if len(value) > RECOMMENDATIONS_MAX:
        raise ValidationFailed(
            _("The recommendations are too long."),
            {"recommendations": _("Use at most %(n)d characters.", n=RECOMMENDATIONS_MAX)},
        )
    return value or None


def set_recommendations(review: Review, text: str | None, membership: Membership) -> Review:
    _require_staff(membership)
    _require_open(review)
    review.recommendations = _clean_recommendations(text)
    audit.record("review.recommendations_saved", review, label=f"#{review.id}")
    db.session.commit()
    return review


def complete(
    review: Review,
    verdict: str | None,
    membership: Membership,
    *,
    recommendations: str | None = None,
) -> Review:
    """Record the verdict; the plan moves to approved (aligned) or changes_requested."""
    _require_staff(membership)
    _require_open(review)
    if verdict not in VERDICTS:
        raise ValidationFailed(
            _("Choose a verdict."),
            {"verdict": _("Choose aligned, needs changes or misaligned.")},
        )
    if recommendations is not None:
        review.recommendations = _clean_recommendations(recommendations)
    undecided = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.review_id == review.id, Finding.state == "open"
        )
    )
    if undecided:
        raise Conflict(
            _(
                "Accept or dismiss every finding before recording the verdict: %(n)d still open.",
                n=undecided,
            ),
            {"verdict": _("%(n)d findings are still open.", n=undecided)},
            code="findings_open",
        )
    revision = revision_of(review)
    if verdict == "aligned" and revision.author_id == membership.user_id:
        raise Forbidden(
            _("You wrote this revision, so someone else must approve it."),
            {"verdict": _("Nobody approves a plan revision they authored.")},
            code="own_revision",
        )
    plan = db.session.scalar(select(Plan).where(Plan.id == review.plan_id).with_for_update())
    if plan is None:
        raise NotFound(_("This plan no longer exists."))
    review.verdict = verdict
    review.status = "completed"
    review.completed_at = utcnow()
    review.reviewer_id = membership.user_id
    audit.record(
        "review.completed",
        review,
        label=plan.title,
        plan_id=plan.id,
        revision=revision.number,
        verdict=verdict,
        score=review.score,
    )
    _notify(review, plan, revision)
    target = "approved" if verdict == "aligned" else "changes_requested"
    try:
        _plans().transition(plan, target, membership, via_review=True)  # commits
    except Exception:
        db.session.rollback()
        raise
    return review


# --- notification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    locale: str


def recipients(plan: Plan) -> list[Recipient]:
    """The brand's client team members and the plan's creator, each once (two queries)."""
    brand = db.session.scalar(select(Brand).where(Brand.id == plan.brand_id))
    fallback = (brand.language if brand is not None else None) or "en"
    team: Iterable[Membership] = db.session.scalars(
        select(Membership)
        .join(BrandAccess, BrandAccess.membership_id == Membership.id)
        .where(BrandAccess.brand_id == plan.brand_id, Membership.role == Role.CLIENT_TEAM.value)
    ).unique()
    users: dict[int, User] = {m.user_id: m.user for m in team}
    if plan.created_by_id is not None and plan.created_by_id not in users:
        creator = db.session.scalar(select(User).where(User.id == plan.created_by_id))
        if creator is not None:
            users[creator.id] = creator
    out = []
    for user in users.values():
        if not user.is_active:
            continue
        locale = user.locale if user.locale in ("en", "ar") else fallback
        out.append(Recipient(email=user.email, name=user.name, locale=locale))
    return sorted(out, key=lambda r: r.email)


def review_url(review: Review) -> str:
    return f"{current_app.config['BASE_URL']}/reviews/{review.id}"


def _notify(review: Review, plan: Plan, revision: PlanRevision) -> None:
    from saas.services.mail import queue_email

    brand = db.session.scalar(select(Brand).where(Brand.id == plan.brand_id))
    agency = plan_agency(plan)
    accepted = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.review_id == review.id, Finding.state == "accepted"
        )
    )
    for person in recipients(plan):
        queue_email(
            to=person.email,
            template="review_completed",
            locale=person.locale,
            kind="review_completed",
            name=person.name,
            plan_title=plan.title,
            brand_name=brand.name if brand is not None else "",
            revision=revision.number,
            verdict=review.verdict,
            score=review.score,
            accepted=int(accepted or 0),
            recommendations=review.recommendations,
            url=review_url(review),
            agency_name=agency.name if agency is not None else None,
            accent_color=agency.accent_color if agency is not None else None,
        )


def plan_agency(plan: Plan):  # type: ignore[no-untyped-def]
    from saas.models import Agency

    return db.session.scalar(select(Agency).where(Agency.id == plan.agency_id))


def user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names for authors and deciders: one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
