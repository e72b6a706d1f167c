"""Session pages: the agenda panel and the pages that change it.

The panel lists the items in order with their time boxes on the reader's clock, each linked
to its source; staff get Regenerate (edits are kept), Add item, Edit, Remove (asked first)
and Move up/down, all plain POST forms (the CSP allows no inline script).  Every change goes
through ``saas.services.strategy_sessions.agenda``; a refusal shows next to the field.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from wtforms import HiddenField, StringField, TextAreaField

from saas.domain.sessions.agenda import ITEM_MINUTES_RANGE, TITLE_MAX
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.i18n import use_brand
from saas.models import AgendaItem, Brand, StrategySession
from saas.presentation.session_times import local
from saas.services import strategy_sessions as sessions_service
from saas.services.errors import ServiceError
from saas.services.strategy_sessions import agenda as service
from saas.services.strategy_sessions.agenda import NOTES_MAX
from saas.web.common import require
from saas.web.forms import TandemForm, show_errors
from saas.web.sessions import bp
from saas.web.sessions.clock import viewer_zone

BASE = "/brands/<int:brand_id>/sessions/<int:session_id>/agenda"


class AgendaItemForm(TandemForm):
    title = StringField(_l("Title"))
    minutes = StringField(_l("Length (minutes)"), render_kw={"inputmode": "numeric", "dir": "ltr"})
    notes = TextAreaField(_l("Notes"))

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "",
            "minutes": (self.minutes.data or "").strip(),
            "notes": self.notes.data or "",
        }


class ConfirmForm(TandemForm):
    """A POST with its CSRF token: regenerate, remove."""


class MoveForm(TandemForm):
    direction = HiddenField()


# --- loading --------------------------------------------------------------------------------


def _load(brand_id: int, session_id: int) -> tuple[Brand, StrategySession]:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    session = sessions_service.load(session_id)
    if session is None or session.brand_id != brand.id:
        abort(404)
    return brand, session


def _item(session: StrategySession, agenda_item_id: int) -> AgendaItem:
    item = service.load_item(session, agenda_item_id)
    if item is None:
        abort(404)
    return item


def _back(brand: Brand, session: StrategySession) -> str:
    return url_for("sessions.show", brand_id=brand.id, session_id=session.id) + "#agenda"


def _zone(brand: Brand) -> str:
    return viewer_zone(brand)


# --- the panel ------------------------------------------------------------------------------


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_agenda.html`` on the session page."""
    locale = str(get_locale() or "en")
    shown = service.view(session, g.membership, locale=locale)
    zone = _zone(brand)
    items = []
    for item in shown.items:
        box = local(
            session.starts_at + timedelta(minutes=item.start), item.row.minutes, zone, locale
        )
        items.append(
            {
                "view": item,
                "url": url_for(item.link.endpoint, **item.link.values) if item.link else None,
                "about": [
                    (label, name, url_for(link.endpoint, **link.values) if link else None)
                    for label, name, link in item.about
                ],
                "start": box.start,
                "end": box.end,
            }
        )
    first = local(session.starts_at, session.duration_minutes, zone, locale)
    return {
        "agenda": shown,
        "agenda_items": items,
        "agenda_zone": first.zone,
    }


# --- changes --------------------------------------------------------------------------------


@bp.post(BASE + "/regenerate", endpoint="agenda_regenerate")
@require("session.edit")
def regenerate(brand_id: int, session_id: int) -> ResponseReturnValue:
    brand, session = _load(brand_id, session_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.regenerate(g.membership, session)
        except ServiceError as err:
            flash(err.message, "error")
        else:
            flash(
                _("The agenda was drafted again from today's data; your edits were kept."),
                "success",
            )
    return redirect(_back(brand, session), code=303)


def _render_item(
    brand: Brand, session: StrategySession, form: AgendaItemForm, item: AgendaItem | None
) -> ResponseReturnValue:
    status = 422 if form.errors else 200
    low, high = ITEM_MINUTES_RANGE
    return (
        render_template(
            "sessions/agenda_item.html",
            brand=brand,
            session=session,
            form=form,
            item=item,
            back=_back(brand, session),
            minutes_hint=_("From %(low)d to %(high)d minutes.", low=low, high=high),
            title_max=TITLE_MAX,
            notes_max=NOTES_MAX,
        ),
        status,
    )


def _refuse_if_read_only(brand: Brand, session: StrategySession) -> ResponseReturnValue | None:
    if not service.editable(session):
        flash(_("This session is cancelled: its agenda can no longer change."), "error")
        return redirect(_back(brand, session), code=303)
    return None


@bp.route(BASE + "/items/new", methods=["GET", "POST"], endpoint="agenda_add")
@require("session.edit")
def add(brand_id: int, session_id: int) -> ResponseReturnValue:
    brand, session = _load(brand_id, session_id)
    refused = _refuse_if_read_only(brand, session)
    if refused is not None:
        return refused
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            service.add_item(g.membership, session, form.values())
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("The item was added to the agenda."), "success")
            return redirect(_back(brand, session), code=303)
    elif not form.is_submitted():
        form.minutes.data = "10"
    return _render_item(brand, session, form, None)


@bp.route(
    BASE + "/items/<int:agenda_item_id>/edit", methods=["GET", "POST"], endpoint="agenda_edit"
)
@require("session.edit")
def edit(brand_id: int, session_id: int, agenda_item_id: int) -> ResponseReturnValue:
    brand, session = _load(brand_id, session_id)
    refused = _refuse_if_read_only(brand, session)
    if refused is not None:
        return refused
    item = _item(session, agenda_item_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            service.update_item(g.membership, session, item, form.values())
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            return redirect(_back(brand, session), code=303)
    elif not form.is_submitted():
        shown = service.view(session, g.membership, locale=str(get_locale() or "en"))
        current = next((i for i in shown.items if i.row.id == item.id), None)
        form.title.data = current.title if current is not None else item.title
        form.minutes.data = str(item.minutes)
        form.notes.data = item.notes or ""
    return _render_item(brand, session, form, item)


@bp.route(
    BASE + "/items/<int:agenda_item_id>/remove", methods=["GET", "POST"], endpoint="agenda_remove"
)
@require("session.edit")
def remove(brand_id: int, session_id: int, agenda_item_id: int) -> ResponseReturnValue:
    """Asks first (GET); the POST takes the item off the agenda."""
    brand, session = _load(brand_id, session_id)
    refused = _refuse_if_read_only(brand, session)
    if refused is not None:
        return refused
    item = _item(session, agenda_item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.remove_item(g.membership, session, item)
        except ServiceError as err:
            flash(err.message, "error")
        else:
            flash(_("The item was taken off the agenda."), "success")
            return redirect(_back(brand, session), code=303)
    shown = service.view(session, g.membership, locale=str(get_locale() or "en"))
    current = next((i for i in shown.items if i.row.id == item.id), None)
    return render_template(
        "sessions/agenda_remove.html",
        brand=brand,
        session=session,
        item=item,
        title=current.title if current is not None else item.title,
        form=form,
        back=_back(brand, session),
    )


@bp.post(BASE + "/items/<int:agenda_item_id>/move", endpoint="agenda_move")
@require("session.edit")
def move(brand_id: int, session_id: int, agenda_item_id: int) -> ResponseReturnValue:
    brand, session = _load(brand_id, session_id)
    item = _item(session, agenda_item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            service.move_item(g.membership, session, item, direction=form.direction.data)
        except ServiceError as err:
            flash(err.message, "error")
    return redirect(_back(brand, session), code=303)
