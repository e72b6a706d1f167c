"""Web views: a brand's company goals (with check-ins and a progress chart) and audiences.

Thin: permission decorator, a scoped load, one service call, render.  The tenant and brand
scope is applied centrally, so another agency's (or brand's) id is simply a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale

from saas.domain.vocabulary import NETWORKS
from saas.extensions import db
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import text_direction, use_brand
from saas.models import Audience, Brand, Goal
from saas.presentation import charts
from saas.presentation.labels.goals import (
    GOAL_STATUS_LABELS,
    PRIORITY_LABELS,
    PROGRESS_BADGES,
    PROGRESS_LABELS,
)
from saas.presentation.labels.plans import NETWORK_LABELS
from saas.services import audiences as audiences_service
from saas.services import goals as goals_service
from saas.services.errors import ServiceError
from saas.web.common import current_role, require
from saas.web.forms import show_errors
from saas.web.goals.forms import AudienceForm, CheckinForm, GoalForm

bp = Blueprint("goals", __name__)


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def num(value: float | None) -> str:
    """A number in the reader's locale ("1,234.5" / "1٬234٫5")."""
    if value is None:
        return "—"
    return format_decimal(value)


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "num": num,
        "PRIORITY_LABELS": PRIORITY_LABELS,
        "GOAL_STATUS_LABELS": GOAL_STATUS_LABELS,
        "PROGRESS_LABELS": PROGRESS_LABELS,
        "PROGRESS_BADGES": PROGRESS_BADGES,
        "NETWORK_LABELS": NETWORK_LABELS,
        "can_edit_goals": goals_service.can_edit(current_role()),
        "can_edit_audiences": audiences_service.can_edit(current_role()),
        **extra,
    }


def _chart_options() -> dict[str, Any]:
    return {"locale": str(get_locale()), "rtl": text_direction() == "rtl"}


# --- goals --------------------------------------------------------------------------------


