"""The agency's methodology: rule settings for the alignment engine, per agency and brand.

* ``/settings/methodology``: the agency's defaults for every rule, and when waiting plans
  remind people.  Owners change them; consultants read them.
* ``/brands/<brand_id>/methodology``: one brand's overrides, each field able to inherit
  the agency's value, with "Reset to agency" per rule and the effective value shown.

Views stay thin: role check, scoped load, one service call, render.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale
from flask_login import login_required

from saas.domain.alignment import messages
from saas.domain.alignment.rules import RULES, SEVERITIES
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models import Brand
from saas.presentation.labels.plans import OBJECTIVE_LABELS
from saas.presentation.labels.reviews import SEVERITY_BADGES
from saas.presentation.lessons import lesson_for
from saas.services import methodology
from saas.services.errors import ServiceError
from saas.web.common import current_role
from saas.web.methodology.forms import ReminderForm, ResetForm, RuleForm, rule_form

bp = Blueprint("methodology", __name__)

PARAM_LABELS = {
    "threshold_percent": _l("Minimum audience share (%)"),
    "max_gap_days": _l("Longest gap (days)"),
    "min_rating": _l("Lowest team rating that passes (1–4)"),
    "ranges": _l("Duration in days, by objective"),
}


def _require_view() -> None:
    if current_role() not in methodology.VIEW_ROLES:
        abort(403)


def _require_edit() -> None:
    if current_role() not in methodology.EDIT_ROLES:
        abort(403)


def can_edit() -> bool:
    return current_role() in methodology.EDIT_ROLES


def _locale() -> str:
    return str(get_locale() or "en")


def _rule_name(rule_id: str) -> str:
    """The engine's short title for the rule, in the viewer's language."""
    return messages.rule_name(rule_id, _locale())


def _describe(rule_id: str) -> str:
    """The engine's description of the rule, in the viewer's language."""
    return messages.describe(rule_id, _locale())


def _label(kind: str, value: str) -> str:
    return messages.label(kind, value, _locale())


def _severity_text(rule_id: str, severity: str | None) -> str:
    """A severity in words; ``None`` is the rule's own choice."""
    if severity is None and rule_id == "goal_uncovered":
        return _("by goal priority")
    return _label("severity", severity or RULES[rule_id].severity)


def _labels() -> dict[str, Any]:
    return {
        "severity_labels": {s: _label("severity", s) for s in SEVERITIES},
        "on_label": _("On"),
        "off_label": _("Off"),
    }


def _build_forms(
    views: list[methodology.RuleView], brand: Brand | None, posted: tuple[str, RuleForm] | None
) -> dict[str, RuleForm]:
    forms: dict[str, RuleForm] = {}
    for view in views:
        if posted is not None and posted[0] == view.rule:
            forms[view.rule] = posted[1]
            continue
        forms[view.rule] = _form_for(view, brand, formdata=None)
    return forms


def _form_for(view: methodology.RuleView, brand: Brand | None, formdata: Any) -> RuleForm:
    if brand is None:
        layer, inherited, inherit_label = view.agency, view.default, _("Built-in")
    else:
        layer, inherited, inherit_label = view.brand, view.inherited, _("Agency")
    return rule_form(
        view.rule,
        layer=layer,
        inherited=inherited,
        inherit_label=inherit_label,
        formdata=formdata,
        inherited_severity=_severity_text(view.rule, inherited.severity),
        **_labels(),
    )


def _posted_rule(views: list[methodology.RuleView]) -> methodology.RuleView | None:
    rule = request.form.get("rule", "")
    return next((v for v in views if v.rule == rule), None)


def _render(
    template: str,
    views: list[methodology.RuleView],
    forms: dict[str, RuleForm],
    brand: Brand | None = None,
    status: int = 200,
    **extra: Any,
) -> ResponseReturnValue:
    return (
        render_template(
            template,
            views=views,
            forms=forms,
            brand=brand,
            can_edit=can_edit(),
            rule_name=_rule_name,
            param_labels=PARAM_LABELS,
            objective_label=lambda value: str(OBJECTIVE_LABELS.get(value, value)),
            severity_badges=SEVERITY_BADGES,
            describe=_describe,
            severity_text=_severity_text,
            number=lambda value: format_decimal(value, format="#,##0.##"),
            **extra,
        ),
        status,
    )


