"""What a brand's overview and the dashboard show: goals with progress, plans, latest score,
the next leadership session and the open action items.

Reads only; every query runs under the central tenant (and brand) scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, bindparam, case, func, select, true

from saas.domain.decisions import Decision
from saas.domain.sessions.times import pick_zone
from saas.extensions import db
from saas.models import Brand, Goal, Plan, Review, TeamMember
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


def _brand_state() -> Any:
    """One statement for the overview's scalars: the open and overdue action items (one
    aggregate, always one row), outer-joined on true to the next scheduled session and to
    the latest completed review with its plan.  Built once; ``brand_id``, ``now`` and
    ``today`` are bound per call (the tenant criteria are still added per execution)."""
    brand_id = bindparam("brand_id", type_=Integer)
    upcoming = (
        select(
            StrategySession.id.label("id"),
            StrategySession.title.label("title"),
            StrategySession.starts_at.label("starts_at"),
            StrategySession.duration_minutes.label("duration"),
        )
        .where(
            StrategySession.brand_id == brand_id,
            StrategySession.status == "scheduled",
            StrategySession.starts_at >= bindparam("now", type_=StrategySession.starts_at.type),
        )
        .order_by(StrategySession.starts_at, StrategySession.id)
        .limit(1)
        .subquery()
    )
    overdue = case(
        (ActionItem.due_on < bindparam("today", type_=ActionItem.due_on.type), 1), else_=0
    )
    counts = (
        select(
            func.count(ActionItem.id).label("open"),
            func.coalesce(func.sum(overdue), 0).label("overdue"),
        )
        .where(ActionItem.brand_id == brand_id, ActionItem.status == "open")
        .subquery()
    )
    latest = (
        select(Review.id.label("id"))
        .where(Review.brand_id == brand_id, Review.status == "completed")
        .order_by(Review.completed_at.desc(), Review.id.desc())
        .limit(1)
        .subquery()
    )
    # Whether the brand has a team at all: the capability card reads nothing more without.
    team = (
        select(func.count(TeamMember.id))
        .where(TeamMember.brand_id == brand_id, TeamMember.active.is_(True))
        .scalar_subquery()
        .label("team")
    )
    return (
        select(
            counts.c.open,
            counts.c.overdue,
            team,
            upcoming,
            # Columns, not the Review and Plan objects: the card prints four of the review's
            # and the plan's title, and building the objects (with the review's coverage
            # matrix and scores) was most of this query's cost.
            Review.id.label("review_id"),
            Review.score.label("review_score"),
            Review.verdict.label("review_verdict"),
            Review.engine_verdict.label("review_engine_verdict"),
            Plan.id.label("plan_id"),
            Plan.title.label("plan_title"),
        )
        .select_from(counts)
        .outerjoin(upcoming, true())
        .outerjoin(latest, true())
        .outerjoin(Review, Review.id == latest.c.id)
        .outerjoin(Plan, Plan.id == Review.plan_id)
    )


_BRAND_STATE = _brand_state()


def _read_state(brand: Brand, today: date, now: datetime | None) -> tuple[Any, SessionsCard]:
    row = db.session.execute(
        _BRAND_STATE, {"brand_id": brand.id, "now": now or utcnow(), "today": today}
    ).one()
    card = SessionsCard(
        brand_zone=pick_zone(brand.timezone),
        next_id=row.id,
        next_title=row.title,
        next_starts_at=row.starts_at,
        next_duration=row.duration if row.id is not None else 0,
        open_items=int(row.open or 0),
        overdue_items=int(row.overdue or 0),
    )
    return row, card


def sessions_card(brand: Brand, today: date, now: datetime | None = None) -> SessionsCard:
    """The next scheduled session and the open and overdue action items: one query
    whatever the number of sessions and items."""
    return _read_state(brand, today, now)[1]


class LatestReview(NamedTuple):
    """What the overview shows of the brand's latest completed review."""

    id: int
    score: int | None
    verdict: str | None
    engine_verdict: str | None


class ReviewedPlan(NamedTuple):
    id: int
    title: str


@dataclass
class BrandOverview:
    goal_rows: list[GoalRow]
    goals_total: int
    plans: list[Plan]
    latest_review: LatestReview | None
    latest_review_plan: ReviewedPlan | None = None
    at_risk: list[GoalRow] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    sessions: SessionsCard | None = None
    team_size: int | None = None  # the brand's active team members


