"""Client brand workspaces: list, create, overview, edit, archive and restore, consultants.

Views stay thin: permission decorator, a scoped load, one service call, render.  The tenant
(and brand) scope is applied centrally, so nothing here filters by agency or brand.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from saas.extensions import db
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand
from saas.models.reports import Report
from saas.presentation import timezones
from saas.presentation.decisions import for_template as decisions_for_template
from saas.presentation.labels.goals import PRIORITY_LABELS, PROGRESS_BADGES, PROGRESS_LABELS
from saas.presentation.labels.plans import STATUS_BADGES, STATUS_LABELS
from saas.presentation.labels.reports import LOCALE_LABELS as REPORT_LOCALE_LABELS
from saas.presentation.labels.reports import STATUS_BADGES as REPORT_STATUS_BADGES
from saas.presentation.labels.reports import STATUS_LABELS as REPORT_STATUS_LABELS
from saas.presentation.labels.reviews import VERDICT_BADGES, VERDICT_LABELS
from saas.services import brands as brands_service
from saas.services import reports as reports_service
from saas.services import storage
from saas.services.capability.assessments import LEVELS as SKILL_LEVELS
from saas.services.capability.summary import capability_summary
from saas.services.errors import ServiceError
from saas.services.overview import brand_overview
from saas.web.brands.forms import BrandEditForm, BrandForm, ConfirmForm, ConsultantsForm
from saas.web.common import require
from saas.web.forms import show_errors

bp = Blueprint("brands", __name__, url_prefix="/brands")

LOGO_MAX_AGE = 24 * 3600
LATEST_REPORTS = 3


def latest_reports(brand: Brand, role: str, limit: int = LATEST_REPORTS) -> list[Report]:
    """The brand's newest reports for its overview card, in one query whatever their number;
    client users see ready, released ones only (as on the reports page)."""
    return list(db.session.scalars(reports_service.reports_query(brand.id, role).limit(limit)))


@bp.route("/")
@require("brand.view")
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    page, per_page = page_args(current_app.config.get("PER_PAGE", 20))
    result = paginate(brands_service.search(q, archived=archived), page, per_page)
    # A brand-new agency gets the teaching empty state, not "no results".
    no_brands_yet = (
        result.total == 0 and not q and not archived and brands_service.count(archived=True) == 0
    )
    return render_template(
        "brands/index.html",
        page=result,
        q=q,
        archived=archived,
        no_brands_yet=no_brands_yet,
        consultants_of=brands_service.consultants_of,
        logo_version=brands_service.logo_version,
    )


@bp.route("/new", methods=["GET", "POST"])
@require("brand.create")
def new() -> ResponseReturnValue:
    if request.method == "POST":
        form = BrandForm()
    else:
        form = BrandForm(timezone=usual_timezone(), browser_zone=True)
    if form.validate_on_submit():
        try:
            brand = brands_service.create(g.membership, form.values())
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Brand workspace created."), "success")
            return redirect(url_for("brands.show", brand_id=brand.id), code=303)
    return render_template("brands/new.html", form=form), 422 if form.errors else 200


def usual_timezone() -> str:
    """The zone most of the agency's workspaces use (a new one is likely in the same
    market), else the first of the region's common zones; never UTC by accident."""
    usual = db.session.scalar(
        select(Brand.timezone)
        .where(Brand.timezone.is_not(None), Brand.timezone != "UTC")
        .group_by(Brand.timezone)
        .order_by(func.count().desc(), Brand.timezone)
        .limit(1)
    )
    return usual or timezones.COMMON_ZONES[0]


