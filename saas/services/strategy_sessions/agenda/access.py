"""Who may change a session's agenda, and when: staff with ``session.edit``, never once the
session is cancelled (its agenda is read-only then).
"""

from __future__ import annotations

from saas.i18n import gettext as _
from saas.models import Membership, StrategySession
from saas.permissions import can
from saas.services.errors import Conflict, Forbidden


def can_edit(actor: Membership | None) -> bool:
    return actor is not None and can(actor.role, "session.edit")


def editable(session: StrategySession) -> bool:
    return session.status != "cancelled"


def ensure_can_change(actor: Membership, session: StrategySession) -> None:
    if not can_edit(actor):
        raise Forbidden(_("Your role can read the agenda but not change it."))
    if not editable(session):
        raise Conflict(_("This session is cancelled: its agenda can no longer change."))
