"""What a brand's overview and the dashboard show: goals with progress, plans, latest score,
the next leadership session and the open action items.

Reads only; every query runs under the central tenant (and brand) scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from saas.domain.decisions import Decision
from saas.domain.sessions.times import pick_zone
from saas.extensions import db
from saas.models import Brand, Goal, Plan, Review
from saas.models.sessions import ActionItem, StrategySession
from saas.presentation import session_times
from saas.services import goals as goals_service
from saas.services import plans as plans_service
from saas.services.decisions import brand_decisions
from saas.services.goals import GoalRow
from tenants.models import utcnow


@dataclass(frozen=True)
class SessionsCard:
    """The overview's leadership sessions card: the next session and the open action items."""

    brand_zone: str
    next_id: int | None = None
    next_title: str | None = None
    next_starts_at: datetime | None = None
    next_duration: int = 0
    open_items: int = 0
    overdue_items: int = 0

    @property
    def empty(self) -> bool:
        return self.next_id is None and not self.open_items

    def next_time(self, locale: str, *zones: str | None) -> session_times.LocalTime | None:
        """The next session on the viewer's clock, zone named: the first known of ``zones``
        (their setting, their browser's), else the brand's."""
        if self.next_starts_at is None:
            return None
        zone = pick_zone(*zones, self.brand_zone)
        return session_times.local(self.next_starts_at, self.next_duration, zone, locale)


def sessions_card(brand: Brand, today: date, now: datetime | None = None) -> SessionsCard:
    """Two queries whatever the number of sessions and items: the next scheduled session,
    and the open and overdue action items counted in one aggregate."""
    now = now or utcnow()
    upcoming = db.session.execute(
        select(
            StrategySession.id,
            StrategySession.title,
            StrategySession.starts_at,
            StrategySession.duration_minutes,
        )
        .where(
            StrategySession.brand_id == brand.id,
            StrategySession.status == "scheduled",
            StrategySession.starts_at >= now,
        )
        .order_by(StrategySession.starts_at, StrategySession.id)
        .limit(1)
    ).first()
    overdue = case((ActionItem.due_on < today, 1), else_=0)
    counts = db.session.execute(
        select(func.count(ActionItem.id), func.coalesce(func.sum(overdue), 0)).where(
            ActionItem.brand_id == brand.id, ActionItem.status == "open"
        )
    ).one()
    return SessionsCard(
        brand_zone=pick_zone(brand.timezone),
        next_id=upcoming.id if upcoming else None,
        next_title=upcoming.title if upcoming else None,
        next_starts_at=upcoming.starts_at if upcoming else None,
        next_duration=upcoming.duration_minutes if upcoming else 0,
        open_items=int(counts[0] or 0),
        overdue_items=int(counts[1] or 0),
    )


@dataclass
class BrandOverview:
    goal_rows: list[GoalRow]
    goals_total: int
    plans: list[Plan]
    latest_review: Review | None
    latest_review_plan: Plan | None = None
    at_risk: list[GoalRow] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    sessions: SessionsCard | None = None


def brand_overview(brand: Brand, role: str, *, goal_limit: int = 6) -> BrandOverview:
    goals = list(
        db.session.scalars(
            select(Goal)
            .where(Goal.brand_id == brand.id, Goal.status != "dropped")
            .order_by(Goal.due_date, Goal.id)
        )
    )
    today = goals_service.brand_today(brand)
    rows = goals_service.rows(goals, today)
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
        sessions=sessions_card(brand, today),
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
