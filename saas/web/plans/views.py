"""Web views: social plans, their campaigns, revisions, comparison and workflow actions.

Thin: a scoped load, a role check against the plans service's role sets, one service
call, render.  Every save of a campaign goes through ``save_revision`` with the whole
revision's content, so after submission it creates a new immutable revision.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_decimal
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from saas.domain import plan_workflow as workflow
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.i18n import use_brand
from saas.models import Brand
from saas.services import plans as plans_service
from saas.services.errors import NotFound, ServiceError
from saas.services.plans import CampaignData
from saas.web.common import allowed, current_role, get_or_404, page_args, paginate, require
from saas.web.edge import is_ascii_digits
from saas.web.plans.forms import ActionForm, CampaignForm, PlanForm
from saas.web.plans.labels import (
    ACTION_LABELS,
    FORMAT_LABELS,
    KPI_LABELS,
    NETWORK_LABELS,
    OBJECTIVE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
)

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
        "num": _num,
        "optional_url": optional_url,
    }


def _num(value: Any) -> str:
    """A number in the reader's locale, at most two decimals; a dash when absent."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##")


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link to another area's page if that area has built it yet, else ``None``."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _role() -> str:
    role = current_role()
    if role is None:
        abort(403)
    return role


def _load_plan(plan_id: int):  # type: ignore[no-untyped-def]
    try:
        return plans_service.get_plan(plan_id, _role())
    except NotFound:
        abort(404)


def _require_drafter() -> None:
    if not allowed("plan.draft"):
        abort(403)


def _brand(brand_id: int) -> Brand:
    """The plan's brand (scoped), made the request's brand so its language applies."""
    if plans_service.valid_id(brand_id) is None:
        abort(404)
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


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
def index(brand_id: int):  # type: ignore[no-untyped-def]
    brand = _brand(brand_id)
    page_no, per_page = page_args(current_app.config.get("PER_PAGE", 20))
    page = paginate(plans_service.plans_query(brand.id, _role()), page_no, per_page)
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
def new(brand_id: int):  # type: ignore[no-untyped-def]
    brand = _brand(brand_id)
    _require_drafter()
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


# --- the plan page --------------------------------------------------------------------------


def _revision_context(plan, revision_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    revision = plans_service.load_revision(revision_id, with_calendar=False)
    goals = plans_service.brand_goals(plan.brand_id)
    audiences = plans_service.brand_audiences(plan.brand_id)
    return {
        "revision": revision,
        "goals_by_id": {goal.id: goal for goal in goals},
        "audiences_by_id": {a.id: a for a in audiences},
        "calendar_count": plans_service.calendar_counts([revision.id]).get(revision.id, 0),
    }


@bp.route("/plans/<int:plan_id>")
@require("plan.view")
def show(plan_id: int):  # type: ignore[no-untyped-def]
    plan = _load_plan(plan_id)
    brand = _brand(plan.brand_id)
    current = plans_service.current_revision(plan)
    history = plans_service.revision_history(plan)
    role = _role()
    actions = plans_service.available_transitions(plan, g.membership, current)
    return render_template(
        "plans/show.html",
        plan=plan,
        brand=brand,
        history=history,
        actions=actions,
        reviews=_reviews_of(plan),
        can_open_review=(
            plan.status in ("submitted", "in_review")
            and allowed("review.conduct")
            and "reviews.open" in current_app.view_functions
        ),
        can_edit=workflow.can_edit(plan.status, role),
        action_form=ActionForm(),
        is_current=True,
        **_revision_context(plan, current.id),
    )


@bp.route("/plans/<int:plan_id>/revisions/<int:revision_id>")
@require("plan.view")
def revision(plan_id: int, revision_id: int):  # type: ignore[no-untyped-def]
    plan = _load_plan(plan_id)
    brand = _brand(plan.brand_id)
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
        **_revision_context(plan, rev.id),
    )


@bp.route("/plans/<int:plan_id>/compare")
@require("plan.view")
def compare(plan_id: int):  # type: ignore[no-untyped-def]
    plan = _load_plan(plan_id)
    brand = _brand(plan.brand_id)
    history = plans_service.revision_history(plan)
    a_id, b_id = request.args.get("a"), request.args.get("b")
    if not a_id or not b_id:
        if len(history) < 2:
            flash(_("This plan has one revision: there is nothing to compare yet."), "info")
            return redirect(url_for("plans.show", plan_id=plan.id))
        a_id, b_id = history[1].revision.id, history[0].revision.id
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
        show_value=lambda field, value: _show_value(field, value, goals, audiences),
    )


