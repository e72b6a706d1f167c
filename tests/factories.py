"""Factories: build the rows a test needs, nothing shared between tests."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field

from saas.extensions import db
from saas.models import Agency, ApiToken, Brand, BrandAccess, Membership, User
from saas.services.passwords import hash_password
from tenants.context import tenant_scope

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH: str | None = None
_seq = itertools.count(1)


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def user(email: str | None = None, name: str | None = None, **kw) -> User:
    n = next(_seq)
    u = User(
        email=(email or f"user{n}@example.test").lower(),
        name=name or f"User {n}",
        password_hash=kw.pop("password_hash", password_hash()),
        **kw,
    )
    db.session.add(u)
    db.session.flush()
    return u


def agency(name: str | None = None, slug: str | None = None) -> Agency:
    n = next(_seq)
    a = Agency(name=name or f"Agency {n}", slug=slug or f"agency-{n}-{secrets.token_hex(3)}")
    db.session.add(a)
    db.session.flush()
    return a


def member(
    ag: Agency, role: str, u: User | None = None, brands: list[Brand] = (), **kw
) -> Membership:
    u = u or user()
    with tenant_scope(ag.id):
        m = Membership(agency_id=ag.id, user_id=u.id, role=role, **kw)
        db.session.add(m)
        db.session.flush()
        for b in brands:
            db.session.add(BrandAccess(agency_id=ag.id, brand_id=b.id, membership_id=m.id))
        db.session.flush()
    return m


def brand(ag: Agency, name: str | None = None, **kw) -> Brand:
    n = next(_seq)
    with tenant_scope(ag.id):
        b = Brand(agency_id=ag.id, name=name or f"Brand {n}", **kw)
        db.session.add(b)
        db.session.flush()
    return b


def api_token(m: Membership) -> str:
    from saas.api.base import hash_token

    raw = "tdm_" + secrets.token_urlsafe(32)
    with tenant_scope(m.agency_id):
        db.session.add(
            ApiToken(
                agency_id=m.agency_id,
                user_id=m.user_id,
                name="test",
                token_hash=hash_token(raw),
                prefix=raw[:8],
            )
        )
        db.session.flush()
    return raw


@dataclass
class AgencyWorld:
    """One agency with two brands and a member in every role."""

    agency: Agency
    brand: Brand  # the brand the client users belong to
    other_brand: Brand  # a brand the client users must never see
    owner: Membership
    consultant: Membership
    leader: Membership
    team: Membership
    tokens: dict[str, str] = field(default_factory=dict)

    def users(self) -> dict[str, User]:
        return {r: getattr(self, r).user for r in ("owner", "consultant", "leader", "team")}


def world(label: str) -> AgencyWorld:
    """Identical fixtures per agency; ``label`` makes every visible string unique to it."""
    ag = agency(name=f"{label} Agency", slug=f"{label.lower()}-agency-{secrets.token_hex(2)}")
    b1 = brand(
        ag,
        name=f"{label} Brand One",
        industry=f"{label} Industry",
        website=f"https://{label.lower()}-one.example",
    )
    b2 = brand(ag, name=f"{label} Brand Two")
    w = AgencyWorld(
        agency=ag,
        brand=b1,
        other_brand=b2,
        owner=member(ag, "owner", user(f"owner@{label.lower()}.test", f"{label} Owner")),
        consultant=member(
            ag,
            "consultant",
            user(f"consultant@{label.lower()}.test", f"{label} Consultant"),
            brands=[b1, b2],
        ),
        leader=member(
            ag,
            "client_leader",
            user(f"leader@{label.lower()}.test", f"{label} Leader"),
            brands=[b1],
        ),
        team=member(
            ag, "client_team", user(f"team@{label.lower()}.test", f"{label} Team"), brands=[b1]
        ),
    )
    for role in ("owner", "consultant", "leader", "team"):
        w.tokens[role] = api_token(getattr(w, role))
    db.session.commit()
    return w


def planning_data(
    ag: Agency,
    br: Brand,
    *,
    goals: int = 3,
    campaigns: int = 5,
    calendar: int = 20,
    author: User | None = None,
    status: str = "submitted",
):
    """A brand with goals, two audiences and a plan whose revision 1 holds campaigns and
    calendar items: sized for query-count tests (counts must not change the query total)."""
    from datetime import date, timedelta

    from saas.domain.vocabulary import NETWORKS
    from saas.models import (
        Audience,
        CalendarItem,
        Campaign,
        CampaignGoal,
        Goal,
        Plan,
        PlanRevision,
    )

    start = date(2027, 1, 1)
    with tenant_scope(ag.id):
        goal_rows = [
            Goal(
                agency_id=ag.id,
                brand_id=br.id,
                title=f"Goal {i}",
                metric="followers",
                baseline=100,
                target=200 + i,
                due_date=date(2027, 12, 31),
                priority=("high", "medium", "low")[i % 3],
            )
            for i in range(goals)
        ]
        audiences = [
            Audience(
                agency_id=ag.id,
                brand_id=br.id,
                name=f"Audience {i}",
                networks=[
                    {"network": "instagram", "share": 60.0},
                    {"network": "tiktok", "share": 30.0},
                ],
                engages="Young professionals who answer polls",
            )
            for i in range(2)
        ]
        plan = Plan(
            agency_id=ag.id,
            brand_id=br.id,
            title="Big plan",
            period_start=start,
            period_end=date(2027, 12, 31),
            status=status,
            created_by_id=author.id if author else None,
        )
        db.session.add_all([*goal_rows, *audiences, plan])
        db.session.flush()
        revision = PlanRevision(
            agency_id=ag.id,
            brand_id=br.id,
            plan_id=plan.id,
            number=1,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            frozen=status != "draft",
            author_id=author.id if author else None,
        )
        db.session.add(revision)
        db.session.flush()
        camps = []
        for i in range(campaigns):
            c = Campaign(
                agency_id=ag.id,
                brand_id=br.id,
                revision_id=revision.id,
                key=f"k{i}",
                position=i,
                name=f"Campaign {i}",
                networks=[NETWORKS[i % 3]],
                format="post",
                objective="awareness",
                kpi="reach",
                kpi_baseline=10,
                kpi_target=20,
                audience_id=audiences[i % 2].id,
                start_date=start + timedelta(days=i % 200),
                end_date=start + timedelta(days=i % 200 + 30),
                duration_rationale="Seasonal push",
                budget=1000,
            )
            camps.append(c)
        db.session.add_all(camps)
        db.session.flush()
        links = [
            CampaignGoal(
                agency_id=ag.id, brand_id=br.id, campaign_id=c.id, goal_id=goal_rows[i % goals].id
            )
            for i, c in enumerate(camps)
            if goal_rows
        ]
        items = [
            CalendarItem(
                agency_id=ag.id,
                brand_id=br.id,
                revision_id=revision.id,
                campaign_key=f"k{i % max(campaigns, 1)}",
                date=start + timedelta(days=i % 365),
                network=NETWORKS[i % 3],
                format="post",
                pillar="Education",
            )
            for i in range(calendar)
        ]
        db.session.add_all(links + items)
        db.session.commit()
    return plan
