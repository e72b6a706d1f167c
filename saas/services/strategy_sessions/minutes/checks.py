"""The checks of a decision's fields, shared by the whole record and a decision at a time: a
goal or plan must be the session's brand's (another brand's or agency's id is refused
with the same words as an unknown one).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Goal, Plan, SessionDecision
from saas.models.sessions import DECISION_STATUSES
from saas.services import validation
from saas.services.validation import unknown_fields

DECISION_MAX = 2_000
DECISION_FIELDS = ("text", "status", "goal_id", "plan_id")
LINKS = ("goal_id", "plan_id")


class Targets:
    """The ids of the brand's goals and plans, read once per save (not once per row)."""

    def __init__(self, brand_id: int) -> None:
        self.brand_id = brand_id
        self._known: dict[str, set[int]] = {}

    def known(self, key: str) -> set[int]:
        if key not in self._known:
            model: Any = Goal if key == "goal_id" else Plan
            self._known[key] = set(
                db.session.scalars(select(model.id).where(model.brand_id == self.brand_id))
            )
        return self._known[key]


def _target(value: Any, key: str, targets: Targets, errors: dict[str, str]) -> int | None:
    """A goal or plan of the session's brand, or None.  Another brand's or agency's id is
    refused with the same words as an unknown one (the tenant scope hides the latter)."""
    if value in (None, ""):
        return None
    ident = value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        ident = int(value.strip())
    if not validation.is_int(ident) or ident not in targets.known(key):
        errors[key] = (
            _("Choose one of this brand's goals, or none.")
            if key == "goal_id"
            else _("Choose one of this brand's plans, or none.")
        )
        return None
    return int(ident)


def clean_decision(
    data: Any,
    errors: dict[str, str],
    targets: Targets,
    *,
    prefix: str = "",
    partial: bool = False,
) -> dict[str, Any]:
    local: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        errors[prefix.rstrip(".") or "body"] = _("Write the decision.")
        return out
    unknown_fields(data, (*DECISION_FIELDS, "id"), local)
    if not partial or "text" in data:
        out["text"] = validation.text(
            data.get("text"),
            "text",
            local,
            limit=DECISION_MAX,
            multiline=True,
            required=_("Write the decision."),
        )
    if not partial or "status" in data:
        out["status"] = validation.choice(
            data.get("status"),
            "status",
            local,
            options=DECISION_STATUSES,
            default="decided",
            message=_("Choose decided or pending."),
        )
    for key in LINKS:
        if not partial or key in data:
            out[key] = _target(data.get(key), key, targets, local)
    for key, message in local.items():
        errors[f"{prefix}{key}"] = message
    return out


def set_decision_status(decision: SessionDecision, status: str, now: datetime) -> None:
    decision.status = status
    if status == "decided":
        decision.decided_at = decision.decided_at or now
    else:
        decision.decided_at = None
