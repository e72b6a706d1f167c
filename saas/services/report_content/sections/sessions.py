"""Leadership sessions: what was agreed last time, what is still to do, and when they meet next.

The latest session with minutes (held by the end of the period) gives its decisions, the
pending ones marked so; the brand's open action items follow with their owner, due date and
an overdue flag; then the next scheduled session on the brand's clock, with the zone named.
Four queries whatever the number of sessions, decisions or items.  The rows are read here
directly (not through the minutes or action-item services) and handed to the template as
plain values, like every other section.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.models.accounts import User
from saas.models.sessions import ActionItem, SessionDecision, StrategySession
from saas.presentation import session_times
from saas.services.report_content.data import ReportData

SESSION_DECISIONS_MAX = 15
SESSION_ITEMS_MAX = 20


def _latest_done(d: ReportData) -> StrategySession | None:
    """The latest session whose minutes are recorded, held by the end of the period."""
    end = datetime.combine(d.period_end, time.max)
    return db.session.scalar(
        select(StrategySession)
        .where(
            StrategySession.brand_id == d.report.brand_id,
            StrategySession.status == "done",
            StrategySession.starts_at <= end,
        )
        .order_by(StrategySession.starts_at.desc(), StrategySession.id.desc())
        .limit(1)
    )


def _next_scheduled(d: ReportData) -> StrategySession | None:
    """The first scheduled (not cancelled, not held) session from the report's day on."""
    return db.session.scalar(
        select(StrategySession)
        .where(
            StrategySession.brand_id == d.report.brand_id,
            StrategySession.status == "scheduled",
            StrategySession.starts_at >= datetime.combine(d.today, time.min),
        )
        .order_by(StrategySession.starts_at, StrategySession.id)
        .limit(1)
    )


def _decisions(d: ReportData, session_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(SessionDecision.text, SessionDecision.status)
        .where(SessionDecision.session_id == session_id)
        .order_by(SessionDecision.position, SessionDecision.id)
        .limit(SESSION_DECISIONS_MAX)
    )
    return [{"text": d.text(r.text), "pending": r.status == "pending"} for r in rows]


def _open_items(d: ReportData) -> tuple[list[dict[str, Any]], int, int]:
    """The brand's open action items, soonest due first: (shown, total, overdue)."""
    rows = list(
        db.session.execute(
            select(ActionItem.title, ActionItem.due_on, User.name)
            .outerjoin(User, User.id == ActionItem.owner_id)
            .where(ActionItem.brand_id == d.report.brand_id, ActionItem.status == "open")
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        )
    )
    items = [
        {
            "title": d.text(r.title),
            "owner": r.name or None,
            "due": d.day(r.due_on) if r.due_on else None,
            "overdue": r.due_on is not None and r.due_on < d.today,
        }
        for r in rows[:SESSION_ITEMS_MAX]
    ]
    overdue = sum(1 for r in rows if r.due_on is not None and r.due_on < d.today)
    return items, len(rows), overdue


def _when(session: StrategySession, zone: str, locale: str) -> session_times.LocalTime:
    return session_times.local(session.starts_at, session.duration_minutes, zone, locale)


def build_sessions(d: ReportData) -> dict[str, Any] | None:
    zone = (d.brand.timezone if d.brand else None) or "UTC"
    latest = _latest_done(d)
    following = _next_scheduled(d)
    items, total, overdue = _open_items(d)
    decisions = _decisions(d, latest.id) if latest is not None else []
    return {
        "empty": latest is None and following is None and not items,
        "latest": (
            {"title": d.text(latest.title), "date": _when(latest, zone, d.locale).date}
            if latest is not None
            else None
        ),
        "decisions": decisions,
        "open_items": items,  # not "items": the template would read dict.items
        "overdue": overdue,
        "overdue_n": d.number(overdue),
        "items_more": d.number(total - len(items)) if total > len(items) else None,
        "next": (
            {"title": d.text(following.title), "when": _when(following, zone, d.locale).text}
            if following is not None
            else None
        ),
    }
