"""Web views: social plans, their revisions and workflow actions.

Thin: a scoped load, a role check, one service call, render.  The blueprint lives in
``common``; the campaign pages (``campaigns``) and the comparison (``comparison``) add their
routes to it, so importing this module registers them all.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.domain import plan_workflow as workflow
from saas.http import page_args, paginate
from saas.i18n import gettext as _
from saas.models import Plan, PlanRevision
from saas.presentation.labels.plans import ACTION_LABELS, STATUS_LABELS
from saas.services import plans as plans_service
from saas.services import reviews as reviews_service
from saas.services.errors import NotFound, ServiceError
from saas.services.plans import EditConflict, parse_version
from saas.web.common import allowed, require
from saas.web.plans import campaigns, comparison, table_cache
from saas.web.plans.common import (
    bp,
    brand_of,
    load_plan,
    load_plan_with_brand,
    require_drafter,
    role,
)
from saas.web.plans.conflicts import transition_message
from saas.web.plans.forms import PlanActionForm, PlanForm

__all__ = ["bp", "campaigns", "comparison"]


def _place_errors(form: Any, fields: dict[str, str]) -> bool:
    """Put a service's per-field messages next to the form's fields; True if all placed."""
    placed_all = True
    for key, message in fields.items():
        field = form._fields.get(key)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            placed_all = False
    return placed_all


# --- list and create ------------------------------------------------------------------------


@bp.route("/brands/<int:brand_id>/plans")
@require("plan.view")
def index(brand_id: int) -> ResponseReturnValue:
    brand = brand_of(brand_id)
    page_no, per_page = page_args(current_app.config.get("PER_PAGE", 20))
    page = paginate(plans_service.plans_query(brand.id, role()), page_no, per_page)
    counts = plans_service.revision_counts([p.id for p in page.items])
    return render_template(
        "plans/index.html",
        brand=brand,
        page=page,
        counts=counts,
        can_draft=allowed("plan.draft") and not brand.is_archived,
    )


@bp.route("/brands/<int:brand_id>/plans/new", methods=["GET", "POST"])
@require("plan.view")
def new(brand_id: int) -> ResponseReturnValue:
    brand = brand_of(brand_id)
    require_drafter()
    form = PlanForm()
    if form.validate_on_submit():
        try:
            plan = plans_service.create_plan(
                brand,
                title=form.title.data or "",
                period_start=form.period_start.data,
                period_end=form.period_end.data,
                campaigns=[],
                calendar=[],
                author=current_user,
            )
        except ServiceError as err:
            if not _place_errors(form, err.fields):
                flash(err.message, "error")
        else:
            flash(_("Plan created. Add its campaigns next."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template("plans/new.html", brand=brand, form=form), status


# --- the plan page and its revisions --------------------------------------------------------


def _revision_context(
    plan: Plan,
    revision: PlanRevision,
    *,
    can_edit: bool,
    campaign_count: int | None = None,
    calendar_count: int | None = None,
) -> dict[str, Any]:
    """What a page shows of a revision the caller has loaded: its campaign table (rendered
    once per input, see ``table_cache``), campaign and calendar item counts."""
    goals, audiences = plans_service.link_targets(plan.brand_id)
    if calendar_count is None:
        calendar_count = plans_service.calendar_counts([revision.id]).get(revision.id, 0)

    def render() -> tuple[str, int]:
        campaigns = plans_service.campaign_rows(revision.id)
        html = render_template(
            "plans/_campaigns.html",
            plan=plan,
            campaigns=campaigns,
            goals_by_id=goals,
            audiences_by_id=audiences,
            can_edit=can_edit,
        )
        return html, len(campaigns)

    key = table_cache.table_key(plan, revision, can_edit=can_edit, goals=goals, audiences=audiences)
    table, count = table_cache.cached_table(key, render)
    return {
        "revision": revision,
        "campaign_table": table,
        "campaign_count": count if campaign_count is None else campaign_count,
        "calendar_count": calendar_count,
    }


@bp.route("/plans/<int:plan_id>")
@require("plan.view")
def show(plan_id: int) -> ResponseReturnValue:
    plan, brand = load_plan_with_brand(plan_id)
    # One query for every revision with its counts; the newest is the current one.
    history = plans_service.revision_history(plan, calendar_counts=True)
    if not history:
        plans_service.current_revision(plan)  # NotFound, as for a plan without revision
    current = history[0]
    can_edit = workflow.can_edit(plan.status, role())
    return render_template(
        "plans/show.html",
        plan=plan,
        brand=brand,
        history=history,
        compare_pair=plans_service.default_comparison(history),
        actions=plans_service.available_transitions(plan, g.membership, current.revision),
        # The reviews the viewer may see (the reviews service decides which).
        reviews=reviews_service.reviews_of_plan(plan, g.membership),
        can_open_review=(plan.status in ("submitted", "in_review") and allowed("review.conduct")),
        can_edit=can_edit,
        action_form=PlanActionForm(version=str(plan.version)),
        is_current=True,
        **_revision_context(
            plan,
            current.revision,
            can_edit=can_edit,
            campaign_count=current.campaign_count,
            calendar_count=current.calendar_count,
        ),
    )


@bp.route("/plans/<int:plan_id>/revisions/<int:revision_id>")
@require("plan.view")
def revision(plan_id: int, revision_id: int) -> ResponseReturnValue:
    plan = load_plan(plan_id)
    brand = brand_of(plan.brand_id)
    try:
        rev = plans_service.get_revision(plan, revision_id)
    except NotFound:
        abort(404)
    current = plans_service.current_revision(plan)
    return render_template(
        "plans/revision.html",
        plan=plan,
        brand=brand,
        is_current=rev.id == current.id,
        can_edit=False,
        **_revision_context(plan, rev, can_edit=False),
    )


# --- workflow -------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/transition", methods=["POST"])
@require("plan.view")
def transition(plan_id: int) -> ResponseReturnValue:
    plan = load_plan(plan_id)
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    to = request.form.get("to", "")
    try:
        plans_service.transition(
            plan, to, g.membership, expected_version=parse_version(form.version.data)
        )
    except EditConflict:
        # What they asked for and what is saved now; the plan page shows the saved plan.
        plans_service.reload(plan)
        action = ACTION_LABELS.get(to, to)
        flash(transition_message(STATUS_LABELS[plan.status], action), "error")
    except ServiceError as err:
        if err.status == 403:
            abort(403)
        if err.status == 404:
            abort(404)
        flash(err.message, "error")
    else:
        flash(_("The plan is now “%(status)s”.", status=STATUS_LABELS[to]), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))
