"""Settings → Notifications, and the one-click unsubscribe link of product emails.

The unsubscribe page needs no sign-in: its signed token names one person and one kind
(``saas.services.mail.unsubscribe_token``) and can do nothing else.  GET only asks (mail
scanners follow links); POST turns the kind off, from the page's button or from a mail
client's RFC 8058 one-click request, which carries no CSRF token: the signed token is
what authorises it, so the route is exempt from CSRF.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_login import current_user, login_required
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from saas.extensions import csrf
from saas.i18n import LANGUAGES
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.services import mail
from saas.services import notifications as service
from saas.services.errors import NotFound, ServiceError
from saas.web.forms import TandemForm, show_errors
from saas.web.settings.views import bp


class NotificationsForm(TandemForm):
    enabled = SelectMultipleField(
        _l("Emails you receive"),
        choices=[SelectChoice(kind, label) for kind, label in mail.PRODUCT_MAIL.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message=_l("Choose notifications from the list."),
    )


@bp.route("/notifications", methods=["GET", "POST"], endpoint="notifications")
@login_required
def notifications_page() -> ResponseReturnValue:
    """Each product notification on or off, for the signed-in person (in every agency)."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    current = service.preferences(user)
    form = NotificationsForm(enabled=[p.kind for p in current if p.enabled])
    if form.validate_on_submit():
        try:
            service.set_preferences(user, form.enabled.data or [])
        except ServiceError as exc:
            show_errors(form, exc)
        else:
            flash(_("Your notification settings were saved."), "success")
            return redirect(url_for("settings.notifications"))
    return render_template("settings/notifications.html", form=form, preferences=current)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    g.no_store = True  # the page names the person: no cache keeps it
    try:
        found = service.check_unsubscribe(token)
    except NotFound:
        abort(404)
    done = False
    if request.method == "POST":
        found = service.unsubscribe(token)
        done = True
    # The language the email was in, unless the reader chose another on this page.
    locale = request.cookies.get("lang")
    if locale not in LANGUAGES:
        locale = found.user.locale if found.user.locale in LANGUAGES else str(get_locale())
    with force_locale(locale):
        return render_template(
            "settings/unsubscribe.html",
            found=found,
            done=done,
            label=mail.PRODUCT_MAIL[found.kind],  # lazy: in the page's language
        )
