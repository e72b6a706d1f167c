"""API: reviews of plan revisions — open, list, read, judge findings, comment, complete.

The same service as the web pages.  Finding messages and fixes are rendered in the
caller's language (the user's own, else Accept-Language).  Client users see completed
reviews only, accepted findings only and shared comments only; another tenant's ids 404.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import g, request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from saas.api.base import PAGE_QUERY, ApiError, Id, Page, UtcDateTime, endpoint, found, paginated
from saas.api.schemas import attributes
from saas.http import get_or_404
from saas.models.plans import Plan
from saas.models.reviews import Finding, Review, ReviewComment
from saas.services import plans as plans_service
from saas.services import reviews as reviews_service

TAGS = ["reviews"]

Verdict = Literal["aligned", "needs_changes", "misaligned"]


class FindingDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["accepted", "dismissed"]
    reason: StrictStr | None = Field(
        default=None,
        max_length=reviews_service.REASON_MAX,
        description="Required when dismissing: why the finding does not apply",
    )


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: StrictStr = Field(min_length=1, max_length=reviews_service.COMMENT_MAX)
    shared: StrictBool = Field(
        default=False, description="true: the client sees it; false: internal to the agency"
    )
    campaign_id: Id | None = None
    goal_id: Id | None = None


class ReviewComplete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    recommendations: StrictStr | None = Field(
        default=None, max_length=reviews_service.RECOMMENDATIONS_MAX
    )


class FindingOut(BaseModel):
    id: int
    rule: str
    severity: Literal["error", "warning", "info"]
    campaign_id: int | None
    goal_id: int | None
    message: str
    fix: str
    state: Literal["open", "accepted", "dismissed"]
    dismiss_reason: str | None = None


class CommentOut(BaseModel):
    id: int
    body: str
    shared: bool
    campaign_id: int | None
    goal_id: int | None
    author_id: int | None
    created_at: UtcDateTime


class ReviewOut(BaseModel):
    id: int
    plan_id: int
    revision: int
    revision_id: int
    status: Literal["open", "completed"]
    score: int
    verdict: Verdict = Field(
        description="The engine's verdict while the review is open; the consultant's once completed"
    )
    engine_verdict: Verdict
    recommendations: str | None
    findings: list[FindingOut]
    comments: list[CommentOut]
    coverage: dict[str, dict[str, float]] = Field(
        description="goal_id → campaign_id → strength 0..1 (absent: the campaign does not serve it)"
    )
    campaign_scores: dict[str, int]
    goal_scores: dict[str, int]
    created_at: UtcDateTime
    completed_at: UtcDateTime | None


class ReviewSummary(BaseModel):
    """A review in a list: what it judged and where it stands (``GET /reviews/{id}`` for the
    findings, comments and coverage)."""

    id: int
    plan_id: int
    revision: int = Field(description="The number of the plan revision it reviews")
    revision_id: int
    status: Literal["open", "completed"]
    score: int
    verdict: Verdict = Field(
        description="The engine's verdict while the review is open; the consultant's once completed"
    )
    engine_verdict: Verdict
    finding_count: int = Field(description="Findings the caller may see (clients: accepted ones)")
    open_finding_count: int = Field(description="Of those, findings not yet judged")
    created_at: UtcDateTime
    completed_at: UtcDateTime | None


class ReviewPage(Page[ReviewSummary]):
    pass


def _verdict(review: Review) -> str:
    """The consultant's verdict once completed; the engine's until then."""
    return review.verdict if review.status == "completed" else review.engine_verdict


def review_summary(review: Review, facts: reviews_service.ReviewFacts) -> ReviewSummary:
    return ReviewSummary(
        id=review.id,
        plan_id=review.plan_id,
        revision=facts.revision,
        revision_id=review.revision_id,
        status=review.status,
        score=review.score,
        verdict=_verdict(review),
        engine_verdict=review.engine_verdict,
        finding_count=facts.findings,
        open_finding_count=facts.open_findings,
        created_at=review.created_at,
        completed_at=review.completed_at,
    )


def _locale() -> str:
    user_locale = getattr(g.user, "locale", None)
    if user_locale in ("en", "ar"):
        return user_locale
    return request.accept_languages.best_match(("en", "ar")) or "en"


def comment_json(comment: ReviewComment) -> CommentOut:
    return CommentOut.model_validate(comment, from_attributes=True)


def finding_json(finding: Finding, locale: str, *, staff: bool) -> FindingOut:
    """A finding in ``locale``; its dismissal reason only for the agency's staff (for anyone
    else the field is left unset, so it is absent from the body)."""
    message, fix = reviews_service.render_finding(finding, locale)
    values = {**attributes(finding, FindingOut), "message": message, "fix": fix}
    if not staff:
        del values["dismiss_reason"]
    return FindingOut.model_validate(values)


def review_json(review: Review, revision_number: int) -> ReviewOut:
    membership = g.membership
    staff = reviews_service.is_staff(membership)
    locale = _locale()
    return ReviewOut(
        id=review.id,
        plan_id=review.plan_id,
        revision=revision_number,
        revision_id=review.revision_id,
        status=review.status,
        score=review.score,
        verdict=_verdict(review),
        engine_verdict=review.engine_verdict,
        recommendations=review.recommendations,
        findings=[
            finding_json(f, locale, staff=staff)
            for f in reviews_service.findings_for(review, membership)
        ],
        comments=[comment_json(c) for c in reviews_service.comments_for(review, membership)],
        coverage=review.coverage or {},
        campaign_scores=review.campaign_scores or {},
        goal_scores=review.goal_scores or {},
        created_at=review.created_at,
        completed_at=review.completed_at,
    )


def _load(review_id: int) -> Review:
    return found(reviews_service.load(review_id, g.membership), "review")


def _payload(review_id: int) -> ReviewOut:
    review = _load(review_id)
    number = reviews_service.revision_of(review).number
    return review_json(review, number)


def _require_conduct() -> None:
    if g.membership.role not in reviews_service.CONDUCT_ROLES:
        raise ApiError(403, "forbidden", "Your role does not allow this.")


@endpoint(
    "/plans/<int:plan_id>/reviews",
    "POST",
    summary="Open a review of the plan's current revision (or return the one already open)",
    tags=TAGS,
    permission="review.conduct",
    response=ReviewOut,
    status=201,
    errors=(409,),
)
def open_review(plan_id: int) -> tuple[ReviewOut, int]:
    plan = get_or_404(Plan, plan_id)
    review = reviews_service.open_review(plan, g.membership, locale=_locale())
    return _payload(review.id), 201


@endpoint(
    "/plans/<int:plan_id>/reviews",
    "GET",
    summary="List a plan's reviews, newest first (client users: completed reviews only)",
    tags=TAGS,
    permission="review.view",
    response=ReviewPage,
    query=PAGE_QUERY,
)
def list_reviews(plan_id: int) -> dict[str, Any]:
    # The plan as its own GET sees it: a client leader sees decided plans only.
    plan = plans_service.get_plan(plan_id, g.membership.role)
    return paginated(reviews_service.reviews_query(plan, g.membership), serialise_all=_summaries)


def _summaries(reviews: list[Review]) -> list[ReviewSummary]:
    facts = reviews_service.review_facts(reviews, g.membership)
    return [review_summary(r, facts[r.id]) for r in reviews]


@endpoint(
    "/reviews/<int:review_id>",
    "GET",
    summary="A review with its findings (in the caller's language), comments and coverage",
    tags=TAGS,
    permission="review.view",
    response=ReviewOut,
)
def get_review(review_id: int) -> ReviewOut:
    return _payload(review_id)


@endpoint(
    "/reviews/<int:review_id>/findings/<int:finding_id>",
    "POST",
    summary="Accept or dismiss a finding (dismissing needs a reason)",
    tags=TAGS,
    permission="review.conduct",
    body=FindingDecision,
    response=ReviewOut,
    errors=(409,),
)
def decide_finding(review_id: int, finding_id: int, data: FindingDecision) -> ReviewOut:
    _require_conduct()
    review = _load(review_id)
    finding = get_or_404(Finding, finding_id, Finding.review_id == review.id)
    reviews_service.decide_finding(finding, data.state == "accepted", data.reason, g.membership)
    return _payload(review_id)


@endpoint(
    "/reviews/<int:review_id>/comments",
    "POST",
    summary="Comment on the review, a campaign or a goal (internal unless shared)",
    tags=TAGS,
    permission="review.conduct",
    body=CommentCreate,
    response=CommentOut,
    status=201,
    errors=(409,),
)
def add_comment(review_id: int, data: CommentCreate) -> tuple[CommentOut, int]:
    _require_conduct()
    review = _load(review_id)
    comment = reviews_service.add_comment(
        review,
        data.body,
        data.shared,
        data.campaign_id,
        data.goal_id,
        membership=g.membership,
    )
    return comment_json(comment), 201


@endpoint(
    "/reviews/<int:review_id>/complete",
    "POST",
    summary="Record the verdict: aligned approves the plan, otherwise changes are requested",
    tags=TAGS,
    permission="review.conduct",
    body=ReviewComplete,
    response=ReviewOut,
    errors=(409,),
)
def complete_review(review_id: int, data: ReviewComplete) -> ReviewOut:
    _require_conduct()
    review = _load(review_id)
    reviews_service.complete(
        review, data.verdict, g.membership, recommendations=data.recommendations
    )
    return _payload(review_id)