@bp.route("/<int:brand_id>")
@require("brand.view")
def show(brand_id: int) -> ResponseReturnValue:
    found = brands_service.load_with_people(brand_id)
    if found is None:
        abort(404)
    brand = found.brand
    use_brand(brand)
    staff = reports_service.can_request(g.membership.role)
    overview = brand_overview(brand, g.membership.role)
    return render_template(
        "brands/show.html",
        brand=brand,
        overview=overview,
        capability=capability_summary(brand, g.membership.role, team_size=overview.team_size),
        team_url=_team_url(brand),
        SKILL_LEVELS=SKILL_LEVELS,
        PRIORITY_LABELS=PRIORITY_LABELS,
        decisions=decisions_for_template(overview.decisions, str(get_locale())),
        PROGRESS_LABELS=PROGRESS_LABELS,
        PROGRESS_BADGES=PROGRESS_BADGES,
        PLAN_STATUS_LABELS=STATUS_LABELS,
        PLAN_STATUS_BADGES=STATUS_BADGES,
        VERDICT_LABELS=VERDICT_LABELS,
        VERDICT_BADGES=VERDICT_BADGES,
        consultants=found.consultants,
        client_people=found.client_people,
        logo_version=brands_service.logo_version(brand),
        latest_reports=latest_reports(brand, g.membership.role),
        can_request_report=staff,
        REPORT_STATUS_LABELS=REPORT_STATUS_LABELS,
        REPORT_STATUS_BADGES=REPORT_STATUS_BADGES,
        REPORT_LOCALE_LABELS=REPORT_LOCALE_LABELS,
    )


def _team_url(brand: Brand) -> str | None:
    """The brand's Team page, when the app has one (the capability blueprint)."""
    if "capability.team" not in current_app.view_functions:
        return None
    return url_for("capability.team", brand_id=brand.id)


@bp.route("/<int:brand_id>/edit", methods=["GET", "POST"])
@require("brand.edit")
def edit(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    form = BrandEditForm(obj=brand)
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            brands_service.update(brand, form.values(), logo=upload.stream if upload else None)
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("brands.show", brand_id=brand.id), code=303)
    return render_template(
        "brands/edit.html",
        form=form,
        brand=brand,
        logo_version=brands_service.logo_version(brand),
        max_logo_mb=storage.MAX_LOGO_BYTES // (1024 * 1024),
    ), 422 if form.errors else 200


@bp.route("/<int:brand_id>/archive", methods=["GET", "POST"])
@require("brand.archive")
def archive(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    form = ConfirmForm()
    if form.validate_on_submit():
        brands_service.archive(brand)
        flash(_("Brand archived. You can restore it at any time."), "success")
        return redirect(url_for("brands.show", brand_id=brand.id), code=303)
    return render_template("brands/confirm.html", brand=brand, form=form, action="archive")


@bp.route("/<int:brand_id>/restore", methods=["GET", "POST"])
@require("brand.archive")
def restore(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    form = ConfirmForm()
    if form.validate_on_submit():
        brands_service.restore(brand)
        flash(_("Brand restored."), "success")
        return redirect(url_for("brands.show", brand_id=brand.id), code=303)
    return render_template("brands/confirm.html", brand=brand, form=form, action="restore")


@bp.route("/<int:brand_id>/consultants", methods=["GET", "POST"])
@require("brand.assign_consultants")
def consultants(brand_id: int) -> ResponseReturnValue:
    brand = brands_service.load(brand_id)
    if brand is None:
        abort(404)
    use_brand(brand)
    everyone = brands_service.all_consultants()
    form = ConsultantsForm()
    form.consultants.choices = [SelectChoice(str(m.id), m.user.name) for m in everyone]
    if request.method == "GET":
        form.consultants.data = brands_service.consultant_ids(brand)
    if form.validate_on_submit():
        try:
            brands_service.assign_consultants(brand, form.consultants.data or [])
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Consultants saved."), "success")
            return redirect(url_for("brands.show", brand_id=brand.id), code=303)
    return render_template(
        "brands/consultants.html", brand=brand, form=form, consultants=everyone
    ), 422 if form.errors else 200


@bp.route("/<int:brand_id>/logo")
@require("brand.view")
def logo(brand_id: int) -> ResponseReturnValue:
    """The brand's logo, through the tenant scope: another agency's brand is a 404."""
    brand = get_or_404(Brand, brand_id)
    path = storage.resolve(brand.logo_path)
    kind = storage.image_kind(brand.logo_path) if brand.logo_path else None
    if path is None or kind is None:
        abort(404)
    response = send_file(path, mimetype=kind.mimetype, max_age=LOGO_MAX_AGE, conditional=True)
    # Tenant data: browsers may keep it, shared caches may not.
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"
    )
    response.headers["Content-Disposition"] = "inline"
    response.vary.add("Cookie")
    return response
