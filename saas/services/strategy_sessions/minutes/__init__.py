"""A session's minutes: the notes, the decisions and the action items agreed.

Staff write them once the session has started (before that there is nothing to record:
409 ``not_started``), never for a cancelled session (409 ``cancelled``).  Recording makes
the session ``done``; editing later is allowed, and each save is audited.  ``record`` is
a whole replacement (the API's PUT and the edit page): every row is checked first and
nothing is written unless all of it is valid.  "Record and send" emails the minutes to
every attendee in their own language, on their own clock.

Decisions left ``pending`` are deferred to a later session; open action items stay open
across sessions until done (``saas.services.action_items``): the agenda drafts both.

One module per job: ``access`` (who may write, and "has started"), ``queries`` (reading,
and ``view``), ``checks`` (a decision's fields), ``recording`` (``record`` and
``add_action_item``), ``decisions`` (add, update, delete one) and ``sending`` (the email).
Import from this package; the modules are its inside.
"""

from saas.services.strategy_sessions.minutes.access import (
    can_write,
    ensure_writable,
    has_started,
    may_write,
)
from saas.services.strategy_sessions.minutes.checks import DECISION_FIELDS, DECISION_MAX, LINKS
from saas.services.strategy_sessions.minutes.decisions import (
    add_decision,
    delete_decision,
    update_decision,
)
from saas.services.strategy_sessions.minutes.queries import (
    DecisionRow,
    Linked,
    MinutesView,
    decision_rows,
    decisions_of,
    decisions_query,
    goal_choices,
    load_decision,
    plan_choices,
    view,
)
from saas.services.strategy_sessions.minutes.recording import (
    FIELDS,
    MAX_ROWS,
    MINUTES_MAX,
    add_action_item,
    record,
)
from saas.services.strategy_sessions.minutes.sending import LOCALES, send_minutes

__all__ = [
    "DECISION_FIELDS",
    "DECISION_MAX",
    "FIELDS",
    "LINKS",
    "LOCALES",
    "MAX_ROWS",
    "MINUTES_MAX",
    "DecisionRow",
    "Linked",
    "MinutesView",
    "add_action_item",
    "add_decision",
    "can_write",
    "decision_rows",
    "decisions_of",
    "decisions_query",
    "delete_decision",
    "ensure_writable",
    "goal_choices",
    "has_started",
    "load_decision",
    "may_write",
    "plan_choices",
    "record",
    "send_minutes",
    "update_decision",
    "view",
]
