"""Web: a calendar edit or CSV import refused because someone saved the plan meanwhile.

The page comes back (409) with the person's input kept, a message and both versions: the
item as they submitted it beside the item as saved now (field by field), the items saved
on that day, and for an import the file's content beside the saved one.  The form's hidden
``version`` becomes the saved one, so saving again is a deliberate choice made with both in
view, never a silent overwrite.  Item ids change with every save, so the item is found
again by the ``ref`` its form carried (``calendar.find_by_ref``); when it was changed or
removed meanwhile, saving again adds the person's item as a new one instead of replacing
whichever item now has its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date

from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models import Plan
from saas.presentation.labels.plans import (
    CALENDAR_STATUS_LABELS,
    FORMAT_LABELS,
    NETWORK_LABELS,
    STATUS_LABELS,
)
from saas.services import calendar as calendar_service
from saas.services.plan_csv import ImportConflict
from saas.services.plans import CalendarItemData, CampaignData, EditConflict
from saas.web.plans.conflicts import CampaignLine, Row

ITEM_FIELDS = {
    "date": _l("Date"),
    "campaign_key": _l("Campaign"),
    "network": _l("Network"),
    "format": _l("Format"),
    "pillar": _l("Content pillar"),
    "brief": _l("Brief"),
    "status": _l("Status"),
}


@dataclass
class ItemLine:
    date: Any
    text: str
    mine: bool = False


@dataclass
class ItemConflictView:
    message: str
    version: int
    status: str  # the plan's status label as saved now
    found: bool = True  # the item they acted on is still in the saved plan, unchanged
    item_id: int | None = None  # its id as saved now
    ref: str = ""  # and its ref as saved now (what the form carries next)
    saved_item: ItemLine | None = None  # it (or, when not found, the item now in its place)
    rows: list[Row] = field(default_factory=list)
    same_day: list[ItemLine] = field(default_factory=list)  # saved items on their date
    # An import: the file's content and the saved content.
    mine_items: list[ItemLine] = field(default_factory=list)
    saved_items: list[ItemLine] = field(default_factory=list)
    mine_campaigns: list[CampaignLine] = field(default_factory=list)
    saved_campaigns: list[CampaignLine] = field(default_factory=list)
    kind: str | None = None


def _value(name: str, item: CalendarItemData, campaigns: dict[str, str]) -> str:
    value = getattr(item, name)
    if value is None or value == "":
        return "—"
    if name == "date":
        return format_date(value, "long")
    if name == "campaign_key":
        return campaigns.get(value, _("(a campaign no longer in the plan)"))
    if name == "network":
        return str(NETWORK_LABELS.get(value, value))
    if name == "format":
        return str(FORMAT_LABELS.get(value, value))
    if name == "status":
        return str(CALENDAR_STATUS_LABELS.get(value, value))
    return str(value)


def _line(item: CalendarItemData, campaigns: dict[str, str], mine: bool = False) -> ItemLine:
    parts = [_value("network", item, campaigns), _value("format", item, campaigns)]
    if item.campaign_key:
        parts.append(_value("campaign_key", item, campaigns))
    if item.pillar:
        parts.append(item.pillar)
    parts.append(_value("status", item, campaigns))
    return ItemLine(item.date, " · ".join(parts), mine)


def _names(campaigns: list[CampaignData]) -> dict[str, str]:
    return {c.key: c.name for c in campaigns if c.key}


def item_conflict(
    plan: Plan, err: EditConflict, mine: CalendarItemData | None, ref: str | None
) -> ItemConflictView:
    """Both versions for an item form: ``mine`` is what was submitted (None: a removal),
    ``ref`` names the item the form was opened on (None: a new item)."""
    saved = calendar_service.saved_calendar(plan)
    names = _names(saved.campaigns)
    view = ItemConflictView(
        message=err.message,
        version=plan.version,
        status=str(STATUS_LABELS.get(plan.status, plan.status)),
    )
    theirs: CalendarItemData | None = None
    if ref is not None:
        index = calendar_service.find_by_ref(saved.items, ref)
        view.found = index is not None
        if index is not None:
            view.item_id = saved.ids[index]
            view.ref = calendar_service.item_ref(saved.items, index)
            theirs = saved.items[index]
        else:  # changed or removed meanwhile: show what now has its place, if anything
            place = ref.partition(":")[0]
            at = int(place) if place.isascii() and place.isdigit() else -1
            if 0 <= at < len(saved.items):
                theirs = saved.items[at]
    if theirs is not None:
        view.saved_item = _line(theirs, names)
    day = mine.date if mine is not None else theirs.date if theirs is not None else None
    view.same_day = [_line(item, names) for item in saved.items if item.date == day]
    if mine is not None and theirs is not None:
        for name, label in ITEM_FIELDS.items():
            a, b = getattr(mine, name), getattr(theirs, name)
            view.rows.append(
                Row(
                    label=str(label),
                    mine=_value(name, mine, names),
                    saved=_value(name, theirs, names),
                    differs=(a or None) != (b or None),
                )
            )
    return view


def import_conflict(plan: Plan, err: ImportConflict) -> ItemConflictView:
    """Both versions for a refused import: the file's campaigns or calendar beside the
    saved ones."""
    saved = calendar_service.saved_calendar(plan)
    view = ItemConflictView(
        message=err.message,
        version=plan.version,
        status=str(STATUS_LABELS.get(plan.status, plan.status)),
        kind=err.kind,
    )
    if err.kind == "campaigns":
        view.mine_campaigns = [
            CampaignLine(c.name, (c.start_date, c.end_date)) for c in err.campaigns
        ]
        view.saved_campaigns = [
            CampaignLine(c.name, (c.start_date, c.end_date)) for c in saved.campaigns
        ]
    else:
        mine_names, saved_names = _names(err.campaigns), _names(saved.campaigns)
        view.mine_items = [_line(item, mine_names) for item in err.calendar]
        view.saved_items = [_line(item, saved_names) for item in saved.items]
    return view
