"""Social plans: create, save revisions, move through the workflow, compare revisions.

The contract other areas code against (CSV import, reviews): ``CampaignData`` and
``CalendarItemData`` are validated input; ``create_plan`` and ``save_revision`` validate
everything first and write nothing on any error (``ValidationFailed`` with a message per
field, keys like ``campaigns.3.end_date``); ``transition`` applies the workflow of
``saas.domain.plan_workflow``.  Loading goes through the ORM, so the caller's tenant and
brand scope applies: another tenant's goal or audience id is simply "unknown".

Revisions, one per review cycle: the plan's working draft (its latest revision, not
frozen) is edited in place by every save; submitting freezes it.  After "changes
requested" the first save starts the next cycle's draft (revision N+1), so revision
numbers count what was submitted (``revisions`` has the rules).  Frozen revisions never
change, so any two can be compared campaign by campaign (matched by ``key``);
``default_comparison`` picks the last reviewed one against the current one.

One module per use case: ``data`` (the records and limits), ``checks`` (validation),
``queries`` (loading), ``revisions`` (writing), ``transitions`` (the workflow), ``diff``
(comparing) and ``versions`` (optimistic concurrency: a save from a stale ``version`` is an
``EditConflict``).  Import from this package; the modules are its inside.
"""

from saas.services.plans.cache import BoundedCache, revision_key
from saas.services.plans.checks import validate_campaigns
from saas.services.plans.data import (
    BRIEF_MAX,
    BUDGET_LIMIT,
    CALENDAR_COLUMNS,
    CAMPAIGN_COLUMNS,
    KEY_RE,
    KPI_LIMIT,
    MAX_CALENDAR_ITEMS,
    MAX_CAMPAIGNS,
    MAX_DAYS,
    NAME_MAX,
    NOTE_MAX,
    PILLAR_MAX,
    RATIONALE_MAX,
    TITLE_MAX,
    VIEW_ROLES,
    CalendarItemData,
    CampaignData,
)
from saas.services.plans.diff import campaign_dict, compare, revision_dict
from saas.services.plans.queries import (
    CampaignRow,
    GoalLink,
    RevisionRow,
    brand_audiences,
    brand_goals,
    calendar_counts,
    campaign_rows,
    current_revision,
    default_comparison,
    get_plan,
    get_plan_with_brand,
    get_revision,
    link_targets,
    load_revision,
    plan_and_revision,
    plans_query,
    revision_content,
    revision_counts,
    revision_data,
    revision_history,
)
from saas.services.plans.revisions import create_plan, save_revision
from saas.services.plans.transitions import available_transitions, transition
from saas.services.plans.versions import EditConflict, claim_version, parse_version, reload

__all__ = [
    "BoundedCache",
    "revision_key",
    "BRIEF_MAX",
    "BUDGET_LIMIT",
    "CALENDAR_COLUMNS",
    "CAMPAIGN_COLUMNS",
    "KEY_RE",
    "KPI_LIMIT",
    "MAX_CALENDAR_ITEMS",
    "MAX_CAMPAIGNS",
    "MAX_DAYS",
    "NAME_MAX",
    "NOTE_MAX",
    "PILLAR_MAX",
    "RATIONALE_MAX",
    "TITLE_MAX",
    "VIEW_ROLES",
    "CalendarItemData",
    "CampaignData",
    "EditConflict",
    "CampaignRow",
    "GoalLink",
    "RevisionRow",
    "available_transitions",
    "brand_audiences",
    "brand_goals",
    "calendar_counts",
    "campaign_dict",
    "claim_version",
    "compare",
    "create_plan",
    "current_revision",
    "default_comparison",
    "get_plan",
    "get_plan_with_brand",
    "get_revision",
    "campaign_rows",
    "link_targets",
    "load_revision",
    "parse_version",
    "plan_and_revision",
    "plans_query",
    "reload",
    "revision_content",
    "revision_counts",
    "revision_data",
    "revision_dict",
    "revision_history",
    "save_revision",
    "transition",
    "validate_campaigns",
]