def _save_rule(brand: Brand | None) -> tuple[str, RuleForm] | None:
    """Handle a POST for one rule.  None on success (flashed); else the form with errors."""
    views = methodology.rule_views(brand.id if brand is not None else None)
    view = _posted_rule(views)
    if view is None:
        flash(_("Choose a rule to change."), "error")
        return None
    form = _form_for(view, brand, formdata=request.form)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(_("This form has expired. Please try again."), "error")
        return view.rule, form
    try:
        if brand is None:
            methodology.save_agency_rule(view.rule, **form.values())
        else:
            methodology.save_brand_override(brand.id, view.rule, **form.values())
    except ServiceError as exc:
        if not form.place_errors(exc.fields):
            flash(exc.message, "error")
        return view.rule, form
    flash(_("Saved: %(rule)s.", rule=_rule_name(view.rule)), "success")
    return None


# --- Agency ---------------------------------------------------------------------------------


@bp.route("/settings/methodology", methods=["GET", "POST"])
@login_required
def agency() -> ResponseReturnValue:
    _require_view()
    posted = None
    if request.method == "POST":
        _require_edit()
        posted = _save_rule(None)
        if posted is None:
            return redirect(url_for("methodology.agency"))
    views = methodology.rule_views()
    reminder_form = ReminderForm(
        formdata=None, data={"review_reminder_days": str(g.agency.review_reminder_days)}
    )
    return _render(
        "methodology/agency.html",
        views,
        _build_forms(views, None, posted),
        reminder_form=reminder_form,
        status=422 if posted is not None else 200,
    )


@bp.route("/settings/methodology/reminders", methods=["POST"])
@login_required
def reminders() -> ResponseReturnValue:
    _require_view()
    _require_edit()
    form = ReminderForm()
    if form.validate_on_submit():
        try:
            methodology.save_reminder_days(g.agency, form.review_reminder_days.data)
        except ServiceError as exc:
            form.review_reminder_days.errors = [exc.fields.get("review_reminder_days", exc.message)]
        else:
            flash(_("Review reminders saved."), "success")
            return redirect(url_for("methodology.agency"))
    views = methodology.rule_views()
    return _render(
        "methodology/agency.html",
        views,
        _build_forms(views, None, None),
        reminder_form=form,
        status=422,
    )


# --- Brand ----------------------------------------------------------------------------------


@bp.route("/brands/<int:brand_id>/methodology", methods=["GET", "POST"])
@login_required
def brand(brand_id: int) -> ResponseReturnValue:
    _require_view()
    brand = get_or_404(Brand, brand_id)
    posted = None
    if request.method == "POST":
        _require_edit()
        posted = _save_rule(brand)
        if posted is None:
            return redirect(url_for("methodology.brand", brand_id=brand.id))
    views = methodology.rule_views(brand.id)
    return _render(
        "methodology/brand.html",
        views,
        _build_forms(views, brand, posted),
        brand=brand,
        reset_form=ResetForm(formdata=None),
        status=422 if posted is not None else 200,
    )


@bp.route("/brands/<int:brand_id>/methodology/reset", methods=["POST"])
@login_required
def reset(brand_id: int) -> ResponseReturnValue:
    _require_view()
    brand = get_or_404(Brand, brand_id)
    _require_edit()
    form = ResetForm()
    rule = form.rule.data or ""
    if not form.validate_on_submit() or rule not in RULES:
        flash(_("Choose a rule to reset."), "error")
    elif methodology.clear_brand_override(brand.id, rule):
        flash(
            _(
                "%(rule)s follows the agency's setting again.",
                rule=_rule_name(rule),
            ),
            "success",
        )
    return redirect(url_for("methodology.brand", brand_id=brand.id))


# --- Lessons --------------------------------------------------------------------------------


@bp.route("/methodology/lessons/<rule>")
@login_required
def lesson(rule: str) -> ResponseReturnValue:
    """The lesson behind a rule's findings; anyone in the agency may read it (findings link
    here for client team members too).  An unknown rule is a 404."""
    found = lesson_for(rule) if rule in RULES else None
    if found is None:
        abort(404)
    return render_template(
        "methodology/lesson.html",
        rule=rule,
        lesson=found,
        rule_title=_rule_name(rule),
        description=_describe(rule),
        can_view_methodology=current_role() in methodology.VIEW_ROLES,
    )
