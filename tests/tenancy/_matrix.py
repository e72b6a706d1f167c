"""The isolation matrix: every route of ``app.url_map``, requested by someone who must not
see Alpha's data, with Alpha's ids in the URL.

The routes are discovered, never listed by hand, so a new view is covered the day it is
added.  A route argument the matrix does not know fails loudly (``UnknownArgument``)
instead of being skipped: teach ``build_url`` what it names.

``Matrix.probe`` returns a list of problems (empty when the route holds); the leak test
in ``test_isolation_matrix.py`` removes the central tenant criteria and checks that the
same function then reports Alpha's data.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from saas.extensions import db
from tenants.context import system_scope, tenant_scope

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")

# Endpoints left out of the matrix, each with its reason.
SKIPPED_ENDPOINTS = {
    "static": "serves files from saas/static; no tenant data, no database",
}

# Arguments naming a tenant-owned row: each is replaced by the id of one of Alpha's rows.
AGENCY_ID_ARGUMENTS = frozenset(
    {
        "membership_id",
        "invitation_id",
        "token_id",
        "message_id",
        "event_id",
        "skill_id",
        "export_id",
    }
)
# Rows that belong to a brand: seeded in Alpha's *other* brand, so they are foreign to
# Alpha's client leader (brand One) as well as to everyone in Bravo.
BRAND_ID_ARGUMENTS = frozenset(
    {
        "brand_id",
        "goal_id",
        "checkin_id",
        "audience_id",
        "plan_id",
        "revision_id",
        "campaign_id",
        "review_id",
        "finding_id",
        "comment_id",
        "report_id",
        "share_id",
        "schedule_id",
        "session_id",
        "agenda_item_id",
        "decision_id",
        "action_item_id",
        "member_id",
        "learning_item_id",
    }
)
ID_ARGUMENTS = AGENCY_ID_ARGUMENTS | BRAND_ID_ARGUMENTS
# Capability URLs (invitation / one-time tokens): whoever holds one may open it, so the
# matrix sends a random token and expects "not found" or "gone", never the page.
CAPABILITY_ARGUMENTS = frozenset({"token"})
# Arguments that name nothing owned by a tenant; any valid value will do.
PLAIN_ARGUMENTS: dict[str, str] = {
    "lang": "ar",  # /language/<lang>: the interface language, global
    "kind": "campaigns",  # /plans/<plan_id>/export/<kind>.csv: which table to export
    "rule": "capability_gap",  # /methodology/lessons/<rule>: the engine's rules, global
}

# Strings that exist only in Alpha's rows (see tests.factories.world and seed_alpha).
ALPHA_MARKERS = (
    "Alpha Agency",
    "Alpha Brand One",
    "Alpha Brand Two",
    "alpha-one.example",
    "owner@alpha.test",
    "Alpha Owner",
    "Alpha Industry",
    "Alpha Two Goal",
    "Alpha Two Audience",
    "Alpha Two Plan",
    "Alpha Two Campaign",
    "Alpha Two secret recommendation",
)
# What Alpha's client leader (brand One only) must never see: brand Two's own strings.
ALPHA_OTHER_BRAND_MARKERS = (
    "Alpha Brand Two",
    "Alpha Two Industry",
    "alpha-two.example",
    "Alpha Two Goal",
    "Alpha Two Audience",
    "Alpha Two Plan",
    "Alpha Two Campaign",
    "Alpha Two secret recommendation",
)

ACTORS = ("bravo-owner-web", "bravo-owner-api", "alpha-leader-other-brand")

FORM_BODY = {
    "name": "Hacked by Bravo",
    "industry": "Hacked",
    "website": "https://hacked.example",
    "email": "intruder@bravo.test",
    "role": "client_team",
    "confirm": "y",
    "reason": "Hacked",
}


class UnknownArgument(AssertionError):
    pass


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    method: str
    arguments: tuple[str, ...]
    int_arguments: tuple[str, ...] = ()

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def names_alpha_object(self) -> bool:
        return bool(ID_ARGUMENTS.intersection(self.arguments))

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def discover(app: Flask) -> list[Route]:
    """One ``Route`` per (rule, method) of the app, HEAD and OPTIONS aside."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        ints = tuple(
            sorted(n for n, c in rule._converters.items() if isinstance(c, IntegerConverter))
        )
        for method in sorted(set(rule.methods or ()) & set(METHODS)):
            routes.append(
                Route(rule.rule, rule.endpoint, method, tuple(sorted(rule.arguments)), ints)
            )
    return sorted(routes, key=lambda r: (r.rule, r.method))