@bp.route("/brands/<int:brand_id>/goals")
@require("goal.view")
def index(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    page, per_page = page_args(current_app.config.get("GOALS_PER_PAGE", 50))
    result = paginate(goals_service.for_brand(brand.id), page, per_page)
    rows = goals_service.rows(result.items, goals_service.brand_today(brand))
    return render_template("goals/index.html", **_context(brand=brand, page=result, rows=rows))


@bp.route("/brands/<int:brand_id>/goals/new", methods=["GET", "POST"])
@require("goal.edit")
def new(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goal = goals_service.create(g.membership, brand, form.values())
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Goal added."), "success")
            return redirect(url_for("goals.show", goal_id=goal.id), code=303)
    status = 422 if form.errors else 200
    return render_template("goals/form.html", **_context(brand=brand, form=form, goal=None)), status


def _goal(goal_id: int) -> tuple[Goal, Brand]:
    goal = get_or_404(Goal, goal_id)
    return goal, _brand(goal.brand_id)


def _render_goal(
    goal: Goal, brand: Brand, checkin_form: CheckinForm, status: int = 200
) -> ResponseReturnValue:
    checkins = list(db.session.scalars(goals_service.checkins_of(goal)))
    today = goals_service.brand_today(brand)
    latest = checkins[-1] if checkins else None
    progress = goals_service.progress_of(goal, latest, today)
    unit = f" ({goal.unit})" if goal.unit else ""
    chart = charts.line_chart(
        [(c.date, c.value) for c in checkins],
        target=goal.target,
        baseline=goal.baseline,
        title=_("Progress of “%(title)s”%(unit)s", title=goal.title, unit=unit),
        empty_message=_("No check-ins yet"),
        **_chart_options(),
    )
    return render_template(
        "goals/show.html",
        **_context(
            brand=brand,
            goal=goal,
            checkins=list(reversed(checkins)),
            latest=latest,
            progress=progress,
            chart=chart,
            form=checkin_form,
            today=today,
        ),
    ), status


@bp.route("/goals/<int:goal_id>")
@require("goal.view")
def show(goal_id: int) -> ResponseReturnValue:
    goal, brand = _goal(goal_id)
    form = CheckinForm()
    form.date.data = goals_service.brand_today(brand).isoformat()
    return _render_goal(goal, brand, form)


@bp.route("/goals/<int:goal_id>/checkins", methods=["POST"])
@require("goal.edit")
def add_checkin(goal_id: int) -> ResponseReturnValue:
    goal, brand = _goal(goal_id)
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            goals_service.add_checkin(
                g.membership, goal, form.values(), today=goals_service.brand_today(brand)
            )
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Check-in saved."), "success")
            return redirect(url_for("goals.show", goal_id=goal.id), code=303)
    return _render_goal(goal, brand, form, 422)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@require("goal.edit")
def edit(goal_id: int) -> ResponseReturnValue:
    goal, brand = _goal(goal_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals_service.update(g.membership, goal, form.values())
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("goals.show", goal_id=goal.id), code=303)
    elif not form.is_submitted():
        form.fill(goal)
    status = 422 if form.errors else 200
    return render_template("goals/form.html", **_context(brand=brand, form=form, goal=goal)), status


# --- audiences ----------------------------------------------------------------------------


@bp.route("/brands/<int:brand_id>/audiences")
@require("goal.view")
def audiences(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    page, per_page = page_args(50)
    result = paginate(audiences_service.for_brand(brand.id), page, per_page)
    options = _chart_options()
    charts_by_id = {}
    for audience in result.items:
        shares = audiences_service.shares(audience)
        items = [
            (str(NETWORK_LABELS.get(n, n)), shares[n])
            for n in sorted(shares, key=lambda n: (-shares[n], NETWORKS.index(n)))
        ]
        charts_by_id[audience.id] = charts.bar_chart(
            items,
            max_value=100,
            percent=True,
            title=_("Networks used by “%(name)s”", name=audience.name),
            empty_message=_("No networks listed yet"),
            **options,
        )
    return render_template(
        "audiences/index.html",
        **_context(brand=brand, page=result, charts=charts_by_id),
    )


def _audience_form_page(
    brand: Brand, form: AudienceForm, audience: Audience | None, status: int
) -> ResponseReturnValue:
    return render_template(
        "audiences/form.html",
        **_context(brand=brand, form=form, audience=audience, networks_error=_networks_error(form)),
    ), status


def _networks_error(form: AudienceForm) -> str | None:
    return getattr(form, "networks_error", None)


def _save_audience(form: AudienceForm, save: Any) -> bool:
    values = form.values()
    try:
        save(values)
    except ServiceError as err:
        rename = {f"networks.{i}.share": name for i, name in enumerate(form.row_fields)}
        fields = dict(err.fields)
        form.networks_error = fields.pop("networks", None)
        err.fields = fields
        if fields or not form.networks_error:
            show_errors(form, err, rename)
        return False
    return True


@bp.route("/brands/<int:brand_id>/audiences/new", methods=["GET", "POST"])
@require("audience.edit")
def new_audience(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = AudienceForm()
    if form.validate_on_submit() and _save_audience(
        form, lambda v: audiences_service.create(g.membership, brand, v)
    ):
        flash(_("Audience added."), "success")
        return redirect(url_for("goals.audiences", brand_id=brand.id), code=303)
    failed = form.errors or _networks_error(form)
    return _audience_form_page(brand, form, None, 422 if failed else 200)


@bp.route("/audiences/<int:audience_id>/edit", methods=["GET", "POST"])
@require("audience.edit")
def edit_audience(audience_id: int) -> ResponseReturnValue:
    audience = get_or_404(Audience, audience_id)
    brand = _brand(audience.brand_id)
    form = AudienceForm()
    if form.validate_on_submit():
        if _save_audience(form, lambda v: audiences_service.update(g.membership, audience, v)):
            flash(_("Changes saved."), "success")
            return redirect(url_for("goals.audiences", brand_id=brand.id), code=303)
    elif not form.is_submitted():
        form.fill(audience)
    failed = form.errors or _networks_error(form)
    return _audience_form_page(brand, form, audience, 422 if failed else 200)
