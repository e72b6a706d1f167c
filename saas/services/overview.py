"""What a brand's overview and the dashboard show: goals with progress, plans, latest score.

Reads only; every query runs under the central tenant (and brand) scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from saas.domain.decisions import Decision
from saas.extensions import db
from saas.models import Brand, Goal, Plan, Review
from saas.services import goals as goals_service
from saas.services import plans as plans_service
from saas.services.decisions import brand_decisions
from saas.services.goals import GoalRow


@dataclass
class BrandOverview:
    goal_rows: list[GoalRow]
    goals_total: int
    plans: list[Plan]
    latest_review: Review | None
    latest_review_plan: Plan | None = None
    at_risk: list[GoalRow] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


def brand_overview(brand: Brand, role: str, *, goal_limit: int = 6) -> BrandOverview:
    goals = list(
        db.session.scalars(
            select(Goal)
            .where(Goal.brand_id == brand.id, Goal.status != "dropped")
            .order_by(Goal.due_date, Goal.id)
        )
    )
    rows = goals_service.rows(goals, goals_service.brand_today(brand))
    plans = list(db.session.scalars(plans_service.plans_query(brand.id, role).limit(5)))
    review = db.session.scalar(
        select(Review)
        .where(Review.brand_id == brand.id, Review.status == "completed")
        .order_by(Review.completed_at.desc(), Review.id.desc())
        .limit(1)
    )
    review_plan = next((p for p in plans if review and p.id == review.plan_id), None)
    if review is not None and review_plan is None:
        review_plan = db.session.scalar(select(Plan).where(Plan.id == review.plan_id))
    return BrandOverview(
        decisions=_decisions(rows, review, has_plan=bool(plans)),
        goal_rows=rows[:goal_limit],
        goals_total=len(rows),
        plans=plans,
        latest_review=review,
        latest_review_plan=review_plan,
        at_risk=[r for r in rows if r.progress.status in ("at_risk", "behind")],
    )


def _decisions(rows: list[GoalRow], review: Review | None, *, has_plan: bool) -> list[Decision]:
    """What the brand's leaders should decide now, by the board report's rule: actions from
    the goals' progress and the latest review, never padded (a brand without plans has
    nothing to review)."""
    return brand_decisions(rows, review, reviewed=review is not None or not has_plan, limit=5)


@dataclass
class Attention:
    """The consultant's morning list: plans waiting for review, goals drifting."""

    waiting_plans: list[tuple[Plan, Brand]]
    goals_at_risk: list[tuple[GoalRow, Brand]]


def staff_attention(limit: int = 10) -> Attention:
    waiting = [
        tuple(row)
        for row in db.session.execute(
            select(Plan, Brand)
            .join(Brand, Brand.id == Plan.brand_id)
            .where(Plan.status.in_(("submitted", "in_review")), Brand.archived_at.is_(None))
            .order_by(Plan.submitted_at, Plan.id)
            .limit(limit)
        )
    ]
    goal_brands = list(
        db.session.execute(
            select(Goal, Brand)
            .join(Brand, Brand.id == Goal.brand_id)
            .where(Goal.status == "active", Brand.archived_at.is_(None))
            .order_by(Goal.due_date, Goal.id)
        )
    )
    brand_of = {goal.id: brand for goal, brand in goal_brands}
    today_by_brand: dict[int, object] = {}
    at_risk: list[tuple[GoalRow, Brand]] = []
    latest = goals_service.latest_checkins([goal.id for goal, _ in goal_brands])
    for goal, brand in goal_brands:
        today = today_by_brand.setdefault(brand.id, goals_service.brand_today(brand))
        progress = goals_service.progress_of(goal, latest.get(goal.id), today)  # type: ignore[arg-type]
        if progress.status in ("at_risk", "behind"):
            at_risk.append((GoalRow(goal, latest.get(goal.id), progress), brand_of[goal.id]))
    return Attention(waiting_plans=waiting, goals_at_risk=at_risk[:limit])