@functools.cache
def routes_only_app() -> Flask:
    """An app built only to read its url_map at collection time (never serves a request)."""
    from saas import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "routes-only",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "JOBS_MODE": "eager",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def unknown_arguments(route: Route) -> set[str]:
    known = ID_ARGUMENTS | CAPABILITY_ARGUMENTS | set(PLAIN_ARGUMENTS)
    return set(route.arguments) - known


@dataclass
class AlphaTargets:
    """Ids of Alpha's rows that the matrix puts in URLs."""

    brand_id: int
    other_brand_id: int
    membership_id: int
    owner_membership_id: int
    invitation_id: int
    token_id: int
    message_id: int
    event_id: int
    brand_rows: dict[str, int] = field(default_factory=dict)
    brand_ids: tuple[int, ...] = ()

    def values(self, *, brand_id: int) -> dict[str, int]:
        return {
            "brand_id": brand_id,
            "membership_id": self.membership_id,
            "invitation_id": self.invitation_id,
            "token_id": self.token_id,
            "message_id": self.message_id,
            "event_id": self.event_id,
            **self.brand_rows,
        }


def seed_alpha(alpha: Any) -> AlphaTargets:
    """Give Alpha one row of each kind a route may name, each carrying a marker string."""
    from saas.api.base import hash_token
    from saas.models import ApiToken, AuditEvent, Brand, Invitation
    from saas.services import audit, mail
    from tenants.models import utcnow

    with tenant_scope(alpha.agency.id):
        other = db.session.scalar(select(Brand).where(Brand.id == alpha.other_brand.id))
        other.industry = "Alpha Two Industry"
        other.website = "https://alpha-two.example"
        invitation = Invitation(
            email="invitee@alpha-two.example",
            role="client_team",
            brand_ids=[alpha.other_brand.id],
            token_hash=hash_token(secrets.token_urlsafe(24)),
            invited_by_id=alpha.owner.user_id,
            expires_at=utcnow() + timedelta(days=7),
        )
        raw = "tdm_" + secrets.token_urlsafe(32)
        token = ApiToken(
            user_id=alpha.owner.user_id,
            name="Alpha Owner laptop",
            token_hash=hash_token(raw),
            prefix=raw[:8],
        )
        db.session.add_all([invitation, token])
        message = mail.queue_email(
            to="news@alpha-one.example",
            template="welcome",
            name="Alpha Owner",
            agency_name="Alpha Agency",
        )
        event = audit.record("brand.updated", alpha.brand, label="Alpha Brand One")
        db.session.commit()
        brand_rows = _seed_brand_rows(alpha.other_brand.id, alpha.owner.user_id)
        ids = AlphaTargets(
            brand_id=alpha.brand.id,
            other_brand_id=alpha.other_brand.id,
            membership_id=alpha.leader.id,
            owner_membership_id=alpha.owner.id,
            invitation_id=invitation.id,
            token_id=token.id,
            message_id=message.id,
            event_id=event.id,
            brand_rows=brand_rows,
        )
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.id == ids.event_id))
    return ids


