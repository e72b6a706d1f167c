"""Fixtures for reviews: the engine's sample plans, persisted through the real services.

The engine's samples are plain dataclasses with their own ids; ``persist`` creates the
brand's goals and audiences once (remembering which sample id became which row) and saves a
plan or a new revision with the campaigns' goal and audience ids mapped to the real rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import event, select

from saas.extensions import db
from saas.models import Membership
from saas.services import audiences as audiences_service
from saas.services import goals as goals_service
from saas.services import plans as plans_service
from saas.services.plans import CalendarItemData, CampaignData
from tenants.context import tenant_scope


def sample(name: str) -> tuple[list[Any], list[Any], Any]:
    """(goals, audiences, plan) from ``saas.domain.alignment.samples``."""
    from saas.domain.alignment import samples

    value = getattr(samples, name)()
    if hasattr(value, "plan"):
        return list(value.goals), list(value.audiences), value.plan
    goals, audiences, plan = value
    return list(goals), list(audiences), plan


@dataclass
class Persisted:
    world: Any
    goal_ids: dict[int, int] = field(default_factory=dict)  # sample id -> row id
    audience_ids: dict[int, int] = field(default_factory=dict)
    goal_titles: dict[int, str] = field(default_factory=dict)  # row id -> title
    plan_id: int | None = None

    def _ensure_goals_and_audiences(self, goals: list[Any], audiences: list[Any]) -> None:
        w = self.world
        for g in goals:
            if g.id in self.goal_ids:
                continue
            row = goals_service.create(
                w.owner,
                w.brand,
                {
                    "title": g.title,
                    "metric": g.metric,
                    "baseline": g.baseline,
                    "target": g.target,
                    "due_date": g.due_date,
                    "priority": g.priority,
                    "weight": g.weight,
                    "status": g.status,
                },
            )
            self.goal_ids[g.id] = row.id
            self.goal_titles[row.id] = g.title
        for a in audiences:
            data = {
                "name": a.name,
                "networks": [{"network": n, "share": s} for n, s in a.networks.items()],
                "engages": a.engages,
            }
            if a.id in self.audience_ids:  # the corrected sample says who engages
                existing = audiences_service.load(self.audience_ids[a.id])
                audiences_service.update(w.owner, existing, data)
                continue
            row = audiences_service.create(w.owner, w.brand, data)
            self.audience_ids[a.id] = row.id

    def _ensure_team(self, team_skills: Any) -> None:
        """The sample's team as one member with a consultant's rating per skill (once)."""
        if team_skills is None or getattr(self, "team_member_id", None):
            return
        from saas.services.capability import assessments, team

        w = self.world
        member = team.add(w.owner, w.brand, {"name": "Sample team"})
        self.team_member_id = member.id
        for skill, rating in sorted(team_skills.items()):
            assessments.add(
                w.consultant, w.brand, {"member_id": member.id, "skill": skill, "rating": rating}
            )

    def _content(self, plan_in: Any) -> tuple[list[CampaignData], list[CalendarItemData]]:
        campaigns = [
            CampaignData(
                name=c.name,
                networks=list(c.networks),
                format=c.format,
                objective=c.objective,
                kpi=c.kpi,
                kpi_baseline=c.kpi_baseline,
                kpi_target=c.kpi_target,
                audience_id=self.audience_ids.get(c.audience_id) if c.audience_id else None,
                start_date=c.start_date,
                end_date=c.end_date,
                duration_rationale=c.duration_rationale,
                budget=c.budget,
                goal_links=[(self.goal_ids[x.goal_id], x.contribution) for x in c.goal_links],
                key=getattr(c, "key", None) or f"c{c.id}",
            )
            for c in plan_in.campaigns
        ]
        calendar = [
            CalendarItemData(
                date=i.date,
                network=i.network,
                format=i.format,
                pillar=None,
                brief=None,
                campaign_key=i.campaign_key,
            )
            for i in plan_in.calendar
        ]
        return campaigns, calendar

    def save(self, name: str, author: Membership, title: str = "Spring plan") -> int:
        """Revision 1 of a new plan (first call) or the next revision (later calls)."""
        goals, audiences, plan_in = sample(name)
        with current_app.test_request_context(), tenant_scope(self.world.agency.id):
            self._ensure_goals_and_audiences(goals, audiences)
            self._ensure_team(plan_in.team_skills)
            campaigns, calendar = self._content(plan_in)
            if self.plan_id is None:
                plan = plans_service.create_plan(
                    self.world.brand,
                    title=title,
                    period_start=plan_in.period_start,
                    period_end=plan_in.period_end,
                    campaigns=campaigns,
                    calendar=calendar,
                    author=author.user,
                )
                self.plan_id = plan.id
            else:
                plans_service.save_revision(
                    self.plan(),
                    campaigns=campaigns,
                    calendar=calendar,
                    author=author.user,
                    period_start=plan_in.period_start,
                    period_end=plan_in.period_end,
                )
        return self.plan_id

    def plan(self):  # type: ignore[no-untyped-def]
        from saas.models import Plan

        return db.session.scalar(
            select(Plan).where(Plan.id == self.plan_id).execution_options(populate_existing=True)
        )

    def move(self, to: str, who: Membership) -> None:
        with current_app.test_request_context(), tenant_scope(self.world.agency.id):
            plans_service.transition(self.plan(), to, who)

    def status(self) -> str:
        with tenant_scope(self.world.agency.id):
            return self.plan().status


@pytest.fixture
def persisted(alpha) -> Persisted:
    return Persisted(alpha)


@pytest.fixture
def submitted_broken(persisted, alpha) -> Persisted:
    """The engine's broken sample, drafted by the client team and submitted."""
    persisted.save("broken_plan", alpha.team)
    persisted.move("submitted", alpha.team)
    return persisted


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any, **_kw: Any) -> None:
        self.count += 1


@pytest.fixture
def count_queries(db_app):
    """``with count_queries() as c: ...; c.count`` — SQL statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counting():  # type: ignore[no-untyped-def]
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
