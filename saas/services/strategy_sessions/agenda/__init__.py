"""A session's agenda: drafted from the brand's data, edited by people, redrafted on request.

The drafting rule is the domain's (``saas.domain.sessions.agenda``); this package reads the
candidates (pending decisions and open action items of earlier sessions, goals behind or at
risk by ``saas.services.goals``' progress, findings still standing in the latest review of
each plan, plans waiting for approval), writes the rows and keeps people's changes:

* an item added by hand (``origin="manual"``) or edited (``edited``: its title, notes,
  minutes or place changed) is never touched by a redraft and keeps its place;
* a drafted item a person removed stays as a row with ``removed`` so a redraft does not
  bring it back (an item added by hand is simply deleted);
* every other drafted item is refreshed, added or dropped by what the data says now.

Structural entries (opening, closing, open discussion, "more open items") are rows with
``source_kind`` set to their kind; the overflow entry keeps how many it stands for in
``source_id``.  Titles are stored in the drafting person's language, and shown in the
reader's from the source's current name (``view``) unless a person wrote their own.
A cancelled session's agenda is read-only; a session that is not scheduled any more is not
redrafted.

One module per job: ``access`` (who may change it, and when), ``sources`` (the brand's data
as candidates), ``rows`` (the stored items in order), ``drafting`` (``draft_new``,
``regenerate`` and the merge of people's items), ``editing`` (one item: add, update,
remove, move, and its checks), ``replacing`` (the whole agenda at once) and ``reading``
(``view``: what readers see).  Import from this package; the modules are its inside.
"""

from saas.services.strategy_sessions.agenda.access import can_edit, editable
from saas.services.strategy_sessions.agenda.drafting import draft_new, regenerate
from saas.services.strategy_sessions.agenda.editing import (
    ITEM_FIELDS,
    MOVES,
    NOTES_MAX,
    add_item,
    clean,
    move_item,
    remove_item,
    update_item,
)
from saas.services.strategy_sessions.agenda.reading import AgendaView, ItemView, Link, view
from saas.services.strategy_sessions.agenda.replacing import MAX_ITEMS, REPLACE_FIELDS, replace
from saas.services.strategy_sessions.agenda.rows import items_query, load_item, rows_of
from saas.services.strategy_sessions.agenda.sources import STANDING_FINDINGS, candidates

__all__ = [
    "ITEM_FIELDS",
    "MAX_ITEMS",
    "MOVES",
    "NOTES_MAX",
    "REPLACE_FIELDS",
    "STANDING_FINDINGS",
    "AgendaView",
    "ItemView",
    "Link",
    "add_item",
    "can_edit",
    "candidates",
    "clean",
    "draft_new",
    "editable",
    "items_query",
    "load_item",
    "move_item",
    "regenerate",
    "remove_item",
    "replace",
    "rows_of",
    "update_item",
    "view",
]
