"""Web views: adding, editing and removing a plan's campaigns.

Every save goes through ``save_revision`` with the whole revision's content, so it lands
in the plan's working draft (one per review cycle) and never changes a submitted revision.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from saas.domain import plan_workflow as workflow
from saas.http import is_ascii_digits
from saas.i18n import gettext as _
from saas.models import Campaign, Goal, Plan, PlanRevision
from saas.services import plans as plans_service
from saas.services.errors import ServiceError
from saas.services.plans import CampaignData, EditConflict, parse_version
from saas.web.common import require
from saas.web.plans.common import bp, brand_of, load_plan, num, require_drafter, role
from saas.web.plans.conflicts import conflict_view
from saas.web.plans.forms import CampaignActionForm, CampaignForm

GoalLinks = list[tuple[int, float | None]]


def _editable_plan(plan_id: int) -> tuple[Plan, PlanRevision | None]:
    """The plan and its current revision; no revision (and a message) when it cannot change."""
    plan = load_plan(plan_id)
    require_drafter()
    brand_of(plan.brand_id)
    if not workflow.can_edit(plan.status, role()):
        flash(_("A plan that is in review, approved or archived cannot be changed."), "error")
        return plan, None
    return plan, plans_service.current_revision(plan)


def _back_to_plan(plan: Plan) -> ResponseReturnValue:
    return redirect(url_for("plans.show", plan_id=plan.id))


def _campaign_form_context(plan: Plan, form: CampaignForm) -> dict[str, Any]:
    goals = plans_service.brand_goals(plan.brand_id)
    audiences = plans_service.brand_audiences(plan.brand_id)
    form.audience_id.choices = [SelectChoice("", _("No audience yet"))] + [
        SelectChoice(str(a.id), a.name) for a in audiences
    ]
    return {"goals": goals, "audiences": audiences}


def _links_from_request(goals: list[Goal]) -> tuple[GoalLinks, str | None]:
    """The goal checkboxes and their contribution numbers, as (goal id, contribution)."""
    links: GoalLinks = []
    known = {goal.id for goal in goals}
    for raw in request.form.getlist("goal_ids"):
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


def _chosen_from_request() -> dict[int, str]:
    out = {}
    for raw in request.form.getlist("goal_ids"):
        if is_ascii_digits(raw):
            out[int(raw)] = request.form.get(f"contribution_{raw}", "")
    return out


def _campaign_from_form(form: CampaignForm, links: GoalLinks, key: str | None) -> CampaignData:
    """The form's fields are named as ``CampaignData``'s; blanks become ``None``."""
    data = form.data
    audience = data["audience_id"]
    values = {
        **data,
        "name": data["name"] or "",
        "networks": list(data["networks"] or []),
        "kpi": data["kpi"] or None,
        "audience_id": int(audience) if is_ascii_digits(audience) else None,
        "duration_rationale": data["duration_rationale"] or None,
    }
    return replace(CampaignData.from_dict(values), goal_links=links, key=key)


def _place_service_errors(
    form: CampaignForm, ctx: dict[str, Any], err: ServiceError, index: int
) -> None:
    """This campaign's messages next to its fields; anything else as a flash."""
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


def _save_campaign(
    plan: Plan, form: CampaignForm, ctx: dict[str, Any], index: int | None, key: str | None
) -> PlanRevision | None:
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
            plan,
            campaigns=campaigns,
            calendar=calendar,
            author=current_user,
            expected_version=parse_version(form.version.data),
        )
    except EditConflict as err:
        # Both versions beside the form, their input kept; saving again is deliberate.
        conflict = ctx["conflict"] = conflict_view(plan, err, data, key)
        form.version.data = str(plan.version)
        if conflict.campaign_id is not None:
            ctx["form_action"] = url_for(
                "plans.campaign_edit", plan_id=plan.id, campaign_id=conflict.campaign_id
            )
        elif key is not None:  # the other person removed it: saving again adds it back
            conflict.saved_has_campaign = False
            ctx["form_action"] = url_for("plans.campaign_new", plan_id=plan.id)
        return None
    except ServiceError as err:
        _place_service_errors(form, ctx, err, index)
        return None


def _campaign_page(
    plan: Plan,
    form: CampaignForm,
    ctx: dict[str, Any],
    campaign: Campaign | None,
    index: int | None,
    saved: str,
) -> ResponseReturnValue:
    """Save a POST (then back to the plan with ``saved``), else show the form."""
    if request.method == "POST":
        key = campaign.key if campaign is not None else None
        if _save_campaign(plan, form, ctx, index, key) is not None:
            flash(saved, "success")
            return _back_to_plan(plan)
    if request.method == "GET":
        form.version.data = str(plan.version)
        form.key.data = campaign.key if campaign is not None else ""
    status = 200
    if request.method == "POST":
        status = 409 if ctx.get("conflict") else 422
    return render_template(
        "plans/campaign_form.html", plan=plan, form=form, campaign=campaign, **ctx
    ), status


@bp.route("/plans/<int:plan_id>/campaigns/new", methods=["GET", "POST"])
@require("plan.view")
def campaign_new(plan_id: int) -> ResponseReturnValue:
    plan, current = _editable_plan(plan_id)
    if current is None:
        return _back_to_plan(plan)
    form = CampaignForm()
    ctx = _campaign_form_context(plan, form) | {"current": current}
    if request.method == "GET":
        form.start_date.data = form.start_date.data or plan.period_start
        form.end_date.data = form.end_date.data or plan.period_end
        ctx["chosen_links"] = {}
    return _campaign_page(plan, form, ctx, None, None, _("Campaign added."))


@bp.route("/plans/<int:plan_id>/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@require("plan.view")
def campaign_edit(plan_id: int, campaign_id: int) -> ResponseReturnValue:
    plan, current = _editable_plan(plan_id)
    if current is None:
        return _back_to_plan(plan)
    revision = plans_service.load_revision(current.id, with_calendar=False)
    index = _campaign_index(plan, revision.campaigns, campaign_id)
    if index is None:
        return _campaign_gone(plan, current)
    campaign = revision.campaigns[index]
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    ctx = _campaign_form_context(plan, form) | {"current": current}
    if request.method == "GET":
        form.audience_id.data = str(campaign.audience_id or "")
        form.kpi.data = campaign.kpi or ""
        ctx["chosen_links"] = {
            link.goal_id: num(link.contribution) if link.contribution is not None else ""
            for link in campaign.goal_links
        }
    return _campaign_page(plan, form, ctx, campaign, index, _("Campaign saved."))


def _stale_post(plan: Plan) -> bool:
    """A POST from a page opened on an older version of the plan."""
    sent = parse_version(request.form.get("version"))
    return request.method == "POST" and sent is not None and sent != plan.version


def _campaign_index(plan: Plan, campaigns: list[Campaign], campaign_id: int) -> int | None:
    """The campaign by id; from a stale form by its key (every save gives new ids)."""
    index = next((i for i, c in enumerate(campaigns) if c.id == campaign_id), None)
    key = request.form.get("key") if _stale_post(plan) else None
    if index is None and key:
        index = next((i for i, c in enumerate(campaigns) if c.key == key), None)
    return index


def _campaign_gone(plan: Plan, current: PlanRevision) -> ResponseReturnValue:
    """An edit of a campaign the saved plan no longer has.  From a stale form it is a
    conflict (someone removed it): their input comes back, saving again adds it as a new
    campaign; otherwise the campaign simply does not exist."""
    if not _stale_post(plan):
        abort(404)
    form = CampaignForm()
    ctx = _campaign_form_context(plan, form) | {"current": current}
    _save_campaign(plan, form, ctx, None, request.form.get("key") or None)  # stale: refused
    if ctx.get("conflict") is None:  # the form itself did not validate
        abort(404)
    return render_template(
        "plans/campaign_form.html", plan=plan, form=form, campaign=None, **ctx
    ), 409


@bp.route("/plans/<int:plan_id>/campaigns/<int:campaign_id>/delete", methods=["GET", "POST"])
@require("plan.view")
def campaign_delete(plan_id: int, campaign_id: int) -> ResponseReturnValue:
    plan, current = _editable_plan(plan_id)
    if current is None:
        return _back_to_plan(plan)
    revision = plans_service.load_revision(current.id, with_calendar=True)
    index = _campaign_index(plan, revision.campaigns, campaign_id)
    if index is None:
        if _stale_post(plan):  # someone removed it already: nothing left to do
            flash(_("Someone else already removed this campaign from the plan."), "info")
            return _back_to_plan(plan)
        abort(404)
    campaign = revision.campaigns[index]
    form = CampaignActionForm()
    if not form.validate_on_submit():
        form.version.data = str(plan.version)
        form.key.data = campaign.key
        return render_template(
            "plans/campaign_delete.html", plan=plan, campaign=campaign, form=form
        )
    campaigns, calendar = plans_service.revision_data(revision)
    key = campaign.key
    campaigns = [c for c in campaigns if c.key != key]
    calendar = [
        replace(item, campaign_key=None) if item.campaign_key == key else item for item in calendar
    ]
    try:
        plans_service.save_revision(
            plan,
            campaigns=campaigns,
            calendar=calendar,
            author=current_user,
            expected_version=parse_version(form.version.data),
        )
    except EditConflict as err:
        conflict = conflict_view(plan, err, None, key, removing=True)
        form.version.data = str(plan.version)
        if conflict.campaign_id is None:  # removed meanwhile by the other person
            flash(_("Someone else already removed this campaign from the plan."), "info")
            return _back_to_plan(plan)
        return render_template(
            "plans/campaign_delete.html",
            plan=plan,
            campaign=campaign,
            form=form,
            conflict=conflict,
            form_action=url_for(
                "plans.campaign_delete", plan_id=plan.id, campaign_id=conflict.campaign_id
            ),
        ), 409
    except ServiceError as err:
        flash(err.message, "error")
    else:
        flash(_("Campaign removed."), "success")
    return _back_to_plan(plan)
