"""Web views: a brand's scheduled reports, and the consultant's review of held reports.

Thin, like every view: parse → authorise (``require`` + the tenant scope through
``get_or_404``) → one service call → render.  Staff only: ``review.conduct`` is the
owners-and-consultants permission.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.i18n import use_brand
from saas.models import Brand
from saas.models.reports import Report, ReportSchedule
from saas.services import report_schedules as service
from saas.services.errors import ServiceError
from saas.services.report_content import SECTION_TITLES, section_names
from saas.web.common import require
from saas.web.forms import TandemForm, coerce_id, show_errors

schedules_bp = Blueprint("report_schedules", __name__)

STAFF_PERMISSION = "review.conduct"


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ScheduleForm(TandemForm):
    frequency = SelectField(
        _l("How often"),
        choices=[
            SelectChoice("monthly", _l("Monthly")),
            SelectChoice("quarterly", _l("Quarterly")),
        ],
        validate_choice=False,
    )
    locale = SelectField(
        _l("Language of the report"),
        choices=[
            SelectChoice("en", "English", render_kw={"lang": "en"}),
            SelectChoice("ar", "العربية", render_kw={"lang": "ar"}),
        ],
        validate_choice=False,
    )
    sections = MultiCheckboxField(_l("Sections"), validate_choice=False)
    recipient_ids = MultiCheckboxField(_l("Send to"), coerce=coerce_id, validate_choice=False)
    hold_for_review = BooleanField(_l("Hold each report for a consultant's approval"))

    def values(self) -> dict:
        return {
            "frequency": self.frequency.data,
            "locale": self.locale.data,
            "sections": self.sections.data or [],
            "recipient_ids": self.recipient_ids.data or [],
            "hold_for_review": self.hold_for_review.data,
        }


class SummaryForm(TandemForm):
    summary = TextAreaField(_l("Executive summary"), render_kw={"rows": 10, "maxlength": 5000})


class ConfirmForm(TandemForm):
    """An empty form: the POST carries only the CSRF token."""


def section_titles() -> list[SelectChoice]:
    return [SelectChoice(name, str(SECTION_TITLES.get(name, name))) for name in section_names()]


@schedules_bp.route("/brands/<int:brand_id>/report-schedules", methods=["GET", "POST"])
@require(STAFF_PERMISSION)
def index(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    leaders = service.brand_leaders(brand)
    form = ScheduleForm()
    form.sections.choices = section_titles()
    form.recipient_ids.choices = [SelectChoice(m.id, m.user.name or m.user.email) for m in leaders]
    if not form.is_submitted():
        form.sections.data = list(section_names())
        form.recipient_ids.data = [m.id for m in leaders]
        form.locale.data = brand.language if brand.language in ("en", "ar") else "en"
    status = 200
    if form.validate_on_submit():
        try:
            service.create(brand, g.membership, form.values())
        except ServiceError as err:
            show_errors(form, err)
            status = err.status
        else:
            flash(_("Report schedule saved."), "success")
            return redirect(url_for(".index", brand_id=brand.id), code=303)
    elif form.is_submitted():
        status = 422
    names = {m.id: (m.user.name or m.user.email) for m in leaders}
    return render_template(
        "reports/schedules/index.html",
        brand=brand,
        form=form,
        schedules=service.list_for(brand),
        held=service.held_reports(brand),
        recipient_names=names,
    ), status


@schedules_bp.route(
    "/brands/<int:brand_id>/report-schedules/<int:schedule_id>/deactivate",
    methods=["GET", "POST"],
)
@require(STAFF_PERMISSION)
def deactivate(brand_id: int, schedule_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    schedule = get_or_404(ReportSchedule, schedule_id, ReportSchedule.brand_id == brand.id)
    use_brand(brand)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.deactivate(schedule, g.membership)
        flash(_("Report schedule stopped."), "success")
        return redirect(url_for(".index", brand_id=brand.id), code=303)
    return render_template(
        "reports/schedules/confirm.html", brand=brand, schedule=schedule, form=form
    )


@schedules_bp.route("/reports/<int:report_id>/approve", methods=["POST"])
@require(STAFF_PERMISSION)
def approve(report_id: int) -> ResponseReturnValue:
    report = get_or_404(Report, report_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.approve_held(report, g.membership)
    except ServiceError as err:
        flash(err.message, "error")
    else:
        flash(_("Report approved and sent to its recipients."), "success")
    return redirect(url_for(".index", brand_id=report.brand_id), code=303)


@schedules_bp.route("/reports/<int:report_id>/summary", methods=["GET", "POST"])
@require(STAFF_PERMISSION)
def summary(report_id: int) -> ResponseReturnValue:
    report = get_or_404(Report, report_id)
    brand = get_or_404(Brand, report.brand_id)
    use_brand(brand)
    form = SummaryForm()
    if not form.is_submitted():
        form.summary.data = report.summary_override or ""
    status = 200
    if form.validate_on_submit():
        try:
            service.edit_summary(report, g.membership, form.summary.data)
        except ServiceError as err:
            show_errors(form, err)
            status = err.status
        else:
            flash(_("Summary saved. The report is being rendered again."), "success")
            return redirect(url_for(".index", brand_id=brand.id), code=303)
    return render_template(
        "reports/schedules/summary.html", brand=brand, report=report, form=form
    ), status
