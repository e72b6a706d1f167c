"""What readers see of an agenda: titles from the sources' current names in the reader's
language (a person's own words stay), labels, time boxes, and links only to what the
reader may open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy import select

from saas.domain import plan_workflow
from saas.domain.sessions import agenda as rules
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import (
    ActionItem,
    AgendaItem,
    Brand,
    Finding,
    Goal,
    Membership,
    Plan,
    Review,
    SessionDecision,
    StrategySession,
    User,
)
from saas.presentation.labels.goals import PROGRESS_LABELS
from saas.presentation.labels.reviews import SEVERITY_LABELS
from saas.services import goals as goals_service
from saas.services.capability.summary import Gap, gaps_for
from saas.services.reviews.access import is_staff
from saas.services.reviews.queries import render_finding
from saas.services.strategy_sessions import minutes
from saas.services.strategy_sessions.agenda.access import can_edit, editable
from saas.services.strategy_sessions.agenda.rows import rows_of
from saas.services.strategy_sessions.agenda.sources import (
    capability_title,
    local_today,
    session_day,
    short_title,
    structure_title,
)


@dataclass(frozen=True)
class Link:
    """Where an item's source is shown: a web endpoint and its arguments (the web and the
    API build the URL); None when the reader may not see the source."""

    endpoint: str
    values: Mapping[str, int]


@dataclass(frozen=True)
class ItemView:
    row: AgendaItem
    kind: str  # a source kind, a structural kind, or "manual"
    title: str  # in the reader's language where it comes from the data
    label: str  # what sort of item it is, as a word
    badge: str  # a CSS class for the label (always paired with the word)
    start: int  # minutes from the session's start
    end: int
    overdue: bool
    link: Link | None
    source_kind: str | None
    source_id: int | None
    detail: str = ""  # a second line: an action item's owner and due date
    # A pending decision's goal and plan: (label, the linked record, its link or None).
    about: tuple[tuple[str, str, Link | None], ...] = ()


@dataclass(frozen=True)
class AgendaView:
    items: list[ItemView]
    duration: int
    total: int
    left_out: int
    editable: bool
    can_edit: bool

    @property
    def over_by(self) -> int:
        return max(self.total - self.duration, 0)


def _visible_plan(plan: Plan, role: str) -> bool:
    return plan_workflow.can_view(plan.status, role)


def _gaps_by_skill(session: StrategySession) -> dict[int, Gap]:
    """Today's capability gaps of the session's brand by skill id (a fixed few queries)."""
    brand = db.session.scalar(select(Brand).where(Brand.id == session.brand_id))
    if brand is None:
        return {}
    gaps, _threshold = gaps_for(brand)
    return {g.skill_id: g for g in gaps if g.skill_id is not None}


def view(session: StrategySession, reader: Membership, *, locale: str) -> AgendaView:
    """The agenda as ``reader`` sees it: titles from the sources' current names in
    ``locale`` (a person's own words stay), links only to what the reader may open."""
    rows = rows_of(session)
    ids: dict[str, set[int]] = {k: set() for k in rules.SOURCE_KINDS}
    for r in rows:
        if r.source_kind in ids and r.source_id is not None:
            ids[r.source_kind].add(r.source_id)

    def fetch(model: Any, kind: str) -> dict[int, Any]:
        if not ids[kind]:
            return {}
        return {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids[kind])))}

    goals = fetch(Goal, rules.GOAL)
    findings = fetch(Finding, rules.FINDING)
    plans = fetch(Plan, rules.PLAN)
    actions = fetch(ActionItem, rules.ACTION_ITEM)
    decisions = fetch(SessionDecision, rules.DECISION)
    gaps = _gaps_by_skill(session) if ids[rules.CAPABILITY] else {}
    decision_about = {
        r.decision.id: tuple(
            (label, linked.name, Link(linked.endpoint, linked.values) if linked.endpoint else None)
            for label, linked in ((_("Goal:"), r.goal), (_("Plan:"), r.plan))
            if linked is not None
        )
        for r in minutes.decision_rows(list(decisions.values()), reader)
    }
    reviews: dict[int, Review] = {}
    if findings:
        review_ids = {f.review_id for f in findings.values()}
        reviews = {
            r.id: r for r in db.session.scalars(select(Review).where(Review.id.in_(review_ids)))
        }
    goal_progress = {
        row.goal.id: row.progress
        for row in goals_service.rows(list(goals.values()), local_today(session, datetime.now(UTC)))
    }
    owners: dict[int, str] = {}
    owner_ids = {a.owner_id for a in actions.values() if a.owner_id is not None}
    if owner_ids:
        owners = dict(
            db.session.execute(select(User.id, User.name).where(User.id.in_(owner_ids))).all()
        )
    # Overdue as a reader means it: due before today (or, on a past session's agenda, before
    # that session's day), never "will be late by then".
    day = min(session_day(session), local_today(session, datetime.now(UTC)))
    staff = is_staff(reader)
    brand_id = session.brand_id
    out: list[ItemView] = []
    spans = rules.offsets(r.minutes for r in rows)
    for r, (start, end) in zip(rows, spans, strict=True):
        own_words = r.origin == "manual" or r.edited
        title, label, badge, link, detail, overdue = r.title, "", "badge-muted", None, "", False
        kind = r.source_kind or "manual"
        if r.origin == "manual":
            kind, label = "manual", _("Added by hand")
        elif kind in rules.STRUCTURE_KINDS:
            if not own_words:
                title = structure_title(kind, r.source_id or 0)
        elif kind == rules.GOAL:
            goal = goals.get(r.source_id or 0)
            state = goal_progress.get(goal.id) if goal else None
            label = str(PROGRESS_LABELS.get(state.status, _("Goal"))) if state else _("Goal")
            badge = {"behind": "badge-bad", "at_risk": "badge-warn"}.get(
                state.status if state else "", "badge-muted"
            )
            label = _("Goal: %(status)s", status=label)
            if goal is not None:
                title = title if own_words else goal.title
                link = Link("goals.show", {"goal_id": goal.id})
        elif kind == rules.FINDING:
            finding = findings.get(r.source_id or 0)
            label = _("Finding")
            if finding is not None:
                label = _("Finding: %(severity)s", severity=SEVERITY_LABELS.get(finding.severity))
                badge = {"error": "badge-bad", "warning": "badge-warn"}.get(
                    finding.severity, "badge-muted"
                )
                review = reviews.get(finding.review_id)
                seen = review is not None and (
                    staff or (review.status == "completed" and finding.state == "accepted")
                )
                if not own_words:
                    # Client users never read a finding before a consultant accepted it.
                    title = (
                        render_finding(finding, locale)[0]
                        if seen
                        else _("A finding of a review in progress")
                    )
                if seen and review is not None:
                    link = Link("reviews.show", {"review_id": review.id})
        elif kind == rules.PLAN:
            plan = plans.get(r.source_id or 0)
            label, badge = _("Plan waiting for approval"), "badge-warn"
            if plan is not None:
                seen = _visible_plan(plan, reader.role)
                if not own_words:
                    # Client leaders see decided plans only (plan.view).
                    title = plan.title if seen else _("A plan waiting for approval")
                if seen:
                    link = Link("plans.show", {"plan_id": plan.id})
        elif kind == rules.ACTION_ITEM:
            action = actions.get(r.source_id or 0)
            label = _("Action item")
            if action is not None:
                title = title if own_words else action.title
                overdue = (
                    action.status == "open" and action.due_on is not None and action.due_on < day
                )
                if overdue:
                    label, badge = _("Action item: overdue"), "badge-bad"
                elif action.status == "done":
                    label, badge = _("Action item: done"), "badge-ok"
                parts = []
                if action.owner_id in owners:
                    parts.append(
                        _("Owner: %(name)s", name=f"\u2068{owners[action.owner_id]}\u2069")
                    )
                if action.due_on is not None:
                    parts.append(
                        _("Due %(date)s", date=format_date(action.due_on, "medium", locale=locale))
                    )
                detail = " · ".join(parts)
                if action.session_id is not None:
                    link = Link(
                        "sessions.show", {"brand_id": brand_id, "session_id": action.session_id}
                    )
        elif kind == rules.DECISION:
            decision = decisions.get(r.source_id or 0)
            label, badge = _("Decision pending"), "badge-warn"
            if decision is not None:
                title = title if own_words else short_title(decision.text)
                if decision.status == "decided":
                    label, badge = _("Decision taken"), "badge-ok"
                link = Link(
                    "sessions.show", {"brand_id": brand_id, "session_id": decision.session_id}
                )
        elif kind == rules.CAPABILITY:
            label, badge = _("Capability gap"), "badge-warn"
            gap = gaps.get(r.source_id or 0)
            if gap is not None:
                if not own_words:
                    title = capability_title(gap, locale)
                goals_at_risk = gap.high_goals or gap.goals
                if goals_at_risk:
                    link = Link("goals.show", {"goal_id": goals_at_risk[0].id})
        about = decision_about.get(r.source_id or 0, ()) if kind == rules.DECISION else ()
        out.append(
            ItemView(
                about=about,
                row=r,
                kind=kind,
                title=title,
                label=label,
                badge=badge,
                start=start,
                end=end,
                overdue=overdue,
                link=link,
                source_kind=r.source_kind if kind in rules.SOURCE_KINDS else None,
                source_id=r.source_id if kind in rules.SOURCE_KINDS else None,
                detail=detail,
            )
        )
    left_out = sum(r.source_id or 0 for r in rows if r.source_kind == rules.OVERFLOW)
    return AgendaView(
        items=out,
        duration=session.duration_minutes,
        total=sum(r.minutes for r in rows),
        left_out=left_out,
        editable=editable(session),
        can_edit=can_edit(reader) and editable(session),
    )
