"""Recording the minutes: ``record`` replaces the notes, decisions and action items at once
(every row is checked first and nothing is written unless all of it is valid) and makes
the session ``done``; ``add_action_item`` adds one agreed in a session under way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import ActionItem, Brand, Membership, SessionDecision, StrategySession
from saas.services import action_items, audit, validation
from saas.services.errors import ValidationFailed
from saas.services.strategy_sessions.minutes.access import ensure_writable, naive_now
from saas.services.strategy_sessions.minutes.checks import (
    Targets,
    clean_decision,
    set_decision_status,
)
from saas.services.strategy_sessions.minutes.queries import MinutesView, decisions_of, view
from saas.services.strategy_sessions.minutes.sending import send_minutes
from saas.services.validation import unknown_fields
from saas.transactions import use_case

MINUTES_MAX = 20_000
MAX_ROWS = 100
FIELDS = ("minutes", "decisions", "action_items")


def _rows(data: Mapping[str, Any], key: str, errors: dict[str, str]) -> list[Any]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors[key] = _("Send a list.")
        return []
    if len(raw) > MAX_ROWS:
        errors[key] = _("At most %(n)d rows.", n=MAX_ROWS)
        return []
    return list(raw)


def _row_id(row: Any, known: Mapping[int, Any], key: str, errors: dict[str, str]) -> Any:
    """The existing row a submitted row names (``id``), or None for a new one."""
    if not isinstance(row, Mapping) or row.get("id") in (None, ""):
        return None
    ident = row["id"]
    if isinstance(ident, str) and ident.isascii() and ident.isdigit():
        ident = int(ident)
    if not validation.is_int(ident) or ident not in known:
        errors[key] = _("This row is not part of these minutes.")
        return None
    return known[ident]


@use_case
def record(
    actor: Membership,
    session: StrategySession,
    brand: Brand,
    data: Mapping[str, Any],
    *,
    send: bool = False,
    now: datetime | None = None,
) -> MinutesView:
    """Replace the minutes, decisions and action items of ``session`` with ``data``.

    Rows with an ``id`` change that row; rows without one are added; the session's rows
    left out of a list are deleted (a list not sent at all leaves its rows as they are).
    The session becomes ``done``.  ``send`` emails every attendee."""
    ensure_writable(actor, session, now=now)
    clock = naive_now(now)
    errors: dict[str, str] = {}
    unknown_fields(data, FIELDS, errors)
    text = validation.text(
        data.get("minutes"), "minutes", errors, limit=MINUTES_MAX, multiline=True
    )
    targets = Targets(session.brand_id)
    old_decisions = {d.id: d for d in decisions_of(session.id)}
    old_items = {i.id: i for i in action_items.for_session(session.id)}
    decisions: list[tuple[SessionDecision | None, dict[str, Any]]] = []
    for n, row in enumerate(_rows(data, "decisions", errors)):
        existing = _row_id(row, old_decisions, f"decisions.{n}.id", errors)
        decisions.append((existing, clean_decision(row, errors, targets, prefix=f"decisions.{n}.")))
    items: list[tuple[ActionItem | None, dict[str, Any]]] = []
    for n, row in enumerate(_rows(data, "action_items", errors)):
        existing = _row_id(row, old_items, f"action_items.{n}.id", errors)
        items.append(
            (existing, action_items.clean(brand, row, errors, prefix=f"action_items.{n}."))
        )
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)

    first = session.minutes_recorded_at is None
    session.minutes = text
    session.minutes_recorded_at = clock
    session.minutes_recorded_by_id = actor.user_id
    session.status = "done"

    kept_decisions = set(old_decisions) if "decisions" not in data else set()
    for position, (decision, values) in enumerate(decisions):
        if decision is None:
            decision = SessionDecision(
                agency_id=session.agency_id,
                brand_id=session.brand_id,
                session_id=session.id,
                created_by_id=actor.user_id,
            )
            db.session.add(decision)
        else:
            kept_decisions.add(decision.id)
        decision.text = values["text"]
        decision.goal_id = values["goal_id"]
        decision.plan_id = values["plan_id"]
        decision.position = position
        set_decision_status(decision, values["status"], clock)
    for ident, decision in old_decisions.items():
        if ident not in kept_decisions:
            db.session.delete(decision)

    kept_items = set(old_items) if "action_items" not in data else set()
    for item, values in items:
        if item is None:
            db.session.add(action_items.new_item(actor, session, values))
        else:
            kept_items.add(item.id)
            action_items.apply_values(actor, item, values)
    for ident, item in old_items.items():
        if ident not in kept_items:
            db.session.delete(item)
    db.session.flush()

    audit.record(
        "session.minutes_recorded" if first else "session.minutes_edited",
        session,
        brand_id=session.brand_id,
        decisions=len(decisions),
        action_items=len(items),
        sent=bool(send) or None,
    )
    if send:
        send_minutes(session, brand)
    db.session.flush()
    return view(session, brand)


@use_case
def add_action_item(
    actor: Membership,
    session: StrategySession,
    brand: Brand,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> ActionItem:
    """An action item agreed in a session that has started (never a cancelled one)."""
    ensure_writable(actor, session, now=now)
    return action_items.create(actor, session, brand, data)