def _seed_brand_rows(brand_id: int, author_id: int) -> dict[str, int]:
    """Goals, audiences, a submitted plan with a campaign, a review with a finding and an
    internal comment, all in one brand and each carrying an "Alpha Two" marker."""
    from datetime import date

    from saas.models import (
        Audience,
        CalendarItem,
        Campaign,
        CampaignGoal,
        Finding,
        Goal,
        GoalCheckin,
        Plan,
        PlanRevision,
        Review,
        ReviewComment,
    )

    goal = Goal(
        brand_id=brand_id,
        title="Alpha Two Goal",
        metric="Alpha Two Goal metric",
        baseline=10,
        target=20,
        due_date=date(2027, 6, 30),
        priority="high",
    )
    audience = Audience(
        brand_id=brand_id,
        name="Alpha Two Audience",
        networks=[{"network": "instagram", "share": 70.0}],
        engages="Alpha Two Audience engagers",
    )
    plan = Plan(
        brand_id=brand_id,
        title="Alpha Two Plan",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        status="in_review",
        created_by_id=author_id,
    )
    db.session.add_all([goal, audience, plan])
    db.session.flush()
    checkin = GoalCheckin(brand_id=brand_id, goal_id=goal.id, date=date(2026, 11, 1), value=12)
    revision = PlanRevision(
        brand_id=brand_id,
        plan_id=plan.id,
        number=1,
        title="Alpha Two Plan",
        period_start=plan.period_start,
        period_end=plan.period_end,
        author_id=author_id,
        frozen=True,
    )
    db.session.add_all([checkin, revision])
    db.session.flush()
    campaign = Campaign(
        brand_id=brand_id,
        revision_id=revision.id,
        key="alphatwo",
        name="Alpha Two Campaign",
        networks=["instagram"],
        format="story",
        objective="awareness",
        kpi="views",
        kpi_baseline=1000,
        kpi_target=5000,
        audience_id=audience.id,
        start_date=date(2027, 1, 10),
        end_date=date(2027, 2, 10),
        duration_rationale="Alpha Two Campaign rationale",
    )
    db.session.add(campaign)
    db.session.flush()
    review = Review(
        brand_id=brand_id,
        plan_id=plan.id,
        revision_id=revision.id,
        reviewer_id=author_id,
        score=70,
        engine_verdict="needs_changes",
        recommendations="Alpha Two secret recommendation",
    )
    db.session.add_all(
        [
            CampaignGoal(brand_id=brand_id, campaign_id=campaign.id, goal_id=goal.id),
            CalendarItem(
                brand_id=brand_id,
                revision_id=revision.id,
                campaign_key="alphatwo",
                date=date(2027, 1, 12),
                network="instagram",
                format="story",
                pillar="Alpha Two Campaign pillar",
            ),
            review,
        ]
    )
    db.session.flush()
    finding = Finding(
        brand_id=brand_id,
        review_id=review.id,
        rule="duration_unjustified",
        severity="warning",
        campaign_id=campaign.id,
        params={"campaign": "Alpha Two Campaign"},
    )
    comment = ReviewComment(
        brand_id=brand_id,
        review_id=review.id,
        campaign_id=campaign.id,
        body="Alpha Two secret recommendation (internal)",
        shared=False,
        author_id=author_id,
    )
    db.session.add_all([finding, comment])
    db.session.flush()
    report, share, schedule = _seed_report_rows(brand_id, author_id)
    session, agenda_item, decision, action_item = _seed_session(brand_id, author_id)
    capability = _seed_capability(brand_id, author_id, finding.id)
    db.session.commit()
    return {
        **capability,
        "session_id": session.id,
        "agenda_item_id": agenda_item.id,
        "decision_id": decision.id,
        "action_item_id": action_item.id,
        "report_id": report.id,
        "share_id": share.id,
        "schedule_id": schedule.id,
        "goal_id": goal.id,
        "checkin_id": checkin.id,
        "audience_id": audience.id,
        "plan_id": plan.id,
        "revision_id": revision.id,
        "campaign_id": campaign.id,
        "review_id": review.id,
        "finding_id": finding.id,
        "comment_id": comment.id,
    }


