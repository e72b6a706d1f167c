"""Settings → Calendar feed: a secret URL per person that calendar apps subscribe to.

Turning it on shows the URL once (only its hash is kept); resetting replaces it, so the old
URL stops working; turning it off removes it.  Both of those ask first.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from saas.i18n import gettext as _
from saas.services.strategy_sessions import feed as service
from saas.web.settings.forms import ConfirmForm
from saas.web.settings.views import bp


def _user():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _show(raw: str | None = None, status: int = 200) -> tuple[str, int]:
    if raw is not None:
        g.no_store = True  # the secret URL is on this page: never cache it
    return (
        render_template(
            "settings/calendar_feed.html",
            form=ConfirmForm(),
            is_on=service.is_on(_user()),
            feed_url=service.url(raw) if raw is not None else None,
        ),
        status,
    )


@bp.route("/calendar", methods=["GET", "POST"], endpoint="calendar_feed")
@login_required
def calendar_feed() -> ResponseReturnValue:
    """The page; a POST turns the feed on when it is off (nothing to lose, so no question)."""
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if service.is_on(_user()):
            return redirect(url_for("settings.calendar_feed_reset"))
        return _show(service.create(_user()))
    return _show()


@bp.route("/calendar/reset", methods=["GET", "POST"], endpoint="calendar_feed_reset")
@login_required
def calendar_feed_reset() -> ResponseReturnValue:
    form = ConfirmForm()
    if not service.is_on(_user()):
        return redirect(url_for("settings.calendar_feed"))
    if request.method == "POST" and form.validate_on_submit():
        raw = service.create(_user())
        flash(_("Your calendar feed has a new address. The old one no longer works."), "success")
        return _show(raw)
    return render_template("settings/calendar_feed_confirm.html", form=form, action="reset")


@bp.route("/calendar/off", methods=["GET", "POST"], endpoint="calendar_feed_off")
@login_required
def calendar_feed_off() -> ResponseReturnValue:
    form = ConfirmForm()
    if not service.is_on(_user()):
        return redirect(url_for("settings.calendar_feed"))
    if request.method == "POST" and form.validate_on_submit():
        service.turn_off(_user())
        flash(_("Your calendar feed is off. Its address no longer works."), "success")
        return redirect(url_for("settings.calendar_feed"))
    return render_template("settings/calendar_feed_confirm.html", form=form, action="off")
