"""Record who did what to which object, from where.  Append-only (see models.audit)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from saas.extensions import db
from saas.models import AuditEvent


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str | None = None
    actor_user_id: int | None = None
    actor_email: str | None = None


_NO_ORIGIN = Origin()
_origin: ContextVar[Origin | None] = ContextVar("tandem_audit_origin", default=None)


def set_origin(origin: Origin) -> None:
    _origin.set(origin)


def set_actor(user_id: int | None, email: str | None) -> None:
    _origin.set(replace(_origin.get() or _NO_ORIGIN, actor_user_id=user_id, actor_email=email))


def record(
    action: str,
    obj: Any = None,
    *,
    label: str | None = None,
    actor: Any = None,
    agency_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session: it is committed with the change it records, in
    the same unit of work, so there is never one without the other.  Flush it in the
    tenant scope it belongs to (the caller's, or ``agency_id``'s)."""
    origin = _origin.get() or _NO_ORIGIN
    event = AuditEvent(
        action=action,
        actor_user_id=getattr(actor, "id", None) or origin.actor_user_id,
        actor_email=getattr(actor, "email", None) or origin.actor_email,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        object_label=(label or _label(obj))[:200] if (label or obj is not None) else None,
        ip=origin.ip,
        user_agent=origin.user_agent,
        details={k: v for k, v in details.items() if v is not None},
    )
    if agency_id is not None:
        event.agency_id = agency_id
    db.session.add(event)
    return event


def _label(obj: Any) -> str:
    for attr in ("name", "email", "title"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return f"#{getattr(obj, 'id', '')}"
