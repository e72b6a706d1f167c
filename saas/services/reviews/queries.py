"""Loading reviews as a member may see them: staff see everything, client users see
completed reviews, accepted findings and shared comments only."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import defer, selectinload

from saas.domain.alignment import messages
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Membership, User
from saas.models.goals import Goal
from saas.models.plans import Campaign, Plan, PlanRevision
from saas.models.reviews import FINDING_STATES, Finding, Review, ReviewComment
from saas.services.errors import NotFound
from saas.services.reviews.access import is_staff

# What a client reader sees of a review (staff see everything): the accepted findings and
# the comments a consultant shared.  ``load_page`` and ``review_facts`` apply
# the same rule in SQL.
CLIENT_FINDING_STATE = "accepted"


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


class FindingRow(NamedTuple):
    """A finding as the review page prints it: the columns it shows, no ORM object."""

    id: int
    brand_id: int
    rule: str
    severity: str
    campaign_id: int | None
    goal_id: int | None
    params: dict[str, Any]
    state: str
    dismiss_reason: str | None
    decided_by_id: int | None
    decided_by_name: str | None


class CommentRow(NamedTuple):
    """A comment as the review page prints it."""

    id: int
    campaign_id: int | None
    goal_id: int | None
    body: str
    shared: bool
    author_id: int | None
    created_at: datetime
    author_name: str | None


_FINDING_COLUMNS = (
    Finding.id,
    Finding.brand_id,
    Finding.rule,
    Finding.severity,
    Finding.campaign_id,
    Finding.goal_id,
    Finding.params,
    Finding.state,
    Finding.dismiss_reason,
    Finding.decided_by_id,
    User.name,
)
_COMMENT_COLUMNS = (
    ReviewComment.id,
    ReviewComment.campaign_id,
    ReviewComment.goal_id,
    ReviewComment.body,
    ReviewComment.shared,
    ReviewComment.author_id,
    ReviewComment.created_at,
    User.name,
)


@dataclass(frozen=True)
class ReviewPage:
    """What the review page prints, loaded together: the review with its brand, plan and
    revision, the findings and comments the member may see (in id order, as
    ``findings_for`` and ``comments_for`` give them) and the names of their people."""

    review: Review
    brand: Brand
    plan: Plan
    revision: PlanRevision
    findings: list[FindingRow]
    comments: list[CommentRow]
    names: dict[int, str]


def load_page(review_id: int, membership: Membership) -> ReviewPage | None:
    """The review page's data in three queries, whatever the review's size: what ``load``,
    the brand's ``get_or_404``, ``plan_of``, ``revision_of``, ``findings_for``,
    ``comments_for`` and ``user_names`` fetch one by one.  Findings and comments come as
    plain rows (building ORM objects for them was most of the load's cost).  None when
    ``load`` would say None or the brand is out of the member's reach (404 either way)."""
    row = db.session.execute(
        select(Review, Brand, Plan, PlanRevision)
        .join(Brand, Brand.id == Review.brand_id)
        .outerjoin(Plan, Plan.id == Review.plan_id)
        .outerjoin(PlanRevision, PlanRevision.id == Review.revision_id)
        .where(Review.id == review_id)
        # The coverage matrix (goals × campaigns) is the matrix page's; this one never
        # reads it, and parsing it was a tenth of the load.
        .options(defer(Review.coverage))
    ).first()
    if row is None:
        return None
    review, brand, plan, revision = row
    if not visible_to(review, membership):
        return None
    staff = is_staff(membership)
    finding_stmt = (
        select(*_FINDING_COLUMNS)
        .outerjoin(User, User.id == Finding.decided_by_id)
        .where(Finding.review_id == review.id)
        .order_by(Finding.id)
    )
    comment_stmt = (
        select(*_COMMENT_COLUMNS)
        .outerjoin(User, User.id == ReviewComment.author_id)
        .where(ReviewComment.review_id == review.id)
        .order_by(ReviewComment.id)
    )
    if not staff:  # as findings_for and comments_for filter them
        finding_stmt = finding_stmt.where(Finding.state == CLIENT_FINDING_STATE)
        comment_stmt = comment_stmt.where(ReviewComment.shared.is_(True))
    findings = [FindingRow._make(r) for r in db.session.execute(finding_stmt)]
    comments = [CommentRow._make(r) for r in db.session.execute(comment_stmt)]
    names = {f.decided_by_id: f.decided_by_name for f in findings if f.decided_by_name is not None}
    names.update((c.author_id, c.author_name) for c in comments if c.author_name is not None)
    return ReviewPage(
        review=review,
        brand=brand,
        plan=plan if plan is not None else plan_of(review),  # plan_of raises NotFound
        revision=revision if revision is not None else revision_of(review),
        findings=findings,
        comments=comments,
        names=names,
    )


def visible_to(review: Review, membership: Membership) -> bool:
    return is_staff(membership) or review.status == "completed"


def findings_for(review: Review, membership: Membership) -> list[Finding]:
    if is_staff(membership):
        return list(review.findings)
    return [f for f in review.findings if f.state == CLIENT_FINDING_STATE]


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
    shown = FINDING_STATES if is_staff(membership) else (CLIENT_FINDING_STATE,)
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


@lru_cache(maxsize=1)
def _names_statement() -> Select[Any]:
    """Built once (the tenant criteria are still added per execution)."""
    part_c = select(
        literal("c").label("kind"),
        Campaign.id,
        Campaign.name,
        Campaign.key.label("extra"),
        Campaign.position.label("pos"),
    ).where(Campaign.revision_id == bindparam("revision_id", type_=Integer))
    part_g = select(literal("g"), Goal.id, Goal.title, Goal.priority, literal(0)).where(
        Goal.brand_id == bindparam("brand_id", type_=Integer)
    )
    both = union_all(part_c, part_g).subquery()
    return select(both.c.kind, both.c.id, both.c.name, both.c.extra).order_by(
        both.c.kind, both.c.pos, both.c.id
    )


def names_of(
    revision_id: int, brand_id: int
) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """``campaign_names(revision_id)`` and ``goal_names(brand_id)`` in one query (a
    ``UNION ALL``; each part gets the tenant's criteria): the review page prints both."""
    rows = db.session.execute(
        _names_statement(), {"revision_id": revision_id, "brand_id": brand_id}
    )
    campaigns: list[tuple[int, str, str]] = []
    goals: list[tuple[int, str, str]] = []
    for kind, row_id, name, extra in rows:
        (campaigns if kind == "c" else goals).append((row_id, name, extra))
    return campaigns, goals


def render_finding(finding: Finding, locale: str) -> tuple[str, str]:
    """The finding's message and suggested fix in ``locale``.

    A finding's rule and parameters never change once it is raised, and the text is a pure
    function of them and the locale, so it is rendered once per process and remembered,
    keyed by the parameters' JSON (the review page prints every finding on every request)."""
    params = finding.params or {}
    try:
        key = json.dumps(params, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # not JSON-shaped: render it every time
        return _render(finding.rule, dict(params), locale)
    return _render_cached(finding.rule, key, locale)


@lru_cache(maxsize=4096)
def _render_cached(rule: str, params_json: str, locale: str) -> tuple[str, str]:
    return _render(rule, json.loads(params_json), locale)


def _render(rule: str, params: dict[str, Any], locale: str) -> tuple[str, str]:
    try:
        return messages.render(rule, params, locale)
    except Exception:  # noqa: BLE001 - a rule removed since the review opened
        return rule, ""


def user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names for authors and deciders: one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
