"""The plans blueprint and what its views share: labels for templates, the scoped loads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_babel import format_decimal

from saas.http import get_or_404
from saas.i18n import lazy_gettext as _l
from saas.i18n import use_brand
from saas.models import Brand, Plan
from saas.presentation.labels.plans import (
    ACTION_LABELS,
    FORMAT_LABELS,
    KPI_LABELS,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
)
from saas.services import plans as plans_service
from saas.services.errors import NotFound
from saas.web.common import allowed, current_role

bp = Blueprint("plans", __name__)

FIELD_LABELS = {
    "title": _l("Title"),
    "period_start": _l("First day"),
    "period_end": _l("Last day"),
    "name": _l("Name"),
    "networks": _l("Networks"),
    "format": _l("Format"),
    "objective": _l("Objective"),
    "kpi": _l("Primary KPI"),
    "kpi_baseline": _l("KPI baseline"),
    "kpi_target": _l("KPI target"),
    "audience_id": _l("Target audience"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "duration_rationale": _l("Why this duration?"),
    "budget": _l("Budget"),
    "goal_ids": _l("Goals"),
    "goal_contributions": _l("Expected contributions"),
}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "NETWORK_LABELS": NETWORK_LABELS,
        "FORMAT_LABELS": FORMAT_LABELS,
        "OBJECTIVE_LABELS": OBJECTIVE_LABELS,
        "KPI_LABELS": KPI_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "ACTION_LABELS": ACTION_LABELS,
        "FIELD_LABELS": FIELD_LABELS,
        "num": num,
    }


def num(value: Any) -> str:
    """A number in the reader's locale, at most two decimals; a dash when absent."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")


def role() -> str:
    """The member's role (the blueprint's views all require a membership)."""
    current = current_role()
    if current is None:
        abort(403)
    return current


def load_plan(plan_id: int) -> Plan:
    """A plan the member's role may see, else 404."""
    try:
        return plans_service.get_plan(plan_id, role())
    except NotFound:
        abort(404)


def load_plan_with_brand(plan_id: int) -> tuple[Plan, Brand]:
    """``load_plan`` and ``brand_of`` its brand, in one query."""
    try:
        plan, brand = plans_service.get_plan_with_brand(plan_id, role())
    except NotFound:
        abort(404)
    use_brand(brand)
    return plan, brand


def require_drafter() -> None:
    if not allowed("plan.draft"):
        abort(403)


def brand_of(brand_id: int) -> Brand:
    """The plan's brand (scoped), made the request's brand so its language applies."""
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand
