"""Session pages: the minutes (panel on the session page and the edit page) and the brand's
action items (list, mark done, reopen).

The edit page repeats a row per decision and per action item; "Add a decision" / "Add an
action item" are submit buttons that redraw the form with one more empty row, so the page
needs no script.  Blank new rows are ignored; a row is removed with its "Remove" box.  A
refusal puts each message next to its row's field and keeps everything typed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from saas.http import get_or_404, is_ascii_digits, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.i18n import use_brand
from saas.models import ActionItem, Brand, StrategySession
from saas.services import action_items as items_service
from saas.services import strategy_sessions as sessions_service
from saas.services.errors import Conflict, Forbidden, ServiceError
from saas.services.strategy_sessions import minutes as minutes_service
from saas.web.common import current_role, require
from saas.web.forms import TandemForm
from saas.web.sessions import bp

DECISION_STATUS_LABELS = {
    "decided": _l("Decided"),
    "pending": _l("Pending: decide in a later session"),
}
ITEM_STATUS_LABELS = {"open": _l("Open"), "done": _l("Completed")}
FILTER_LABELS = {
    "open": _l("Open"),
    "overdue": _l("Overdue"),
    "done": _l("Completed"),
    "all": _l("All"),
}


# --- forms --------------------------------------------------------------------------------


class _Row(TandemForm):
    """A repeated row: no CSRF token of its own (the page's form carries it)."""

    class Meta:
        csrf = False


class DecisionRow(_Row):
    id = HiddenField()
    text = TextAreaField(
        _l("Decision"), render_kw={"rows": 2, "maxlength": minutes_service.DECISION_MAX}
    )
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in DECISION_STATUS_LABELS.items()]
    )
    goal_id = SelectField(_l("About the goal"), choices=[], validate_choice=False)
    plan_id = SelectField(_l("About the plan"), choices=[], validate_choice=False)
    remove = BooleanField(_l("Remove this decision"))


class ActionItemRow(_Row):
    id = HiddenField()
    title = StringField(_l("Action item"), render_kw={"maxlength": items_service.TITLE_MAX})
    owner_id = SelectField(_l("Assigned to"), choices=[], validate_choice=False)
    due_on = StringField(_l("Due date"), render_kw={"type": "date"})
    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in ITEM_STATUS_LABELS.items()]
    )
    remove = BooleanField(_l("Remove this action item"))


class MinutesForm(TandemForm):
    minutes = TextAreaField(
        _l("Notes"), render_kw={"rows": 10, "maxlength": minutes_service.MINUTES_MAX}
    )
    decisions = FieldList(FormField(DecisionRow), min_entries=0, max_entries=100)
    action_items = FieldList(FormField(ActionItemRow), min_entries=0, max_entries=100)
    send = BooleanField(_l("Send the minutes to every attendee, each in their language"))


# --- loading ------------------------------------------------------------------------------


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def _session(brand: Brand, session_id: int) -> StrategySession:
    session = sessions_service.load(session_id)
    if session is None or session.brand_id != brand.id:
        abort(404)
    return session


def _item(brand: Brand, action_item_id: int) -> ActionItem:
    item = get_or_404(ActionItem, action_item_id)
    if item.brand_id != brand.id:
        abort(404)
    return item


# --- the panel on the session page --------------------------------------------------------


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_minutes.html`` on the session page: one
    key, so it never collides with the other panels'."""
    membership = getattr(g, "membership", None)
    view = minutes_service.view(session, brand, membership)
    return {
        "minutes_panel": {
            "view": view,
            "can_write": minutes_service.may_write(current_role(), session),
            "started": minutes_service.has_started(session),
            "can_mark": {r.item.id: items_service.can_mark(membership, r.item) for r in view.items},
            "decision_labels": DECISION_STATUS_LABELS,
            "item_labels": ITEM_STATUS_LABELS,
            "back": url_for("sessions.show", brand_id=brand.id, session_id=session.id),
        }
    }


# --- the edit page ------------------------------------------------------------------------


def _owner_choices(brand: Brand) -> list[SelectChoice]:
    return [SelectChoice("", _("Nobody yet"))] + [
        SelectChoice(str(uid), name) for uid, name in items_service.owner_choices(brand)
    ]


