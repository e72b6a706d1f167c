"""Web: what a person sees when someone else saved the plan while they were editing it.

The form comes back (409) with their input kept, a message, and both versions: the
campaigns as their save would have left them beside the campaigns saved now, and for the
campaign they edited, field by field, theirs against the saved one.  The form's hidden
``version`` becomes the saved one, so saving again is a deliberate choice made with both in
view, never a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from saas.domain.plan_diff import CAMPAIGN_FIELDS
from saas.i18n import gettext as _
from saas.models import Plan
from saas.services import plans as plans_service
from saas.services.plans import CampaignData, EditConflict
from saas.web.plans.common import FIELD_LABELS
from saas.web.plans.comparison import show_value

# The campaign's fields in the order its form shows them (the comparison's order).
FIELDS = CAMPAIGN_FIELDS


@dataclass
class Row:
    label: str
    mine: str
    saved: str
    differs: bool


@dataclass
class CampaignLine:
    name: str
    dates: tuple[Any, Any]
    mine: bool = False  # the campaign this person added or changed


@dataclass
class ConflictView:
    message: str
    version: int
    status: str  # the plan's status as saved now
    rows: list[Row] = field(default_factory=list)
    mine_campaigns: list[CampaignLine] = field(default_factory=list)
    saved_campaigns: list[CampaignLine] = field(default_factory=list)
    saved_has_campaign: bool = True  # False: the campaign they edited is gone from the plan
    campaign_id: int | None = None  # that campaign's id as saved now (ids change per save)
    campaign_name: str | None = None  # and its name as saved now


def saved_state(plan: Plan) -> tuple[list[CampaignData], dict[str, int]]:
    """The plan and its current revision's campaigns as committed now (not as this request
    loaded them before the conflict), and their ids by key."""
    plans_service.reload(plan)
    current = plans_service.current_revision(plan)
    revision = plans_service.load_revision(current.id, with_calendar=False)
    campaigns = [CampaignData.from_row(c) for c in revision.campaigns]
    return campaigns, {c.key: c.id for c in revision.campaigns}


def _line(c: CampaignData, mine: bool = False) -> CampaignLine:
    return CampaignLine(c.name, (c.start_date, c.end_date), mine)


def conflict_view(
    plan: Plan,
    err: EditConflict,
    mine: CampaignData | None,
    key: str | None,
    *,
    removing: bool = False,
) -> ConflictView:
    """Both versions, for a campaign save (``mine``: what was submitted, ``key``: the
    campaign it changes, None for a new one) or a removal (``removing``)."""
    saved, ids = saved_state(plan)
    view = ConflictView(
        message=err.message,
        version=plan.version,
        status=plan.status,
        campaign_id=ids.get(key) if key else None,
    )
    view.saved_campaigns = [_line(c) for c in saved]
    theirs = next((c for c in saved if key is not None and c.key == key), None)
    view.saved_has_campaign = key is None or theirs is not None
    view.campaign_name = theirs.name if theirs is not None else None
    if removing:
        view.mine_campaigns = [_line(c) for c in saved if c.key != key]
        return view
    if mine is None:
        return view
    replaced = False
    for c in saved:
        if key is not None and c.key == key:
            view.mine_campaigns.append(_line(mine, mine=True))
            replaced = True
        else:
            view.mine_campaigns.append(_line(c))
    if not replaced:
        view.mine_campaigns.append(_line(mine, mine=True))
    if theirs is None:  # a new campaign (or one removed meanwhile): the lists say it all
        return view
    goals = {goal.id: goal for goal in plans_service.brand_goals(plan.brand_id)}
    audiences = {a.id: a for a in plans_service.brand_audiences(plan.brand_id)}
    mine_values = mine.as_dict()
    saved_values = theirs.as_dict()
    for name in FIELDS:
        a, b = mine_values.get(name), saved_values.get(name)
        view.rows.append(
            Row(
                label=str(FIELD_LABELS.get(name, name)),
                mine=show_value(name, a, goals, audiences),
                saved=show_value(name, b, goals, audiences),
                differs=_plain(a) != _plain(b),
            )
        )
    return view


def _plain(value: Any) -> Any:
    """Compare numbers as numbers (a form's Decimal budget and the saved one)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return value


def transition_message(status_label: str, action_label: str) -> str:
    """The flash after a stale transition button: what they asked and what is saved now."""
    return _(
        "Someone else changed this plan after you opened it: it is now “%(status)s”. "
        "You asked to “%(action)s”; nothing was changed. Check the plan below and try again.",
        status=status_label,
        action=action_label,
    )
