"""Leadership strategy sessions: scheduling across time zones, clashes, suggestions, invites.

Named ``strategy_sessions`` because ``saas.services.sessions`` is the sign-in sessions
module.  Modules: ``scheduling`` (create, update, cancel, clashes), ``queries`` (lists,
loads, busy time), ``people`` (attendees: member or guest, working hours),
``suggestions``, ``invites`` (ICS), ``messages`` (the domain's refusals translated).
"""

from saas.services.strategy_sessions.invites import invite_ics, invite_of
from saas.services.strategy_sessions.people import Person, resolve, working_hours_of, zone_of
from saas.services.strategy_sessions.queries import busy, for_brand, load, series_of
from saas.services.strategy_sessions.scheduling import (
    SCOPES,
    SessionConflict,
    can_edit,
    cancel,
    clashes,
    conflict_json,
    create,
    ensure_can_edit,
    update,
)
from saas.services.strategy_sessions.suggestions import suggest

__all__ = [
    "SCOPES",
    "Person",
    "SessionConflict",
    "busy",
    "can_edit",
    "cancel",
    "clashes",
    "conflict_json",
    "create",
    "ensure_can_edit",
    "for_brand",
    "invite_ics",
    "invite_of",
    "load",
    "resolve",
    "series_of",
    "suggest",
    "update",
    "working_hours_of",
    "zone_of",
]
