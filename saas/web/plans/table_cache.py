"""The rendered campaign table of a plan revision, kept in memory between requests.

The table (``plans/_campaigns.html``) is most of a plan page's work and changes only when
one of its inputs does, so the key (``table_key``) holds every one of them:

* the revision's content (``plans_service.revision_key``: ids, creation times and the
  plan's ``version``, which every save of the content claims);
* what the table prints from other tables, which do not move the plan's version: the
  brand's goal titles and audience names, read on every request (two small queries);
* the reader: language, whether they may edit (the edit links), the URL root.

Bounded by entries and by campaigns kept; a miss renders as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import request
from flask_babel import get_locale
from markupsafe import Markup

from saas.models import Plan, PlanRevision
from saas.services.plans import BoundedCache, revision_key

# At most 256 tables, 10,000 campaign rows in all (about 2 KB of HTML each: ~20 MB).
tables: BoundedCache[tuple[Markup, int]] = BoundedCache(max_entries=256, max_weight=10_000)


def table_key(
    plan: Plan,
    revision: PlanRevision,
    *,
    can_edit: bool,
    goals: Mapping[int, Any],
    audiences: Mapping[int, Any],
) -> tuple[Hashable, ...]:
    return (
        "campaign-table",
        *revision_key(plan, revision),
        str(get_locale()),
        can_edit,
        request.script_root,
        tuple((goal.id, goal.title) for goal in goals.values()),
        tuple((a.id, a.name) for a in audiences.values()),
    )


def cached_table(key: Hashable, render: Callable[[], tuple[str, int]]) -> tuple[Markup, int]:
    """The table's HTML and its number of campaigns, rendered by ``render`` on a miss."""

    def make() -> tuple[Markup, int]:
        html, count = render()
        return Markup(html), count  # noqa: S704 - a rendered template, escaped as it rendered

    return tables.get_or_make(key, make, lambda value: value[1])
