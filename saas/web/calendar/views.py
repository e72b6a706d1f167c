"""The content calendar month view, and CSV export and import of a plan's content.

Thin views: permission decorator, a scoped load, one service call, render.  Another
tenant's (or, for client users, another brand's) plan or brand is simply not found: 404.
"""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.core import get_global
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from saas.domain import plan_workflow
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand, Plan
from saas.presentation.labels.plans import CALENDAR_STATUS_LABELS, FORMAT_LABELS, NETWORK_LABELS
from saas.services import calendar as calendar_service
from saas.services import plan_csv, plans
from saas.services.errors import NotFound, ServiceError
from saas.web.calendar.forms import ImportForm
from saas.web.common import current_role, require

bp = Blueprint("calendar", __name__)

SHOWN_ERRORS = plan_csv.MAX_REPORTED_ERRORS


def first_week_day(locale: Locale) -> int:
    """The first day of the week for the reader's language (0 = Monday).

    A bare language ("ar", "en") has no territory, for which CLDR says Monday; the language's
    most likely territory (Egypt, the United States) gives what readers expect.
    """
    if locale.territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            try:
                return Locale.parse(likely).first_week_day
            except (ValueError, TypeError):
                pass
    return locale.first_week_day


def _plan_or_404(plan_id: int) -> Plan:
    try:
        return plans.get_plan(plan_id, current_role())
    except NotFound:
        abort(404)


def _plan_url(plan: Plan) -> str:
    return url_for("plans.show", plan_id=plan.id)


@bp.route("/brands/<int:brand_id>/calendar")
@require("plan.view")
def month(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    role = current_role()
    today = calendar_service.today_in(brand.timezone)
    first = calendar_service.parse_month(request.args.get("month"), today)
    live_plans = calendar_service.plans_for(brand.id, role)
    plan_id = request.args.get("plan", type=int)
    if plan_id not in {pid for pid, _title in live_plans}:
        plan_id = None
    locale = get_locale()
    week_start = first_week_day(locale)
    view = calendar_service.month(
        brand.id, first, role=role, first_weekday=week_start, plan_id=plan_id
    )
    order = [(week_start + i) % 7 for i in range(7)]
    weekdays = [
        (locale.days["format"]["abbreviated"][d], locale.days["format"]["wide"][d]) for d in order
    ]

    def month_link(target: date | None) -> str | None:
        if target is None:
            return None
        return url_for(
            "calendar.month", brand_id=brand.id, month=target.strftime("%Y-%m"), plan=plan_id
        )

    return render_template(
        "calendar/month.html",
        brand=brand,
        view=view,
        weekdays=weekdays,
        today=today,
        plans=live_plans,
        plan_id=plan_id,
        prev_url=month_link(calendar_service.shift_month(first, -1)),
        next_url=month_link(calendar_service.shift_month(first, 1)),
        today_url=month_link(today.replace(day=1)),
        network_labels=NETWORK_LABELS,
        format_labels=FORMAT_LABELS,
        status_labels=CALENDAR_STATUS_LABELS,
    )


@bp.route("/plans/<int:plan_id>/export/<any(campaigns, calendar):kind>.csv")
@require("plan.view")
def export_csv(plan_id: int, kind: str) -> ResponseReturnValue:
    plan = _plan_or_404(plan_id)
    revision = None
    if request.args.get("revision"):
        try:
            revision = plans.get_revision(plan, number=request.args["revision"])
        except NotFound:
            abort(404)
    data = plan_csv.export_csv(plan, kind, revision)
    response = Response(data, content_type="text/csv; charset=utf-8")
    suffix = f"-r{revision.number}" if revision is not None else ""
    response.headers["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.id}{suffix}-{kind}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
@require("plan.draft")
def import_csv(plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(plan_id)
    brand = get_or_404(Brand, plan.brand_id)
    use_brand(brand)
    editable = plan_workflow.can_edit(plan.status, current_role() or "")
    form = ImportForm()
    if request.method == "GET" and request.args.get("kind") in plan_csv.KINDS:
        form.kind.data = request.args["kind"]
    errors: list[plan_csv.RowError] = []
    if editable and form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, _("Choose a CSV file to import.")]
        else:
            data = upload.stream.read(plan_csv.MAX_BYTES + 1)
            try:
                result = plan_csv.import_csv(
                    plan, form.kind.data, data, upload.filename, g.membership
                )
            except plan_csv.ImportRejected as err:
                errors = err.errors
            except ServiceError as err:
                flash(err.message, "error")
            else:
                if result.kind == "campaigns":
                    message = _(
                        "Imported %(count)s campaigns into revision %(number)s.",
                        count=result.count,
                        number=result.revision.number,
                    )
                else:
                    message = _(
                        "Imported %(count)s calendar items into revision %(number)s.",
                        count=result.count,
                        number=result.revision.number,
                    )
                flash(message, "success")
                if result.detached:
                    flash(
                        _(
                            "%(count)s calendar items belonged to campaigns that are no longer "
                            "in the plan. They are kept, without a campaign.",
                            count=result.detached,
                        ),
                        "warning",
                    )
                return redirect(_plan_url(plan), code=303)
    failed = bool(errors or form.errors)
    return render_template(
        "calendar/import.html",
        plan=plan,
        brand=brand,
        form=form,
        editable=editable,
        errors=errors[:SHOWN_ERRORS],
        hidden_errors=max(0, len(errors) - SHOWN_ERRORS),
        error_count=len(errors),
        plan_url=_plan_url(plan),
        campaign_headers=plan_csv.CAMPAIGN_HEADERS,
        calendar_headers=plan_csv.CALENDAR_HEADERS,
        max_mb=plan_csv.MAX_BYTES >> 20,
        max_rows=plan_csv.MAX_ROWS,
    ), 422 if failed else 200
