"""Web views: a brand's reports (request, live status, download) and share links.

Thin: permission decorator, a scoped load, one service call, render.  Reports are
brand-scoped, so another agency's or another brand's report is simply a 404.  Client
users see ready reports only; staff request and share them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel.lists import format_list
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from saas.extensions import db
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models.reports import Report, ReportShare
from saas.presentation.labels.reports import LOCALE_LABELS, STATUS_BADGES, STATUS_LABELS
from saas.services import reports as service
from saas.services.errors import Gone, ServiceError
from saas.services.report_content import SECTION_TITLES, section_names
from saas.web.common import current_role, require
from saas.web.forms import show_errors
from saas.web.reports.forms import ConfirmForm, RequestReportForm, ShareForm
from tenants.context import tenant_scope
from tenants.models import Brand

bp = Blueprint("reports", __name__)


def _section_titles() -> dict[str, Any]:
    return {name: SECTION_TITLES.get(name, name) for name in section_names()}


def _is_staff() -> bool:
    return service.can_request(current_role())


def _size(value: int | None) -> str:
    if not value:
        return "—"
    if value < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(round(value / 1024, 1)))
    return _("%(n)s MB", n=format_decimal(round(value / 1024 / 1024, 1)))


def _section_list(names: list[str] | None) -> str:
    """The report's sections as words, joined the locale's way (Arabic commas in Arabic)."""
    titles = _section_titles()
    words = [str(titles.get(n, n)) for n in names or []]
    return format_list(words, locale=str(get_locale() or "en")) if words else "—"


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "LOCALE_LABELS": LOCALE_LABELS,
        "SECTION_TITLES": _section_titles(),
        "is_staff": _is_staff(),
        "size": _size,
        "section_list": _section_list,
        "format_date": format_date,
        "format_decimal": format_decimal,
        "format_datetime": format_datetime,
        **extra,
    }


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def _report(report_id: int) -> Report:
    """A report in scope; client users see only ready ones."""
    report = get_or_404(Report, report_id)
    if not _is_staff() and not service.client_may_see(report):
        abort(404)
    return report


def _current_quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + 1, 1, 1) if first_month == 10 else date(today.year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def _request_form(brand: Brand, formdata: Any = None) -> RequestReportForm:
    start, end = _current_quarter(date.today())
    form = RequestReportForm(
        formdata=formdata,
        period_start=start,
        period_end=end,
        locale=brand.language if brand.language in service.LOCALES else "en",
        sections=list(section_names()),
    )
    titles = _section_titles()
    form.sections.choices = [SelectChoice(name, titles[name]) for name in section_names()]
    form.recipient_ids.choices = [
        SelectChoice(m.id, m.user.name or m.user.email) for m in service.eligible_recipients(brand)
    ]
    return form


@bp.route("/brands/<int:brand_id>/reports", methods=["GET", "POST"])
@require("brand.view")
def index(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = None
    status = 200
    if _is_staff():
        form = _request_form(brand, request.form if request.method == "POST" else None)
        if request.method == "POST":
            if form.validate():
                try:
                    report, created = service.request_report(
                        brand,
                        g.membership,
                        locale=form.locale.data,
                        period_start=form.period_start.data,
                        period_end=form.period_end.data,
                        sections=form.sections.data or [],
                        recipient_ids=form.recipient_ids.data or [],
                    )
                except ServiceError as err:
                    db.session.rollback()
                    show_errors(form, err)
                else:
                    if not created:
                        flash(_("The same report is already being prepared."), "info")
                    return redirect(url_for("reports.show", report_id=report.id))
            status = 422
    elif request.method == "POST":
        abort(403)

    page = paginate(service.reports_query(brand.id, g.membership.role), *page_args())
    return (
        render_template(
            "reports/pages/index.html",
            **_context(brand=brand, page=page, reports=page.items, form=form),
        ),
        status,
    )


@bp.route("/reports/<int:report_id>")
@require("brand.view")
def show(report_id: int) -> ResponseReturnValue:
    report = _report(report_id)
    brand = _brand(report.brand_id)
    shares = service.list_shares(report) if _is_staff() else []
    response = make_response(
        render_template(
            "reports/pages/show.html",
            **_context(
                brand=brand,
                report=report,
                shares=shares,
                share_form=ShareForm() if _is_staff() and report.status == "ready" else None,
                again_form=ConfirmForm() if _is_staff() else None,
                new_link=None,
            ),
        )
    )
    if report.status in ("queued", "rendering"):
        response.headers["Refresh"] = "2"  # live progress without JavaScript
    return response


@bp.route("/reports/<int:report_id>/again", methods=["POST"])
@require("review.conduct")
def again(report_id: int) -> ResponseReturnValue:
    """Request the same report again (after a failure, or for a fresh copy)."""
    report = _report(report_id)
    brand = _brand(report.brand_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        new, _created = service.request_report(
            brand,
            g.membership,
            locale=report.locale,
            period_start=report.period_start,
            period_end=report.period_end,
            sections=report.sections,
            recipient_ids=report.recipient_ids or [],
        )
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("reports.show", report_id=report.id))
    return redirect(url_for("reports.show", report_id=new.id))


def _pdf_response(report: Report, brand_name: str, *, inline: bool) -> ResponseReturnValue:
    path = service.file_for(report)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=not inline,
        download_name=service.download_name(report, brand_name),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reports/<int:report_id>/pdf")
@require("brand.view")
def pdf(report_id: int) -> ResponseReturnValue:
    report = _report(report_id)
    if report.status != "ready":
        abort(404)
    brand = get_or_404(Brand, report.brand_id)
    return _pdf_response(report, brand.name, inline=False)


@bp.route("/reports/<int:report_id>/shares", methods=["POST"])
@require("review.conduct")
def share(report_id: int) -> ResponseReturnValue:
    report = _report(report_id)
    brand = _brand(report.brand_id)
    form = ShareForm()
    new_link = None
    status = 200
    if form.validate_on_submit():
        try:
            _share, raw = service.create_share(
                report, g.membership, label=form.label.data, expires_days=form.expires_days.data
            )
        except ServiceError as err:
            db.session.rollback()
            show_errors(form, err)
            status = 422
        else:
            new_link = url_for("reports.public", token=raw, _external=True)
            form = ShareForm(formdata=None)
    else:
        status = 422
    response = make_response(
        render_template(
            "reports/pages/show.html",
            **_context(
                brand=brand,
                report=report,
                shares=service.list_shares(report),
                share_form=form,
                again_form=ConfirmForm(),
                new_link=new_link,
            ),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # the link is shown once
    return response


@bp.route("/reports/<int:report_id>/shares/<int:share_id>/revoke", methods=["GET", "POST"])
@require("review.conduct")
def revoke_share(report_id: int, share_id: int) -> ResponseReturnValue:
    report = _report(report_id)
    brand = _brand(report.brand_id)
    item = get_or_404(ReportShare, share_id, ReportShare.report_id == report.id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        service.revoke_share(item, g.membership)
        flash(_("The link no longer opens the report."), "success")
        return redirect(url_for("reports.show", report_id=report.id))
    return render_template(
        "reports/pages/revoke.html", **_context(brand=brand, report=report, share=item, form=form)
    )


@bp.route("/r/<token>")
def public(token: str) -> ResponseReturnValue:
    """A share link: no login; the token names the tenant, which is entered explicitly."""
    found = service.find_share(token)
    if found is None:
        abort(404)
    with tenant_scope(found.agency_id, brand_ids=[found.brand_id]):
        try:
            report = service.open_share(found.id)
        except Gone as err:
            db.session.rollback()
            return render_template("reports/pages/gone.html", message=err.message), 410
        brand = db.session.scalar(select(Brand).where(Brand.id == report.brand_id))
        response = _pdf_response(report, brand.name if brand else "report", inline=True)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
