"""Settings → Export your data: an owner asks for the agency's zip, watches it being built
(the page refreshes itself while it runs) and downloads it until it expires."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, format_decimal

from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models.exports import Export
from saas.services import exports as service
from saas.services.errors import Conflict, Gone, ServiceError
from saas.web.common import require
from saas.web.settings.forms import ConfirmForm
from saas.web.settings.views import bp

STATUS_BADGES = {
    "queued": ("badge-muted", _l("Queued")),
    "running": ("badge-warn", _l("Being prepared")),
    "ready": ("badge-ok", _l("Ready")),
    "failed": ("badge-bad", _l("Failed")),
    "expired": ("badge-muted", _l("Expired")),
}


def _size(value: int | None) -> str:
    if not value:
        return "—"
    if value < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(round(value / 1024, 1)))
    return _("%(n)s MB", n=format_decimal(round(value / 1024 / 1024, 1)))


@bp.route("/exports", methods=["GET", "POST"], endpoint="exports")
@require("agency.settings")
def exports_page() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.request_export(g.membership)
        except Conflict as exc:
            flash(exc.message, "error")
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Your export is being prepared. This page refreshes by itself."), "success")
        return redirect(url_for("settings.exports"))
    export = service.latest()
    status = None
    if export is not None:
        status = "expired" if service.is_expired(export) else export.status
    return render_template(
        "settings/exports.html",
        form=form,
        export=export,
        status=status,
        badge=STATUS_BADGES.get(status or "", ("badge-muted", "")),
        pending=status in service.PENDING,
        size=_size,
        format_datetime=format_datetime,
        ttl_days=service.ttl().days,
    )


@bp.route("/exports/<int:export_id>/download", endpoint="export_download")
@require("agency.settings")
def export_download(export_id: int) -> ResponseReturnValue:
    get_or_404(Export, export_id)
    try:
        export, path = service.open_download(export_id, g.membership)
    except Gone:
        abort(410)
    except Conflict:
        flash(_("The export is not ready yet."), "error")
        return redirect(url_for("settings.exports"))
    service.record_download(export)
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=service.download_name(export),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
