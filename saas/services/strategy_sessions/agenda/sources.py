"""Reading the brand's data into agenda candidates, in the domain's vocabulary.

Six sources: pending decisions and open action items of earlier sessions, goals behind
or at risk by ``saas.services.goals``' progress, capability gaps that put a high-priority
goal at risk (``saas.services.capability.summary``: one item per skill the team lacks for
the current plan), findings still standing in the latest review of each plan (a
``capability_gap`` finding of a skill already on the agenda as a gap is left out), plans
waiting for approval.  Also the words and dates both the
drafting and the reader's view need: the session's day on the organiser's clock, short
titles, the structural entries' titles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from sqlalchemy import func, select

from saas.domain import progress
from saas.domain.alignment.rules import SEVERITY_RANK
from saas.domain.sessions import agenda as rules
from saas.domain.sessions import as_utc
from saas.extensions import db
from saas.i18n import gettext as _
from saas.i18n import ngettext
from saas.models import (
    ActionItem,
    Brand,
    Finding,
    Goal,
    Plan,
    Review,
    SessionDecision,
    StrategySession,
)
from saas.models.capability import Skill
from saas.services import goals as goals_service
from saas.services.capability.summary import Gap, gaps_for
from saas.services.reviews.access import REVIEWABLE_STATUSES
from saas.services.reviews.queries import render_finding

# Findings that still stand: not judged yet, or accepted and still to fix (the decisions
# rule reads the same two states, ``saas.services.decisions``).
STANDING_FINDINGS = ("open", "accepted")


def session_day(session: StrategySession) -> date:
    """The session's date on the organiser's clock: what is due before it is overdue then."""
    try:
        zone = ZoneInfo(session.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return as_utc(session.starts_at).astimezone(zone).date()


def local_today(session: StrategySession, now: datetime) -> date:
    try:
        zone = ZoneInfo(session.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return as_utc(now).astimezone(zone).date()


def _earlier_sessions(session: StrategySession) -> Any:
    """The ids of the brand's sessions that start before this one (not cancelled)."""
    return select(StrategySession.id).where(
        StrategySession.brand_id == session.brand_id,
        StrategySession.id != session.id,
        StrategySession.starts_at < session.starts_at,
        StrategySession.status != "cancelled",
    )


def _latest_reviews(brand_id: int) -> Any:
    """The newest review of each of the brand's plans that is not archived."""
    return (
        select(func.max(Review.id))
        .join(Plan, Plan.id == Review.plan_id)
        .where(Review.brand_id == brand_id, Plan.status != "archived")
        .group_by(Review.plan_id)
    )