def _seed_capability(brand_id: int, author_id: int, finding_id: int) -> dict[str, int]:
    """A skill of Alpha's catalogue, and brand Two's team member, assessment, budget and
    learning item."""
    from datetime import date

    from saas.models.capability import (
        Assessment,
        LearningBudget,
        LearningItem,
        Skill,
        TeamMember,
    )

    skill = Skill(key="alpha_secret", name_en="Alpha Agency skill", name_ar="Alpha Agency skill")
    member = TeamMember(brand_id=brand_id, name="Alpha Two secret recommendation member")
    db.session.add_all([skill, member])
    db.session.flush()
    item = LearningItem(
        brand_id=brand_id,
        member_id=member.id,
        title="Alpha Two secret recommendation course",
        skill_key="tiktok",
        format="course",
        due_on=date(2030, 1, 15),
        hours=2.0,
        finding_id=finding_id,
        created_by_id=author_id,
    )
    db.session.add_all(
        [
            Assessment(
                brand_id=brand_id,
                member_id=member.id,
                skill_key="tiktok",
                rating=1,
                source="consultant",
                assessed_by_id=author_id,
            ),
            LearningBudget(brand_id=brand_id, hours_per_person_per_month=6.0),
            item,
        ]
    )
    from saas.models.exports import Export

    export = Export(requested_by_id=author_id, status="queued", error="Alpha Agency export")
    db.session.add(export)
    db.session.flush()
    return {
        "skill_id": skill.id,
        "member_id": member.id,
        "learning_item_id": item.id,
        "export_id": export.id,
    }


def _seed_session(brand_id: int, author_id: int):  # type: ignore[no-untyped-def]
    from datetime import datetime

    from saas.models import (
        ActionItem,
        AgendaItem,
        SessionAttendee,
        SessionDecision,
        StrategySession,
    )

    session = StrategySession(
        brand_id=brand_id,
        title="Alpha Two Plan board",
        kind="quarterly_business_review",
        starts_at=datetime(2030, 1, 6, 7, 0),
        duration_minutes=60,
        timezone="Asia/Riyadh",
        location="Alpha Two secret recommendation room",
        uid="tandem-session-alpha-two@tandem.test",
        created_by_id=author_id,
    )
    db.session.add(session)
    db.session.flush()
    agenda_item = AgendaItem(
        brand_id=brand_id,
        session_id=session.id,
        title="Alpha Two secret recommendation agenda",
        minutes=10,
        origin="manual",
    )
    decision = SessionDecision(
        brand_id=brand_id, session_id=session.id, text="Alpha Two secret recommendation decided"
    )
    action_item = ActionItem(
        brand_id=brand_id,
        session_id=session.id,
        title="Alpha Two secret recommendation follow-up",
        owner_id=author_id,
    )
    db.session.add_all(
        [
            SessionAttendee(
                brand_id=brand_id,
                session_id=session.id,
                email="cfo@alpha-two.example",
                part="leader",
            ),
            agenda_item,
            decision,
            action_item,
        ]
    )
    db.session.flush()
    return session, agenda_item, decision, action_item


def _seed_report_rows(brand_id: int, author_id: int):  # type: ignore[no-untyped-def]
    from datetime import date

    from saas.api.base import hash_token
    from saas.models import Report, ReportSchedule, ReportShare
    from tenants.models import utcnow

    report = Report(
        brand_id=brand_id,
        requested_by_id=author_id,
        locale="en",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        sections=["summary"],
        status="failed",
        error="Alpha Two secret recommendation",
        summary_override="Alpha Two secret recommendation",
    )
    schedule = ReportSchedule(
        brand_id=brand_id,
        frequency="monthly",
        sections=["summary"],
        next_run_on=date(2027, 2, 1),
        created_by_id=author_id,
    )
    db.session.add_all([report, schedule])
    db.session.flush()
    share = ReportShare(
        brand_id=brand_id,
        report_id=report.id,
        token_hash=hash_token(secrets.token_urlsafe(24)),
        label="Alpha Two Plan board",
        created_by_id=author_id,
        expires_at=utcnow() + timedelta(days=7),
    )
    db.session.add(share)
    db.session.flush()
    return report, share, schedule


