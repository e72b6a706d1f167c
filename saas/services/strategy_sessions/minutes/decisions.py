"""A decision at a time: add one to a session's minutes, change it (a pending one is
recorded as decided later, from any session), or delete it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Membership, SessionDecision, StrategySession
from saas.services import audit
from saas.services.errors import Forbidden, ValidationFailed
from saas.services.strategy_sessions.minutes.access import can_write, ensure_writable, naive_now
from saas.services.strategy_sessions.minutes.checks import (
    LINKS,
    Targets,
    clean_decision,
    set_decision_status,
)
from saas.services.strategy_sessions.minutes.queries import decisions_of
from saas.transactions import use_case


@use_case
def add_decision(
    actor: Membership,
    session: StrategySession,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> SessionDecision:
    ensure_writable(actor, session, now=now)
    errors: dict[str, str] = {}
    values = clean_decision(data, errors, Targets(session.brand_id))
    if "id" in data:
        errors["id"] = _("Unknown field.")
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    last = max((d.position for d in decisions_of(session.id)), default=-1)
    decision = SessionDecision(
        agency_id=session.agency_id,
        brand_id=session.brand_id,
        session_id=session.id,
        created_by_id=actor.user_id,
        text=values["text"],
        goal_id=values["goal_id"],
        plan_id=values["plan_id"],
        position=last + 1,
    )
    set_decision_status(decision, values["status"], naive_now(now))
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "session.decision_added",
        decision,
        label=session.title,
        brand_id=session.brand_id,
        session_id=session.id,
        status=decision.status,
    )
    return decision


@use_case
def update_decision(
    actor: Membership,
    session: StrategySession,
    decision: SessionDecision,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> SessionDecision:
    """Change a decision; a pending one is recorded as decided later, from any session."""
    if not can_write(actor.role):
        raise Forbidden(_("Only the agency writes the minutes of a session."))
    errors: dict[str, str] = {}
    values = clean_decision(data, errors, Targets(session.brand_id), partial=True)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    changed = sorted(k for k, v in values.items() if getattr(decision, k) != v)
    for key in ("text", *LINKS):
        if key in values:
            setattr(decision, key, values[key])
    if "status" in values and values["status"] != decision.status:
        set_decision_status(decision, values["status"], naive_now(now))
    if changed:
        audit.record(
            "session.decision_updated",
            decision,
            label=session.title,
            brand_id=session.brand_id,
            session_id=session.id,
            changed=changed,
        )
        db.session.flush()
    return decision


@use_case
def delete_decision(actor: Membership, session: StrategySession, decision: SessionDecision) -> None:
    if not can_write(actor.role):
        raise Forbidden(_("Only the agency writes the minutes of a session."))
    audit.record(
        "session.decision_deleted",
        decision,
        label=session.title,
        brand_id=session.brand_id,
        session_id=session.id,
    )
    db.session.delete(decision)
    db.session.flush()