def candidates(session: StrategySession, *, now: datetime) -> list[rules.Candidate]:
    """Everything the brand's data says this session could discuss (five queries, and two
    for the goals' progress), in the domain's vocabulary."""
    out: list[rules.Candidate] = []
    day = session_day(session)
    earlier = _earlier_sessions(session)

    decisions = db.session.scalars(
        select(SessionDecision)
        .where(
            SessionDecision.brand_id == session.brand_id,
            SessionDecision.status == "pending",
            SessionDecision.session_id.in_(earlier),
        )
        .order_by(SessionDecision.created_at, SessionDecision.id)
    )
    for d in decisions:
        age = (day - d.created_at.date()).days if d.created_at else 0
        out.append(rules.Candidate(rules.PENDING_DECISION, d.id, short_title(d.text), float(age)))

    actions = db.session.scalars(
        select(ActionItem)
        .where(
            ActionItem.brand_id == session.brand_id,
            ActionItem.status == "open",
            (ActionItem.session_id.is_(None)) | ActionItem.session_id.in_(earlier),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    for a in actions:
        late = (day - a.due_on).days if a.due_on is not None else 0
        reason = rules.OVERDUE_ACTION if late > 0 else rules.OPEN_ACTION
        out.append(rules.Candidate(reason, a.id, short_title(a.title), float(late)))

    goals = list(
        db.session.scalars(
            select(Goal)
            .where(Goal.brand_id == session.brand_id, Goal.status == "active")
            .order_by(Goal.due_date, Goal.id)
        )
    )
    for row in goals_service.rows(goals, local_today(session, now)):
        status = row.progress.status
        if status not in (progress.BEHIND, progress.AT_RISK):
            continue
        reason = rules.GOAL_BEHIND if status == progress.BEHIND else rules.GOAL_AT_RISK
        gap = row.progress.percent_elapsed - row.progress.percent_complete
        out.append(rules.Candidate(reason, row.goal.id, short_title(row.goal.title), gap))

    findings = db.session.scalars(
        select(Finding)
        .where(
            Finding.brand_id == session.brand_id,
            Finding.review_id.in_(_latest_reviews(session.brand_id)),
            Finding.state.in_(STANDING_FINDINGS),
        )
        .order_by(Finding.id)
    )
    gaps = capability_candidates(session)
    out.extend(gaps)
    on_agenda = {c.source_id for c in gaps}
    gap_skills = set(_skill_keys(on_agenda))
    for f in findings:
        if f.rule == "capability_gap" and (f.params or {}).get("skill") in gap_skills:
            continue  # the gap is on the agenda once, with the goals it puts at risk
        severity = -float(SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)))
        title = render_finding(f, _locale())[0]
        out.append(rules.Candidate(rules.OPEN_FINDING, f.id, short_title(title), severity))

    plans = db.session.scalars(
        select(Plan)
        .where(Plan.brand_id == session.brand_id, Plan.status.in_(REVIEWABLE_STATUSES))
        .order_by(Plan.updated_at, Plan.id)
    )
    for p in plans:
        waiting = (day - p.updated_at.date()).days if p.updated_at else 0
        out.append(rules.Candidate(rules.PLAN_WAITING, p.id, short_title(p.title), float(waiting)))
    return out


def capability_title(gap: Gap, locale: str) -> str:
    """ "Capability gap: TikTok puts «Grow online orders» at risk" (the most important goal)."""
    goals = gap.high_goals or gap.goals
    goal = f"\u2068{goals[0].title}\u2069" if goals else ""
    return _(
        "Capability gap: %(skill)s puts %(goal)s at risk",
        skill=gap.skill.name(locale),
        goal=goal,
    )


def capability_candidates(session: StrategySession) -> list[rules.Candidate]:
    """One candidate per gap that touches a high-priority goal (a fixed number of queries),
    the lowest-rated and widest first."""
    brand = db.session.scalar(select(Brand).where(Brand.id == session.brand_id))
    if brand is None:
        return []
    gaps, threshold = gaps_for(brand)
    locale = _locale()
    out = []
    for gap in gaps:
        if not gap.touches_high_priority or gap.skill_id is None:
            continue
        weight = float(threshold - gap.rating) + 0.1 * len(gap.high_goals)
        title = short_title(capability_title(gap, locale))
        out.append(rules.Candidate(rules.CAPABILITY_GAP, gap.skill_id, title, weight))
    return out


def _skill_keys(skill_ids: set[int]) -> list[str]:
    if not skill_ids:
        return []
    return list(db.session.scalars(select(Skill.key).where(Skill.id.in_(skill_ids))))


def _locale() -> str:
    """The drafting person's language for the stored titles (English outside a request)."""
    try:
        return str(get_locale() or "en")
    except RuntimeError:
        return "en"


def short_title(text: str | None) -> str:
    text = " ".join((text or "").split())
    limit = rules.TITLE_MAX
    return text if len(text) <= limit else text[: limit - 1] + "…"


def structure_title(kind: str, count: int = 0) -> str:
    if kind == rules.OPENING:
        return _("Welcome and aims of the session")
    if kind == rules.CLOSING:
        return _("Decisions and next steps")
    if kind == rules.DISCUSSION:
        return _("Open discussion")
    return ngettext(
        "%(num)d more open item not on the agenda",
        "%(num)d more open items not on the agenda",
        count,
    )