def snapshot(agency_id: int, *, except_user_id: int | None = None) -> dict[str, Any]:
    """What an outsider must not be able to change in Alpha (read across scopes on purpose).

    ``except_user_id`` leaves out that user's own API tokens: a member may mint their own.
    """
    from saas.models import ApiToken, Brand, BrandAccess, Invitation, Membership, OutboxMessage

    with system_scope():
        brands = db.session.execute(
            select(Brand.id, Brand.name, Brand.industry, Brand.website, Brand.archived_at)
            .where(Brand.agency_id == agency_id)
            .order_by(Brand.id)
        ).all()
        members = db.session.execute(
            select(Membership.id, Membership.user_id, Membership.role, Membership.all_brands)
            .where(Membership.agency_id == agency_id)
            .order_by(Membership.id)
        ).all()
        access = db.session.execute(
            select(BrandAccess.membership_id, BrandAccess.brand_id)
            .where(BrandAccess.agency_id == agency_id)
            .order_by(BrandAccess.id)
        ).all()
        invitations = db.session.execute(
            select(Invitation.id, Invitation.email, Invitation.role, Invitation.revoked_at)
            .where(Invitation.agency_id == agency_id)
            .order_by(Invitation.id)
        ).all()
        tokens = db.session.execute(
            select(ApiToken.id, ApiToken.name, ApiToken.revoked_at)
            .where(ApiToken.agency_id == agency_id, ApiToken.user_id != (except_user_id or 0))
            .order_by(ApiToken.id)
        ).all()
        outbox = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.agency_id == agency_id)
        )
        brand_content = _brand_content(agency_id)
    return {
        **brand_content,
        "brands": [tuple(r) for r in brands],
        "memberships": [tuple(r) for r in members],
        "brand_access": [tuple(r) for r in access],
        "invitations": [tuple(r) for r in invitations],
        "api_tokens": [tuple(r) for r in tokens],
        "outbox_messages": outbox,
    }


def _brand_content(agency_id: int) -> dict[str, Any]:
    from saas.models import (
        Audience,
        Campaign,
        Finding,
        Goal,
        GoalCheckin,
        Plan,
        PlanRevision,
        Report,
        ReportSchedule,
        ReportShare,
        Review,
        ReviewComment,
        SessionAttendee,
        StrategySession,
    )
    from saas.models.capability import (
        Assessment,
        LearningBudget,
        LearningItem,
        Skill,
        TeamMember,
    )

    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        model = columns[0].class_
        stmt = select(*columns).where(model.agency_id == agency_id).order_by(model.id)
        return [tuple(r) for r in db.session.execute(stmt)]

    return {
        "goals": rows(Goal.id, Goal.title, Goal.target, Goal.status),
        "checkins": rows(GoalCheckin.id, GoalCheckin.value),
        "audiences": rows(Audience.id, Audience.name, Audience.engages),
        "plans": rows(Plan.id, Plan.title, Plan.status),
        "revisions": rows(PlanRevision.id, PlanRevision.number),
        "campaigns": rows(Campaign.id, Campaign.name, Campaign.end_date),
        "reviews": rows(Review.id, Review.status, Review.verdict, Review.recommendations),
        "findings": rows(Finding.id, Finding.state),
        "comments": rows(ReviewComment.id, ReviewComment.body, ReviewComment.shared),
        "reports": rows(Report.id, Report.status, Report.summary_override, Report.held),
        "report_shares": rows(ReportShare.id, ReportShare.revoked_at, ReportShare.expires_at),
        "report_schedules": rows(
            ReportSchedule.id, ReportSchedule.active, ReportSchedule.next_run_on
        ),
        "sessions": rows(
            StrategySession.id,
            StrategySession.title,
            StrategySession.starts_at,
            StrategySession.status,
            StrategySession.sequence,
        ),
        "session_attendees": rows(SessionAttendee.id, SessionAttendee.email),
        "skills": rows(Skill.id, Skill.key, Skill.name_en, Skill.name_ar, Skill.retired),
        "team_members": rows(TeamMember.id, TeamMember.name, TeamMember.active),
        "assessments": rows(Assessment.id, Assessment.rating),
        "learning_budgets": rows(LearningBudget.id, LearningBudget.hours_per_person_per_month),
        "learning_items": rows(
            LearningItem.id, LearningItem.title, LearningItem.status, LearningItem.hours
        ),
    }


