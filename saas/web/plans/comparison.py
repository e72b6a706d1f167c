"""Web view: what changed between two revisions of a plan, in words."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date

from saas.i18n import gettext as _
from saas.models import Audience, Goal
from saas.presentation.labels.plans import (
    FORMAT_LABELS,
    KPI_LABELS,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
)
from saas.presentation.wording import join_list
from saas.services import plans as plans_service
from saas.services.errors import NotFound
from saas.web.common import require
from saas.web.plans.common import bp, brand_of, load_plan, num

# Fields whose value is a vocabulary id, shown by its label.
_LABELS = {"format": FORMAT_LABELS, "objective": OBJECTIVE_LABELS, "kpi": KPI_LABELS}


@bp.route("/plans/<int:plan_id>/compare")
@require("plan.view")
def compare(plan_id: int) -> ResponseReturnValue:
    plan = load_plan(plan_id)
    brand = brand_of(plan.brand_id)
    history = plans_service.revision_history(plan)
    a_id, b_id = request.args.get("a"), request.args.get("b")
    if not a_id or not b_id:
        # By default: what changed since the reviewer last judged the plan.
        pair = plans_service.default_comparison(history)
        if pair is None:
            flash(_("This plan has one revision: there is nothing to compare yet."), "info")
            return redirect(url_for("plans.show", plan_id=plan.id))
        a_id, b_id = pair[0].id, pair[1].id
    try:
        a, b, diff = plans_service.compare(plan, a_id, b_id)
    except NotFound:
        abort(404)
    goals = {goal.id: goal for goal in plans_service.brand_goals(plan.brand_id)}
    audiences = {a.id: a for a in plans_service.brand_audiences(plan.brand_id)}
    return render_template(
        "plans/compare.html",
        plan=plan,
        brand=brand,
        a=a,
        b=b,
        diff=diff,
        history=history,
        reviewed_ids={row.revision.id for row in history if row.reviewed},
        show_value=lambda field, value: show_value(field, value, goals, audiences),
    )


def _goal_name(goals: dict[int, Goal], ident: int) -> str:
    return goals[ident].title if ident in goals else f"#{ident}"


def show_value(
    field: str, value: Any, goals: dict[int, Goal], audiences: dict[int, Audience]
) -> str:
    """A diff value as words: labels for ids, names for goals and audiences."""
    if value is None or value == "" or value == frozenset() or value == {}:
        return "—"
    if field == "networks":
        return join_list(str(NETWORK_LABELS.get(n, n)) for n in sorted(value))
    if field == "goal_ids":
        return join_list(_goal_name(goals, i) for i in sorted(value))
    if field == "goal_contributions":
        return join_list(f"{_goal_name(goals, i)}: {num(v)}" for i, v in sorted(value.items()))
    if field == "audience_id":
        return audiences[value].name if value in audiences else f"#{value}"
    if field in _LABELS:
        return str(_LABELS[field].get(value, value))
    if field in ("kpi_baseline", "kpi_target", "budget"):
        return num(value)
    if hasattr(value, "isoformat"):
        return format_date(value, "medium")
    return str(value)
