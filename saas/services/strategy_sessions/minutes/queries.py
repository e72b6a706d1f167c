"""Reading the minutes: a session's decisions in order, with the goal and plan each is about
(linked only for a reader who may open them), the choices the edit page offers, and
``view``, what the session page, the edit page and the API show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from saas.domain import plan_workflow
from saas.extensions import db
from saas.models import Brand, Goal, Membership, Plan, SessionDecision, StrategySession, User
from saas.permissions import can
from saas.services import action_items


def decisions_query(session_id: int) -> Select[Any]:
    """A session's decisions in the order of its minutes."""
    return (
        select(SessionDecision)
        .where(SessionDecision.session_id == session_id)
        .order_by(SessionDecision.position, SessionDecision.id)
    )


def decisions_of(session_id: int) -> list[SessionDecision]:
    return list(db.session.scalars(decisions_query(session_id)))


def load_decision(session: StrategySession, decision_id: int) -> SessionDecision | None:
    """A decision of this session (another session's id is not found)."""
    return db.session.scalar(
        select(SessionDecision).where(
            SessionDecision.id == decision_id, SessionDecision.session_id == session.id
        )
    )


@dataclass(frozen=True)
class Linked:
    """The goal or plan a decision is about, as a reader may see it: ``endpoint`` is the
    web page showing it, None when the reader may not open it (the name still shows)."""

    id: int
    name: str
    endpoint: str | None
    values: Mapping[str, int]


@dataclass(frozen=True)
class DecisionRow:
    decision: SessionDecision
    goal: Linked | None
    plan: Linked | None


def decision_rows(
    decisions: Sequence[SessionDecision], reader: Membership | None = None
) -> list[DecisionRow]:
    """Decisions with their goal's and plan's names (two queries for any number); each is
    linked only for a reader whose role may open it (client leaders: decided plans only)."""
    goal_ids = {d.goal_id for d in decisions if d.goal_id is not None}
    plan_ids = {d.plan_id for d in decisions if d.plan_id is not None}
    goals = (
        dict(db.session.execute(select(Goal.id, Goal.title).where(Goal.id.in_(goal_ids))).all())
        if goal_ids
        else {}
    )
    plans = (
        {
            pid: (title, status)
            for pid, title, status in db.session.execute(
                select(Plan.id, Plan.title, Plan.status).where(Plan.id.in_(plan_ids))
            ).all()
        }
        if plan_ids
        else {}
    )
    role = reader.role if reader is not None else None
    out = []
    for d in decisions:
        goal = plan = None
        if d.goal_id in goals:
            seen = role is not None and can(role, "goal.view")
            goal = Linked(
                d.goal_id, goals[d.goal_id], "goals.show" if seen else None, {"goal_id": d.goal_id}
            )
        if d.plan_id in plans:
            title, status = plans[d.plan_id]
            seen = role is not None and plan_workflow.can_view(status, role)
            plan = Linked(d.plan_id, title, "plans.show" if seen else None, {"plan_id": d.plan_id})
        out.append(DecisionRow(decision=d, goal=goal, plan=plan))
    return out


def goal_choices(brand_id: int) -> list[tuple[int, str]]:
    """The brand's goals a decision may be about, by title."""
    return [
        (gid, title)
        for gid, title in db.session.execute(
            select(Goal.id, Goal.title)
            .where(Goal.brand_id == brand_id)
            .order_by(Goal.title, Goal.id)
        ).all()
    ]


def plan_choices(brand_id: int) -> list[tuple[int, str]]:
    """The brand's plans a decision may be about, newest first."""
    return [
        (pid, title)
        for pid, title in db.session.execute(
            select(Plan.id, Plan.title)
            .where(Plan.brand_id == brand_id)
            .order_by(Plan.period_start.desc(), Plan.id.desc())
        ).all()
    ]


@dataclass(frozen=True)
class MinutesView:
    """What the session page, the edit page and the API show of the minutes."""

    session: StrategySession
    text: str | None
    recorded_at: datetime | None
    recorded_by_name: str | None
    decisions: list[SessionDecision]
    items: list[action_items.ItemRow]
    decision_rows: list[DecisionRow]

    @property
    def recorded(self) -> bool:
        return self.recorded_at is not None


def view(session: StrategySession, brand: Brand, reader: Membership | None = None) -> MinutesView:
    recorder = (
        db.session.scalar(select(User.name).where(User.id == session.minutes_recorded_by_id))
        if session.minutes_recorded_by_id is not None
        else None
    )
    items = action_items.for_session(session.id)
    decisions = decisions_of(session.id)
    return MinutesView(
        session=session,
        text=session.minutes,
        recorded_at=session.minutes_recorded_at,
        recorded_by_name=recorder,
        decisions=decisions,
        items=action_items.rows(items, action_items.today_for(brand)),
        decision_rows=decision_rows(decisions, reader),
    )
