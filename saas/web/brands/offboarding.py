"""A leaving client, from the brand's pages: export the brand's data, then remove the brand
for good after typing its name (owners only)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand
from saas.services import brand_removal
from saas.services import exports as exports_service
from saas.services.errors import ServiceError
from saas.web.brands.views import bp
from saas.web.common import require
from saas.web.forms import show_errors
from saas.web.settings.forms import ConfirmForm, TypedNameForm


def _render(brand: Brand, form: TypedNameForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "brands/offboard.html",
        brand=brand,
        form=form,
        export_form=ConfirmForm(),
    ), status


@bp.route("/<int:brand_id>/offboard", methods=["GET"], endpoint="offboard")
@require("brand.offboard")
def offboard(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return _render(brand, TypedNameForm())


@bp.route("/<int:brand_id>/export", methods=["POST"], endpoint="export")
@require("brand.offboard")
def export(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            exports_service.request_export(g.membership, brand=brand)
        except ServiceError as err:
            flash(err.message, "error")
            return redirect(url_for("brands.offboard", brand_id=brand.id), code=303)
        flash(_("The brand's export is being prepared. This page refreshes by itself."), "success")
    return redirect(url_for("settings.exports"), code=303)


@bp.route("/<int:brand_id>/remove", methods=["POST"], endpoint="remove")
@require("brand.offboard")
def remove(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    form = TypedNameForm()
    if form.validate_on_submit():
        name = brand.name
        try:
            brand_removal.remove_brand(g.membership, brand, form.confirm_name.data)
        except ServiceError as err:
            show_errors(form, err)
            return _render(brand, form, err.status)
        flash(_("%(name)s and all its data were removed.", name=name), "success")
        return redirect(url_for("brands.index"), code=303)
    return _render(brand, form, 422)
