"""API: reviews of plan revisions — open, list, read, judge findings, comment, complete.

The same service as the web pages.  Finding messages and fixes are rendered in the
caller's language (the user's own, else Accept-Language).  Client users see completed
reviews only, accepted findings only and shared comments only; another tenant's ids 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from flask import g, request
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictStr,
    WithJsonSchema,
)

from saas.api.base import PAGE_QUERY, ApiError, Id, PageMeta, endpoint, page_params, page_payload
from saas.models.plans import Plan
from saas.models.reviews import Finding, Review
from saas.services import plans as plans_service
from saas.services import reviews as reviews_service
from saas.web.common import get_or_404, paginate

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
    created_at: datetime


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
    created_at: datetime
    completed_at: datetime | None


def _iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def _wire(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat()


# A stored (naive, UTC) datetime in this module's wire format: ``2027-04-01T09:30:00+00:00``.
UtcDateTime = Annotated[
    datetime,
    PlainSerializer(_wire, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


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


class ReviewPage(BaseModel):
    data: list[ReviewSummary]
    meta: PageMeta


def review_summary(review: Review, facts: reviews_service.ReviewFacts) -> dict[str, Any]:
    return ReviewSummary(
        id=review.id,
        plan_id=review.plan_id,
        revision=facts.revision,
        revision_id=review.revision_id,
        status=review.status,
        score=review.score,
        verdict=review.verdict if review.status == "completed" else review.engine_verdict,
        engine_verdict=review.engine_verdict,
        finding_count=facts.findings,
        open_finding_count=facts.open_findings,
        created_at=review.created_at,
        completed_at=review.completed_at,
    ).model_dump(mode="json")


def _locale() -> str:
    user_locale = getattr(g.user, "locale", None)
    if user_locale in ("en", "ar"):
        return user_locale
    return request.accept_languages.best_match(("en", "ar")) or "en"


def review_json(review: Review, revision_number: int) -> dict[str, Any]:
    membership = g.membership
    staff = reviews_service.is_staff(membership)
    locale = _locale()
    findings = []
    for f in reviews_service.findings_for(review, membership):
        message, fix = reviews_service.render_finding(f, locale)
        item = {
            "id": f.id,
            "rule": f.rule,
            "severity": f.severity,
            "campaign_id": f.campaign_id,
            "goal_id": f.goal_id,
            "message": message,
            "fix": fix,
            "state": f.state,
        }
        if staff:
            item["dismiss_reason"] = f.dismiss_reason
        findings.append(item)
    return {
        "id": review.id,
        "plan_id": review.plan_id,
        "revision": revision_number,
        "revision_id": review.revision_id,
        "status": review.status,
        "score": review.score,
        "verdict": review.verdict if review.status == "completed" else review.engine_verdict,
        "engine_verdict": review.engine_verdict,
        "recommendations": review.recommendations,
        "findings": findings,
        "comments": [
            {
                "id": c.id,
                "body": c.body,
                "shared": c.shared,
                "campaign_id": c.campaign_id,
                "goal_id": c.goal_id,
                "author_id": c.author_id,
                "created_at": _iso(c.created_at),
            }
            for c in reviews_service.comments_for(review, membership)
        ],
        "coverage": review.coverage or {},
        "campaign_scores": review.campaign_scores or {},
        "goal_scores": review.goal_scores or {},
        "created_at": _iso(review.created_at),
        "completed_at": _iso(review.completed_at),
    }


def _load(review_id: int) -> Review:
    review = reviews_service.load(review_id, g.membership)
    if review is None:
        raise ApiError(404, "not_found", "No review with this id.")
    return review


def _payload(review_id: int) -> dict[str, Any]:
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
    errors=(403, 404, 409),
)
def open_review(plan_id: int) -> Any:
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
    errors=(400, 401, 404),
)
def list_reviews(plan_id: int) -> Any:
    # The plan as its own GET sees it: a client leader sees decided plans only.
    plan = plans_service.get_plan(plan_id, g.membership.role)
    page, per_page = page_params()
    result = paginate(reviews_service.reviews_query(plan, g.membership), page, per_page)
    facts = reviews_service.review_facts(result.items, g.membership)
    items = [review_summary(r, facts[r.id]) for r in result.items]
    return page_payload(items, page, per_page, result.total)


@endpoint(
    "/reviews/<int:review_id>",
    "GET",
    summary="A review with its findings (in the caller's language), comments and coverage",
    tags=TAGS,
    permission="review.view",
    response=ReviewOut,
    errors=(404,),
)
def get_review(review_id: int) -> Any:
    return _payload(review_id)


@endpoint(
    "/reviews/<int:review_id>/findings/<int:finding_id>",
    "POST",
    summary="Accept or dismiss a finding (dismissing needs a reason)",
    tags=TAGS,
    permission="review.conduct",
    body=FindingDecision,
    response=ReviewOut,
    errors=(403, 404, 409, 422),
)
def decide_finding(review_id: int, finding_id: int, data: FindingDecision) -> Any:
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
    errors=(403, 404, 409, 422),
)
def add_comment(review_id: int, data: CommentCreate) -> Any:
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
    return {
        "id": comment.id,
        "body": comment.body,
        "shared": comment.shared,
        "campaign_id": comment.campaign_id,
        "goal_id": comment.goal_id,
        "author_id": comment.author_id,
        "created_at": _iso(comment.created_at),
    }, 201


@endpoint(
    "/reviews/<int:review_id>/complete",
    "POST",
    summary="Record the verdict: aligned approves the plan, otherwise changes are requested",
    tags=TAGS,
    permission="review.conduct",
    body=ReviewComplete,
    response=ReviewOut,
    errors=(403, 404, 409, 422),
)
def complete_review(review_id: int, data: ReviewComplete) -> Any:
    _require_conduct()
    review = _load(review_id)
    reviews_service.complete(
        review, data.verdict, g.membership, recommendations=data.recommendations
    )
    return _payload(review_id)