def brand_overview(brand: Brand, role: str, *, goal_limit: int = 6) -> BrandOverview:
    """Three queries whatever the numbers: the goals with their latest check-ins, the
    plans, and one row with the latest completed review, its plan, the sessions card and
    the size of the brand's team."""
    today = goals_service.brand_today(brand)
    rows = goals_service.brand_rows(brand.id, today)
    plans = list(db.session.scalars(plans_service.plans_query(brand.id, role).limit(5)))
    state, card = _read_state(brand, today, None)
    review = (
        None
        if state.review_id is None
        else LatestReview(
            state.review_id, state.review_score, state.review_verdict, state.review_engine_verdict
        )
    )
    plan = (
        ReviewedPlan(state.plan_id, state.plan_title)
        if review is not None and state.plan_id is not None
        else None
    )
    return BrandOverview(
        decisions=_decisions(rows, review, has_plan=bool(plans)),
        goal_rows=rows[:goal_limit],
        goals_total=len(rows),
        plans=plans,
        latest_review=review,
        latest_review_plan=plan,
        at_risk=[r for r in rows if r.progress.status in ("at_risk", "behind")],
        sessions=card,
        team_size=int(state.team or 0),
    )


def _decisions(
    rows: list[GoalRow], review: LatestReview | None, *, has_plan: bool
) -> list[Decision]:
    """What the brand's leaders should decide now, by the board report's rule: actions from
    the goals' progress and the latest review, never padded (a brand without plans has
    nothing to review)."""
    return brand_decisions(rows, review, reviewed=review is not None or not has_plan, limit=5)


@dataclass(frozen=True)
class WaitingPlan:
    """A plan waiting for review, as the start page lists it."""

    id: int
    title: str
    status: str
    submitted_at: datetime | None
    brand_name: str


@dataclass(frozen=True)
class GoalAtRisk:
    """An active goal whose progress is at risk or behind, as the start page lists it."""

    id: int
    title: str
    status: str  # the progress status ("at_risk" or "behind")
    brand_name: str


@dataclass
class Attention:
    """The consultant's morning list: plans waiting for review, goals drifting."""

    waiting_plans: list[WaitingPlan]
    goals_at_risk: list[GoalAtRisk]


@lru_cache(maxsize=1)
def _attention_statements() -> tuple[Any, Any]:
    """``staff_attention``'s two statements, built once (the tenant criteria are added per
    execution)."""
    waiting = (
        select(Plan.id, Plan.title, Plan.status, Plan.submitted_at, Brand.name)
        .join(Brand, Brand.id == Plan.brand_id)
        .where(Plan.status.in_(("submitted", "in_review")), Brand.archived_at.is_(None))
        .order_by(Plan.submitted_at, Plan.id)
        .limit(bindparam("limit", type_=Integer))
    )
    latest_value = goals_service.latest_checkin_column(Goal.id, "value")
    goals = (
        select(
            Goal.id,
            Goal.title,
            Goal.baseline,
            Goal.target,
            Goal.start_date,
            Goal.created_at,
            Goal.due_date,
            Goal.status,
            Brand.name,
            Brand.timezone,
            latest_value.label("latest_value"),
        )
        .join(Brand, Brand.id == Goal.brand_id)
        .where(Goal.status == "active", Brand.archived_at.is_(None))
        .order_by(Goal.due_date, Goal.id)
    )
    return waiting, goals


def staff_attention(limit: int = 10) -> Attention:
    """Two column queries whatever the number of plans, goals and check-ins: the waiting
    plans, and the active goals each with its brand's zone and its latest check-in's value
    (a correlated subquery)."""
    waiting_stmt, goals_stmt = _attention_statements()
    waiting = [
        WaitingPlan(r.id, r.title, r.status, r.submitted_at, r.name)
        for r in db.session.execute(waiting_stmt, {"limit": limit})
    ]
    goals = db.session.execute(goals_stmt)
    today_by_zone: dict[str | None, date] = {}
    at_risk: list[GoalAtRisk] = []
    for r in goals:
        today = today_by_zone.get(r.timezone)
        if today is None:
            today = today_by_zone[r.timezone] = goals_service.today_in(r.timezone)
        progress = goals_service.progress_from(
            r.baseline,
            r.target,
            r.latest_value,
            r.start_date,
            r.created_at,
            r.due_date,
            r.status,
            today,
        )
        if progress.status in ("at_risk", "behind"):
            at_risk.append(GoalAtRisk(r.id, r.title, progress.status, r.name))
            if len(at_risk) >= limit:
                break
    goals.close()
    return Attention(waiting_plans=waiting, goals_at_risk=at_risk)