def _link_choices(pairs: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", _("None"))] + [SelectChoice(str(i), name) for i, name in pairs]


def _fill(form: MinutesForm, view: minutes_service.MinutesView) -> None:
    """The form as the minutes stand, with one empty row of each kind to type into."""
    form.minutes.data = view.text or ""
    for d in view.decisions:
        form.decisions.append_entry(
            SimpleNamespace(
                id=str(d.id),
                text=d.text,
                status=d.status,
                goal_id=str(d.goal_id or ""),
                plan_id=str(d.plan_id or ""),
            )
        )
    for r in view.items:
        i = r.item
        form.action_items.append_entry(
            SimpleNamespace(
                id=str(i.id),
                title=i.title,
                owner_id=str(i.owner_id or ""),
                due_on=i.due_on.isoformat() if i.due_on else "",
                status=i.status,
            )
        )
    form.decisions.append_entry()
    form.action_items.append_entry()


def _submitted(form: MinutesForm) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's data from the form, and where each row came from (``decisions.0`` →
    the form's row), so a refusal lands next to the field a person typed in."""
    where: dict[str, Any] = {}
    decisions = []
    for entry in form.decisions.entries:
        row = entry.form
        if row.remove.data or (not row.id.data and not (row.text.data or "").strip()):
            continue
        where[f"decisions.{len(decisions)}"] = row
        decisions.append(
            {
                "id": row.id.data or None,
                "text": row.text.data,
                "status": row.status.data,
                "goal_id": row.goal_id.data or None,
                "plan_id": row.plan_id.data or None,
            }
        )
    items = []
    for entry in form.action_items.entries:
        row = entry.form
        blank = not (row.title.data or "").strip() and not row.owner_id.data and not row.due_on.data
        if row.remove.data or (not row.id.data and blank):
            continue
        where[f"action_items.{len(items)}"] = row
        items.append(
            {
                "id": row.id.data or None,
                "title": row.title.data,
                "owner_id": row.owner_id.data or None,
                "due_on": row.due_on.data or None,
                "status": row.status.data,
            }
        )
    data = {"minutes": form.minutes.data, "decisions": decisions, "action_items": items}
    return data, where


def _show_row_errors(form: MinutesForm, err: ServiceError, where: dict[str, Any]) -> None:
    leftover = []
    for key, message in err.fields.items():
        prefix, _dot, name = key.rpartition(".")
        row = where.get(prefix)
        target = row._fields.get(name) if row is not None else form._fields.get(key)
        if target is not None and name != "id":
            target.errors = [*target.errors, message]
        else:
            leftover.append(message)
    flash(" ".join(leftover) or err.message, "error")


def _render_edit(
    brand: Brand,
    session: StrategySession,
    form: MinutesForm | None,
    status: int = 200,
    blocked: str | None = None,
) -> ResponseReturnValue:
    if form is not None:
        choices = _owner_choices(brand)
        for entry in form.action_items.entries:
            entry.form.owner_id.choices = choices
        goals = _link_choices(minutes_service.goal_choices(brand.id))
        plans = _link_choices(minutes_service.plan_choices(brand.id))
        for entry in form.decisions.entries:
            entry.form.goal_id.choices = goals
            entry.form.plan_id.choices = plans
    return render_template(
        "sessions/minutes.html",
        brand=brand,
        session=session,
        form=form,
        blocked=blocked,
        recorded=session.minutes_recorded_at is not None,
    ), status


@bp.route("/brands/<int:brand_id>/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@require("session.minutes")
def minutes_edit(brand_id: int, session_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    session = _session(brand, session_id)
    try:
        minutes_service.ensure_writable(g.membership, session)
    except Conflict as err:
        return _render_edit(brand, session, None, 409, blocked=err.message)
    if request.method == "GET":
        form = MinutesForm(formdata=None)
        _fill(form, minutes_service.view(session, brand))
        return _render_edit(brand, session, form)

    form = MinutesForm()
    for button, rows in (("add_decision", form.decisions), ("add_action_item", form.action_items)):
        if button in request.form:
            if len(rows.entries) < minutes_service.MAX_ROWS:
                rows.append_entry()
            return _render_edit(brand, session, form)
    if not form.validate():
        return _render_edit(brand, session, form, 422)
    data, where = _submitted(form)
    try:
        minutes_service.record(g.membership, session, brand, data, send=bool(form.send.data))
    except ServiceError as err:
        _show_row_errors(form, err, where)
        return _render_edit(brand, session, form, err.status)
    flash(
        _("Minutes saved and sent to the attendees.") if form.send.data else _("Minutes saved."),
        "success",
    )
    return redirect(url_for("sessions.show", brand_id=brand.id, session_id=session.id), code=303)


# --- the brand's action items -------------------------------------------------------------


def _owner_filter(raw: str) -> int | None:
    if raw == "me":
        return g.membership.user_id
    return int(raw) if is_ascii_digits(raw) and 1 <= int(raw) <= 2**31 - 1 else None


@bp.get("/brands/<int:brand_id>/action-items")
@require("session.view")
def action_items(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    status = request.args.get("status") or "open"
    status = status if status in FILTER_LABELS else "open"
    owner_raw = (request.args.get("owner") or "").strip()
    owner = _owner_filter(owner_raw)
    today = items_service.today_for(brand)
    page, per_page = page_args(current_app.config.get("ACTION_ITEMS_PER_PAGE", 25))
    stmt = items_service.for_brand(
        brand.id, status=None if status == "all" else status, owner_id=owner, today=today
    )
    result = paginate(stmt, page, per_page)
    rows = items_service.rows(result.items, today)
    return render_template(
        "sessions/action_items.html",
        brand=brand,
        page=result,
        rows=rows,
        status=status,
        owner=owner_raw if owner is not None else "",
        owners=items_service.owner_choices(brand),
        can_mark={r.item.id: items_service.can_mark(g.membership, r.item) for r in rows},
        FILTER_LABELS=FILTER_LABELS,
        ITEM_STATUS_LABELS=ITEM_STATUS_LABELS,
        today=today,
    )


def _back(brand: Brand) -> str:
    """Where a mark-done form came from: a page of this brand, else its action items."""
    target = request.form.get("next") or ""
    if target.startswith(f"/brands/{brand.id}/") and "//" not in target and "\\" not in target:
        return target
    return url_for("sessions.action_items", brand_id=brand.id)


def _set_status(brand_id: int, action_item_id: int, status: str) -> ResponseReturnValue:
    brand = _brand(brand_id)
    item = _item(brand, action_item_id)
    try:
        items_service.set_status(g.membership, item, status)
    except Forbidden:
        abort(403)
    flash(_("Marked done.") if status == "done" else _("Reopened."), "success")
    return redirect(_back(brand), code=303)


@bp.post("/brands/<int:brand_id>/action-items/<int:action_item_id>/done")
@require("action_item.complete")
def action_item_done(brand_id: int, action_item_id: int) -> ResponseReturnValue:
    return _set_status(brand_id, action_item_id, "done")


@bp.post("/brands/<int:brand_id>/action-items/<int:action_item_id>/reopen")
@require("action_item.complete")
def action_item_reopen(brand_id: int, action_item_id: int) -> ResponseReturnValue:
    return _set_status(brand_id, action_item_id, "open")
