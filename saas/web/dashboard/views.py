"""The start page: what needs attention today, by role."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import login_required

from saas.presentation import timezones
from saas.presentation.labels.goals import PROGRESS_BADGES, PROGRESS_LABELS
from saas.presentation.labels.plans import STATUS_BADGES, STATUS_LABELS
from saas.presentation.wording import is_rtl, join_list, list_separator, punctuate, signed
from saas.services import brands as brands_service
from saas.services.overview import staff_attention

bp = Blueprint("dashboard", __name__)

DASHBOARD_BRANDS = 12

# Language-aware wording for every template (pages, emails, the PDF): "+10" / "−10",
# "A، B" lists, Arabic question marks, and which way an arrow points.
for _name, _helper in (("signed", signed), ("join_list", join_list), ("punctuate", punctuate)):
    bp.add_app_template_global(_helper, _name)
    bp.add_app_template_filter(_helper, _name)
bp.add_app_template_global(list_separator, "list_separator")
bp.add_app_template_global(
    lambda zone: timezones.label(zone, str(get_locale())) if zone else "", "timezone_label"
)
bp.add_app_template_global(lambda: "←" if is_rtl() else "→", "arrow")


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    membership = getattr(g, "membership", None)
    if membership is None:
        abort(403)
    overview = brands_service.overview(limit=DASHBOARD_BRANDS)
    g.brand_switcher = overview.switcher  # the layout's switcher: same scope, same query
    if membership.role_enum.is_client:
        # A client leader or team member with one brand has nothing to choose: go there.
        if overview.active_total == 1 and overview.brands:
            return redirect(url_for("brands.show", brand_id=overview.brands[0].id))
        return render_template("dashboard/client.html", overview=overview)

    return render_template(
        "dashboard/home.html",
        overview=overview,
        attention=staff_attention(),
        PROGRESS_LABELS=PROGRESS_LABELS,
        PROGRESS_BADGES=PROGRESS_BADGES,
        PLAN_STATUS_LABELS=STATUS_LABELS,
        PLAN_STATUS_BADGES=STATUS_BADGES,
        logo_version=brands_service.logo_version,
    )