def _show_value(field: str, value: Any, goals: dict, audiences: dict) -> str:
    """A diff value as words: labels for ids, names for goals and audiences."""
    if value is None or value == "" or value == frozenset() or value == {}:
        return "—"
    if field == "networks":
        return ", ".join(str(NETWORK_LABELS.get(n, n)) for n in sorted(value))
    if field == "goal_ids":
        return ", ".join(goals[i].title if i in goals else f"#{i}" for i in sorted(value))
    if field == "goal_contributions":
        return ", ".join(
            f"{goals[i].title if i in goals else f'#{i}'}: {_num(v)}"
            for i, v in sorted(value.items())
        )
    if field == "audience_id":
        return audiences[value].name if value in audiences else f"#{value}"
    if field == "format":
        return str(FORMAT_LABELS.get(value, value))
    if field == "objective":
        return str(OBJECTIVE_LABELS.get(value, value))
    if field == "kpi":
        return str(KPI_LABELS.get(value, value))
    if field in ("kpi_baseline", "kpi_target", "budget"):
        return _num(value)
    if hasattr(value, "isoformat"):
        return format_date(value, "medium")
    return str(value)


def _reviews_of(plan) -> list[tuple[Any, int]]:  # type: ignore[no-untyped-def]
    """The plan's reviews the viewer may see (the reviews area decides which), if built."""
    if "reviews.show" not in current_app.view_functions:
        return []
    from saas.services import reviews as reviews_service

    return reviews_service.reviews_of_plan(plan, g.membership)


# --- workflow -------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/transition", methods=["POST"])
@require("plan.view")
def transition(plan_id: int):  # type: ignore[no-untyped-def]
    plan = _load_plan(plan_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    to = request.form.get("to", "")
    try:
        plans_service.transition(plan, to, g.membership)
    except ServiceError as err:
        if err.status == 403:
            abort(403)
        if err.status == 404:
            abort(404)
        flash(err.message, "error")
    else:
        flash(_("The plan is now “%(status)s”.", status=STATUS_LABELS[to]), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))


# --- campaigns ------------------------------------------------------------------------------


def _editable_plan(plan_id: int):  # type: ignore[no-untyped-def]
    plan = _load_plan(plan_id)
    _require_drafter()
    _brand(plan.brand_id)
    if not workflow.can_edit(plan.status, _role()):
        flash(_("A plan that is in review, approved or archived cannot be changed."), "error")
        return plan, None
    return plan, plans_service.current_revision(plan)


def _campaign_form_context(plan, form: CampaignForm) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    goals = plans_service.brand_goals(plan.brand_id)
    audiences = plans_service.brand_audiences(plan.brand_id)
    form.audience_id.choices = [SelectChoice("", _("No audience yet"))] + [
        SelectChoice(str(a.id), a.name) for a in audiences
    ]
    return {"goals": goals, "audiences": audiences}


def _links_from_request(goals: list) -> tuple[list[tuple[int, float | None]], str | None]:  # type: ignore[type-arg]
    """The goal checkboxes and their contribution numbers, as (goal id, contribution)."""
    links: list[tuple[int, float | None]] = []
    chosen = request.form.getlist("goal_ids")
    known = {goal.id for goal in goals}
    for raw in chosen:
        try:
            goal_id = int(raw)
        except ValueError:
            return [], _("Choose goals from the list.")
        if goal_id not in known:
            return [], _("Unknown goal %(id)s.", id=goal_id)
        contribution_raw = request.form.get(f"contribution_{goal_id}", "").strip()
        contribution = None
        if contribution_raw:
            try:
                contribution = float(contribution_raw.replace(",", ""))
            except ValueError:
                return [], _("Enter each expected contribution as a number.")
        if (goal_id, contribution) not in links:
            links.append((goal_id, contribution))
    return links, None


def _campaign_from_form(form: CampaignForm, links, key: str | None) -> CampaignData:  # type: ignore[no-untyped-def]
    audience = form.audience_id.data
    return CampaignData(
        name=form.name.data or "",
        networks=list(form.networks.data or []),
        format=form.format.data,
        objective=form.objective.data,
        kpi=form.kpi.data or None,
        kpi_baseline=form.kpi_baseline.data,
        kpi_target=form.kpi_target.data,
        audience_id=int(audience) if is_ascii_digits(audience) else None,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        duration_rationale=form.duration_rationale.data or None,
        budget=form.budget.data,
        goal_links=links,
        key=key,
    )


