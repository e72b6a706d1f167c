"""Settings → Delete the agency: an owner types the agency's name to schedule its deletion
after the grace period; any owner restores it with one click until then."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from saas.i18n import gettext as _
from saas.services import agency_deletion as service
from saas.services.errors import ServiceError
from saas.web.common import require
from saas.web.forms import show_errors
from saas.web.settings.forms import ConfirmForm, TypedNameForm
from saas.web.settings.views import bp


@bp.route("/agency/deletion", methods=["GET", "POST"], endpoint="agency_deletion")
@require("agency.delete")
def agency_deletion() -> ResponseReturnValue:
    form = TypedNameForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.request_deletion(g.membership, form.confirm_name.data)
        except ServiceError as err:
            show_errors(form, err)
            status = err.status
        else:
            flash(
                _("The agency's deletion is scheduled. You can restore it until then."), "success"
            )
            return redirect(url_for("settings.agency_deletion"), code=303)
    elif form.errors:
        status = 422
    return render_template(
        "settings/agency_deletion.html",
        form=form,
        restore_form=ConfirmForm(),
        pending=service.pending_of(g.agency),
        grace_days=service.grace().days,
    ), status


@bp.route("/agency/deletion/restore", methods=["POST"], endpoint="agency_deletion_restore")
@require("agency.delete")
def agency_deletion_restore() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.restore(g.membership)
        except ServiceError as err:
            flash(err.message, "error")
        else:
            flash(_("The agency is restored: nothing will be deleted."), "success")
    return redirect(url_for("settings.agency_deletion"), code=303)