_ARG = re.compile(r"<(?:[a-zA-Z_][a-zA-Z0-9_]*(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def build_url(route: Route, values: dict[str, Any]) -> str:
    """Substitute every argument of the rule; an argument the matrix does not know fails."""
    unknown = unknown_arguments(route)
    if unknown:
        raise UnknownArgument(
            f"{route}: the isolation matrix does not know the route argument(s) "
            f"{sorted(unknown)}. Add them to tests/tenancy/_matrix.py (ID_ARGUMENTS with an "
            f"Alpha row in seed_alpha, or PLAIN_ARGUMENTS with the reason it names no tenant data)."
        )
    merged = {**PLAIN_ARGUMENTS, **values}
    merged.setdefault("token", secrets.token_urlsafe(24))
    return _ARG.sub(lambda m: str(merged[m.group(1)]), route.rule)


def sample_json(model: type | None, brand_id: int) -> dict[str, Any]:
    """A plausible, valid body for an API operation, built from its pydantic model.

    Fields named like ids get Alpha's ids: a body that points into another tenant must be
    refused as surely as a URL that does.
    """
    if model is None:
        return {"name": "Hacked by Bravo"}
    schema = model.model_json_schema()
    return _sample_object(schema, schema.get("$defs", {}), brand_id)


def _sample_object(schema: dict[str, Any], defs: dict[str, Any], brand_id: int) -> dict[str, Any]:
    return {
        name: _sample_value(name, prop, defs, brand_id)
        for name, prop in schema.get("properties", {}).items()
    }


def _sample_value(name: str, prop: dict[str, Any], defs: dict[str, Any], brand_id: int) -> Any:
    if "$ref" in prop:
        prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        if key in prop:
            options = [p for p in prop[key] if p.get("type") != "null"] or prop[key]
            return _sample_value(name, options[0], defs, brand_id)
    if "const" in prop:
        return prop["const"]
    if "enum" in prop:
        return prop["enum"][-1]
    kind = prop.get("type")
    if kind == "integer":
        return brand_id if "id" in name else max(1, prop.get("minimum", 1))
    if kind == "number":
        return max(1, prop.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        item = prop.get("items", {})
        return [_sample_value(name.rstrip("s"), item, defs, brand_id)] if item else []
    if kind == "object":
        return _sample_object(prop, defs, brand_id)
    return _sample_string(name, prop)


def _sample_string(name: str, prop: dict[str, Any]) -> str:
    fmt = prop.get("format", "")
    lowered = name.lower()
    if fmt == "email" or "email" in lowered:
        value = "intruder@bravo.test"
    elif fmt in ("uri", "url") or lowered in ("website", "url"):
        value = "https://hacked.example"
    elif "colo" in lowered:
        value = "#123456"
    elif lowered in ("locale", "language", "lang"):
        value = "ar"
    elif lowered in ("timezone", "time_zone", "tz"):
        value = "UTC"
    elif lowered == "role":
        value = "client_team"
    elif fmt == "date-time":
        value = "2030-01-01T00:00:00"
    elif fmt == "date":
        value = "2030-01-01"
    else:
        value = "Hacked by Bravo"
    limit = prop.get("maxLength")
    return value[:limit] if limit else value


def api_body_model(route: Route) -> tuple[bool, type | None]:
    """(declared?, body model) of the OpenAPI operation behind an API route."""
    from saas.api.base import OPERATIONS, _openapi_path

    path = _openapi_path(route.rule.removeprefix("/api/v1"))
    for op in OPERATIONS:
        if op.path == path and op.method == route.method.lower():
            return True, op.body
    return False, None


@dataclass
class Actor:
    """Who asks: a browser session, a bearer token, or both (one per kind of route)."""

    name: str
    markers: tuple[str, ...]
    brand_id: int  # the brand put in brand_id arguments
    web_login: Any = None  # membership to sign in as for web routes
    api_token: str | None = None  # bearer token for API routes (and sent to web routes)
    cookie_for_api: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Matrix:
    """Runs one route for one actor and says what is wrong, if anything."""

    def __init__(self, client: Any, login_as: Any, alpha: Any, bravo: Any):
        self.client = client
        self.login_as = login_as
        self.alpha = alpha
        self.bravo = bravo
        self.targets = seed_alpha(alpha)
        self.before = snapshot(alpha.agency.id)
        self.before_except_leader = snapshot(alpha.agency.id, except_user_id=alpha.leader.user_id)
        self._signed_in: Any = None

    def rows_now_and_before(self, actor_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Alpha's rows now and before the probe (leaving out the actor's own API tokens)."""
        if actor_name == "alpha-leader-other-brand":
            now = snapshot(self.alpha.agency.id, except_user_id=self.alpha.leader.user_id)
            return now, self.before_except_leader
        return snapshot(self.alpha.agency.id), self.before

    def actor(self, name: str) -> Actor:
        t = self.targets
        if name == "bravo-owner-web":
            return Actor(
                name, ALPHA_MARKERS, t.brand_id, web_login=self.bravo.owner, cookie_for_api=True
            )
        if name == "bravo-owner-api":
            return Actor(name, ALPHA_MARKERS, t.brand_id, api_token=self.bravo.tokens["owner"])
        if name == "alpha-leader-other-brand":
            # Web routes through the leader's session, API routes with the leader's token.
            return Actor(
                name,
                ALPHA_OTHER_BRAND_MARKERS,
                t.other_brand_id,
                web_login=self.alpha.leader,
                api_token=self.alpha.tokens["leader"],
            )
        raise ValueError(name)

    def _headers(self, actor: Actor, route: Route) -> dict[str, str]:
        if actor.api_token and (route.is_api or actor.web_login is None):
            return {"Authorization": f"Bearer {actor.api_token}"}
        return {}

    def _sign_in(self, actor: Actor, route: Route) -> None:
        wants_cookie = actor.web_login is not None and (not route.is_api or actor.cookie_for_api)
        if wants_cookie and self._signed_in is not actor.web_login:
            self.login_as(actor.web_login)
            self._signed_in = actor.web_login

    def request(self, route: Route, actor: Actor) -> tuple[str, Any]:
        url = build_url(route, self.targets.values(brand_id=actor.brand_id))
        self._sign_in(actor, route)
        kwargs: dict[str, Any] = {"headers": self._headers(actor, route)}
        if route.method != "GET":
            if route.is_api:
                _, model = api_body_model(route)
                kwargs["json"] = sample_json(model, actor.brand_id)
            else:
                kwargs["data"] = {**FORM_BODY, "brand_ids": str(actor.brand_id)}
        return url, self.client.open(url, method=route.method, **kwargs)

    def probe(self, route: Route, actor_name: str) -> list[str]:
        """Request the route as the actor; every problem found, as a sentence."""
        actor = self.actor(actor_name)
        url, resp = self.request(route, actor)
        problems = self.check(route, actor, url, resp)
        location = resp.headers.get("Location") if 300 <= resp.status_code < 400 else None
        if location and location.startswith(("/", "http://localhost", "http://tandem.test")):
            hop = self.client.get(location, headers=self._headers(actor, route))
            problems += [
                f"after the redirect to {location}: {p}"
                for p in self.check(route, actor, location, hop, redirected=True)
            ]
        return problems

    def check(
        self, route: Route, actor: Actor, url: str, resp: Any, *, redirected: bool = False
    ) -> list[str]:
        status = resp.status_code
        body = resp.get_data(as_text=True)
        where = f"{actor.name} {route.method} {url} answered {status}"
        problems = []
        if status >= 500:
            problems.append(f"{where}: a server error")
        if not redirected:
            foreign = route.names_alpha_object
            if actor.name == "alpha-leader-other-brand":
                foreign = bool(BRAND_ID_ARGUMENTS.intersection(route.arguments))
            if foreign and 200 <= status < 300:
                problems.append(f"{where}: success on an object the actor must not reach")
            if CAPABILITY_ARGUMENTS.intersection(route.arguments) and status not in (
                401,
                403,
                404,
                410,
            ):
                problems.append(f"{where}: a random token must give 404 or 410")
        leaked = [m for m in actor.markers if m in body]
        if leaked:
            problems.append(f"{where}: the body shows Alpha's {leaked}")
        return problems