def _save_campaign(plan, form, ctx, index: int | None, key: str | None):  # type: ignore[no-untyped-def]
    """Validate the form, splice the campaign into the revision's content and save."""
    links, links_error = _links_from_request(ctx["goals"])
    ctx["chosen_links"] = _chosen_from_request()
    if not form.validate_on_submit() or links_error:
        if links_error:
            ctx["goal_error"] = links_error
        return None
    current = plans_service.current_revision(plan)
    campaigns, calendar = plans_service.revision_data(plans_service.load_revision(current.id))
    data = _campaign_from_form(form, links, key)
    if index is None:
        index = len(campaigns)
        campaigns.append(data)
    else:
        campaigns[index] = data
    try:
        return plans_service.save_revision(
            plan, campaigns=campaigns, calendar=calendar, author=current_user
        )
    except ServiceError as err:
        prefix = f"campaigns.{index}."
        mine = {k: v for k, v in err.fields.items() if k.startswith(prefix)}
        for k, v in mine.items():
            name = k[len(prefix) :]
            if name in ("goal_ids", "goal_contributions"):
                ctx["goal_error"] = v
            elif name in form._fields:
                form._fields[name].errors = [*form._fields[name].errors, v]
        if len(mine) < len(err.fields) or not mine:
            flash(err.message, "error")
        return None


def _chosen_from_request() -> dict[int, str]:
    out = {}
    for raw in request.form.getlist("goal_ids"):
        if is_ascii_digits(raw):
            out[int(raw)] = request.form.get(f"contribution_{raw}", "")
    return out


@bp.route("/plans/<int:plan_id>/campaigns/new", methods=["GET", "POST"])
@require("plan.view")
def campaign_new(plan_id: int):  # type: ignore[no-untyped-def]
    plan, current = _editable_plan(plan_id)
    if current is None:
        return redirect(url_for("plans.show", plan_id=plan.id))
    form = CampaignForm()
    ctx = _campaign_form_context(plan, form)
    if request.method == "GET":
        form.start_date.data = form.start_date.data or plan.period_start
        form.end_date.data = form.end_date.data or plan.period_end
        ctx["chosen_links"] = {}
    else:
        saved = _save_campaign(plan, form, ctx, None, None)
        if saved is not None:
            flash(_("Campaign added."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "plans/campaign_form.html", plan=plan, form=form, campaign=None, **ctx
    ), status


@bp.route("/plans/<int:plan_id>/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@require("plan.view")
def campaign_edit(plan_id: int, campaign_id: int):  # type: ignore[no-untyped-def]
    plan, current = _editable_plan(plan_id)
    if current is None:
        return redirect(url_for("plans.show", plan_id=plan.id))
    revision = plans_service.load_revision(current.id, with_calendar=False)
    index = next((i for i, c in enumerate(revision.campaigns) if c.id == campaign_id), None)
    if index is None:
        abort(404)
    campaign = revision.campaigns[index]
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    ctx = _campaign_form_context(plan, form)
    if request.method == "GET":
        form.audience_id.data = str(campaign.audience_id or "")
        form.kpi.data = campaign.kpi or ""
        ctx["chosen_links"] = {
            link.goal_id: _num(link.contribution) if link.contribution is not None else ""
            for link in campaign.goal_links
        }
    else:
        saved = _save_campaign(plan, form, ctx, index, campaign.key)
        if saved is not None:
            flash(_("Campaign saved."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "plans/campaign_form.html", plan=plan, form=form, campaign=campaign, **ctx
    ), status


@bp.route("/plans/<int:plan_id>/campaigns/<int:campaign_id>/delete", methods=["GET", "POST"])
@require("plan.view")
def campaign_delete(plan_id: int, campaign_id: int):  # type: ignore[no-untyped-def]
    plan, current = _editable_plan(plan_id)
    if current is None:
        return redirect(url_for("plans.show", plan_id=plan.id))
    revision = plans_service.load_revision(current.id, with_calendar=True)
    campaign = next((c for c in revision.campaigns if c.id == campaign_id), None)
    if campaign is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        campaigns, calendar = plans_service.revision_data(revision)
        key = campaign.key
        campaigns = [c for c in campaigns if c.key != key]
        for item in calendar:
            if item.campaign_key == key:
                item.campaign_key = None
        try:
            plans_service.save_revision(
                plan, campaigns=campaigns, calendar=calendar, author=current_user
            )
        except ServiceError as err:
            flash(err.message, "error")
        else:
            flash(_("Campaign removed."), "success")
        return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/campaign_delete.html", plan=plan, campaign=campaign, form=form)
