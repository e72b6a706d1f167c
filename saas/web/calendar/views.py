"""The content calendar month view, editing its items, and CSV export and import.

Thin views: permission decorator, a scoped load, one service call, render.  Another
tenant's (or, for client users, another brand's) plan or brand is simply not found: 404.
Item edits are plain forms (POST, then back to the month the person came from); the
calendar service saves each through the plans service, like a campaign edit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from babel import Locale
from babel.core import get_global
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from saas.domain import plan_workflow
from saas.http import get_or_404, parse_id
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand, Plan
from saas.presentation.labels.plans import CALENDAR_STATUS_LABELS, FORMAT_LABELS, NETWORK_LABELS
from saas.services import calendar as calendar_service
from saas.services import plan_csv, plans
from saas.services.errors import NotFound, ServiceError
from saas.services.plans import CalendarItemData, EditConflict, parse_version
from saas.web.calendar.conflicts import import_conflict, item_conflict
from saas.web.calendar.forms import ConfirmForm, ImportForm, ItemForm, MoveForm
from saas.web.common import allowed, current_role, require
from saas.web.forms import show_errors

bp = Blueprint("calendar", __name__)

SHOWN_ERRORS = plan_csv.MAX_REPORTED_ERRORS


def first_week_day(locale: Locale) -> int:
    """The first day of the week for the reader's language (0 = Monday).

    A bare language ("ar", "en") has no territory, for which CLDR says Monday; the language's
    most likely territory (Egypt, the United States) gives what readers expect.
    """
    if locale.territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            try:
                return Locale.parse(likely).first_week_day
            except (ValueError, TypeError):
                pass
    return locale.first_week_day


def _plan_or_404(plan_id: int) -> Plan:
    try:
        return plans.get_plan(plan_id, current_role())
    except NotFound:
        abort(404)


def _plan_url(plan: Plan) -> str:
    return url_for("plans.show", plan_id=plan.id)


VIEWS = ("month", "list")


def _month_args(first: date | None = None) -> dict[str, Any]:
    """Where the month view was (month, plan filter, list or grid), to come back to it."""
    args: dict[str, Any] = {}
    if first is not None:
        args["month"] = first.strftime("%Y-%m")
    elif calendar_service.MONTH_RE.match(request.args.get("month", "")):
        args["month"] = request.args["month"]
    plan_filter = parse_id(request.args.get("plan"))
    if plan_filter is not None:
        args["plan"] = plan_filter
    if request.args.get("view") == "list":
        args["view"] = "list"
    return args


@bp.route("/brands/<int:brand_id>/calendar")
@require("plan.view")
def month(brand_id: int) -> ResponseReturnValue:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    role = current_role()
    today = calendar_service.today_in(brand.timezone)
    first = calendar_service.parse_month(request.args.get("month"), today)
    live_plans = calendar_service.plans_for(brand.id, role)
    plan_id = request.args.get("plan", type=int)
    if plan_id not in {pid for pid, _title in live_plans}:
        plan_id = None
    layout = request.args.get("view") if request.args.get("view") in VIEWS else "month"
    editable = (
        dict(calendar_service.editable_plans(brand.id, role)) if allowed("plan.draft") else {}
    )
    locale = get_locale()
    week_start = first_week_day(locale)
    view = calendar_service.month(
        brand.id, first, role=role, first_weekday=week_start, plan_id=plan_id
    )
    order = [(week_start + i) % 7 for i in range(7)]
    weekdays = [
        (locale.days["format"]["abbreviated"][d], locale.days["format"]["wide"][d]) for d in order
    ]
    back = {"month": first.strftime("%Y-%m"), "plan": plan_id}
    if layout == "list":
        back["view"] = "list"
    # Where "add" goes: the plan shown, else the only editable plan, else a choice of plans.
    add_plan = plan_id if plan_id in editable else None
    if add_plan is None and len(editable) == 1:
        add_plan = next(iter(editable))

    def add_url(day: date | None = None) -> str | None:
        if not editable:
            return None
        on = day.isoformat() if day is not None else None
        if add_plan is not None:
            return url_for("calendar.item_new", plan_id=add_plan, date=on, **back)
        return url_for("calendar.choose_plan", brand_id=brand.id, date=on, **back)

    def month_link(target: date | None, **extra: Any) -> str | None:
        if target is None:
            return None
        args = {"plan": plan_id, "view": "list" if layout == "list" else None, **extra}
        return url_for("calendar.month", brand_id=brand.id, month=target.strftime("%Y-%m"), **args)

    return render_template(
        "calendar/month.html",
        brand=brand,
        view=view,
        layout=layout,
        weekdays=weekdays,
        today=today,
        plans=live_plans,
        plan_id=plan_id,
        editable_plans=editable,
        back=back,
        add_url=add_url,
        grid_url=month_link(first, view=None),
        list_url=month_link(first, view="list"),
        prev_url=month_link(calendar_service.shift_month(first, -1)),
        next_url=month_link(calendar_service.shift_month(first, 1)),
        today_url=month_link(today.replace(day=1)),
        network_labels=NETWORK_LABELS,
        format_labels=FORMAT_LABELS,
        status_labels=CALENDAR_STATUS_LABELS,
    )


# --- adding, editing, moving and deleting items --------------------------------------------


def _month_url(brand_id: int, first: date | None = None) -> str:
    return url_for("calendar.month", brand_id=brand_id, **_month_args(first))


def _editable_plan(plan_id: int) -> tuple[Plan, Brand, str | None]:
    """The plan (404 when out of scope) and its brand; a refusal message when the plan's
    status does not allow changes (in review, approved, archived)."""
    plan = _plan_or_404(plan_id)
    brand = get_or_404(Brand, plan.brand_id)
    use_brand(brand)
    if not plan_workflow.can_edit(plan.status, current_role() or ""):
        return plan, brand, _("A plan that is in review, approved or archived cannot be changed.")
    return plan, brand, None


def _item_id() -> int:
    """The ``item`` query argument: an id, else 404."""
    ident = parse_id(request.args.get("item"))
    if ident is None:
        abort(404)
    return ident


def _stale_post(plan: Plan) -> bool:
    """A POST from a page opened on an older version of the plan."""
    sent = parse_version(request.form.get("version"))
    return request.method == "POST" and sent is not None and sent != plan.version


def _editable_item(
    plan_id: int,
) -> tuple[Plan, Brand, int, CalendarItemData | None, str] | ResponseReturnValue:
    """The plan, its brand, the ``?item=`` calendar item to change and its ref (404 when it
    is not the plan's), or the redirect back to the month when the plan cannot change.
    From a stale page the item may be gone (ids change with every save): None, and the
    service answers the save with ``EditConflict``."""
    plan, brand, refusal = _editable_plan(plan_id)
    item_id = _item_id()
    if refusal:
        flash(refusal, "error")
        return redirect(_month_url(brand.id), code=303)
    try:
        item, ref = calendar_service.get_item_and_ref(plan, item_id)
    except NotFound:
        if not _stale_post(plan):
            abort(404)
        return plan, brand, item_id, None, ""
    return plan, brand, item_id, item, ref


def _campaign_choices(plan: Plan) -> list[SelectChoice]:
    """The plan's campaigns by name; a name used twice gets its dates to tell them apart."""
    options = calendar_service.campaign_options(plan)
    names = [o.name.casefold() for o in options]
    choices = [SelectChoice("", _("No campaign"))]
    for option in options:
        label = option.name
        if names.count(option.name.casefold()) > 1:
            label = _(
                "%(name)s (%(start)s – %(end)s)",
                name=option.name,
                start=format_date(option.start_date, "medium"),
                end=format_date(option.end_date, "medium"),
            )
        choices.append(SelectChoice(option.key, label))
    return choices


def _item_from_form(form: ItemForm) -> CalendarItemData:
    return CalendarItemData(
        date=form.date.data,
        network=form.network.data or "",
        format=form.format.data or "",
        pillar=(form.pillar.data or "").strip() or None,
        brief=(form.brief.data or "").strip() or None,
        status=form.status.data or "planned",
        campaign_key=form.campaign_key.data or None,
    )


def _default_date(plan: Plan) -> date:
    """The ``date`` the person clicked (a day of the grid), else the plan's first day."""
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return plan.period_start


def _item_conflict(
    plan: Plan,
    form: Any,
    err: EditConflict,
    mine: CalendarItemData | None,
    endpoint: str | None,
) -> dict[str, Any]:
    """Both versions beside the form, the form's version and ref moved to the saved ones,
    and where saving again goes: ``endpoint`` for the item as saved now; when it was
    changed or removed meanwhile, adding it anew (``endpoint`` None: nowhere)."""
    ref = form.ref.data or None if endpoint is not None else None
    conflict = item_conflict(plan, err, mine, ref)
    form.version.data = str(plan.version)
    form.ref.data = conflict.ref
    ctx: dict[str, Any] = {"conflict": conflict}
    if ref is None:  # a new item: the same form again
        return ctx
    if conflict.found and endpoint is not None:
        ctx["form_action"] = url_for(
            endpoint, plan_id=plan.id, item=conflict.item_id, **_month_args()
        )
    elif endpoint == "calendar.item_edit":  # theirs changed it: saving again adds yours
        ctx["form_action"] = url_for("calendar.item_new", plan_id=plan.id, **_month_args())
    else:
        ctx["form_action"] = None  # nothing left to move or delete: no button
    return ctx


def _item_page(
    plan: Plan, brand: Brand, form: ItemForm, item_id: int | None
) -> ResponseReturnValue:
    """Save a valid POST and go back to the month; else show the form (errors by fields)."""
    ctx: dict[str, Any] = {}
    if form.validate_on_submit():
        item = _item_from_form(form)
        expected = parse_version(form.version.data)
        try:
            if item_id is None:
                calendar_service.add_item(
                    plan, item, author=current_user, expected_version=expected
                )
            else:
                calendar_service.update_item(
                    plan, item_id, item, author=current_user, expected_version=expected
                )
        except EditConflict as err:
            endpoint = "calendar.item_edit" if item_id is not None else None
            ctx = _item_conflict(plan, form, err, item, endpoint)
        except NotFound:
            abort(404)
        except ServiceError as err:
            show_errors(form, err)
        else:
            when = format_date(item.date, "long")
            if item_id is None:
                flash(_("Calendar item added on %(date)s.", date=when), "success")
            else:
                flash(_("Calendar item saved (%(date)s).", date=when), "success")
            return redirect(_month_url(brand.id), code=303)
    status = 200
    if request.method == "POST":
        status = 409 if ctx.get("conflict") else 422
    return render_template(
        "calendar/item_form.html",
        plan=plan,
        brand=brand,
        form=form,
        item_id=item_id,
        back_url=_month_url(brand.id),
        has_campaigns=len(form.campaign_key.choices or []) > 1,
        **ctx,
    ), status


@bp.route("/brands/<int:brand_id>/calendar/new")
@require("plan.draft")
def choose_plan(brand_id: int) -> ResponseReturnValue:
    """With several editable plans, "add" first asks which plan the item belongs to."""
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    editable = calendar_service.editable_plans(brand.id, current_role())
    chosen = parse_id(request.args.get("to"))
    on = request.args.get("date")
    if chosen in dict(editable):
        return redirect(url_for("calendar.item_new", plan_id=chosen, date=on, **_month_args()))
    if len(editable) == 1:
        only = editable[0][0]
        return redirect(url_for("calendar.item_new", plan_id=only, date=on, **_month_args()))
    return render_template(
        "calendar/choose_plan.html",
        brand=brand,
        plans=editable,
        day=on,
        args=_month_args(),
        back_url=_month_url(brand.id),
    )


@bp.route("/plans/<int:plan_id>/calendar/new", methods=["GET", "POST"])
@require("plan.draft")
def item_new(plan_id: int) -> ResponseReturnValue:
    plan, brand, refusal = _editable_plan(plan_id)
    if refusal:
        flash(refusal, "error")
        return redirect(_month_url(brand.id), code=303)
    form = ItemForm()
    form.campaign_key.choices = _campaign_choices(plan)
    if request.method == "GET":
        form.date.data = _default_date(plan)
        form.version.data = str(plan.version)
    return _item_page(plan, brand, form, None)


@bp.route("/plans/<int:plan_id>/calendar/edit", methods=["GET", "POST"])
@require("plan.draft")
def item_edit(plan_id: int) -> ResponseReturnValue:
    found = _editable_item(plan_id)
    if not isinstance(found, tuple):
        return found
    plan, brand, item_id, item, ref = found
    form = ItemForm(obj=item if request.method == "GET" else None)
    form.campaign_key.choices = _campaign_choices(plan)
    if request.method == "GET":
        form.campaign_key.data = item.campaign_key or "" if item is not None else ""
        form.version.data = str(plan.version)
        form.ref.data = ref
    return _item_page(plan, brand, form, item_id)


@bp.route("/plans/<int:plan_id>/calendar/move", methods=["GET", "POST"])
@require("plan.draft")
def item_move(plan_id: int) -> ResponseReturnValue:
    found = _editable_item(plan_id)
    if not isinstance(found, tuple):
        return found
    plan, brand, item_id, item, ref = found
    form = MoveForm()
    ctx: dict[str, Any] = {}
    if request.method == "GET":
        form.date.data = item.date if item is not None else None
        form.version.data = str(plan.version)
        form.ref.data = ref
    elif form.validate_on_submit():
        try:
            calendar_service.move_item(
                plan,
                item_id,
                form.date.data,
                author=current_user,
                expected_version=parse_version(form.version.data),
            )
        except EditConflict as err:
            mine = replace(item, date=form.date.data) if item is not None else None
            ctx = _item_conflict(plan, form, err, mine, "calendar.item_move")
        except NotFound:
            abort(404)
        except ServiceError as err:
            show_errors(form, err)
        else:
            flash(
                _("Calendar item moved to %(date)s.", date=format_date(form.date.data, "long")),
                "success",
            )
            return redirect(_month_url(brand.id), code=303)
    status = 200
    if request.method == "POST":
        status = 409 if ctx.get("conflict") else 422
    return render_template(
        "calendar/item_move.html", **_item_context(plan, brand, item, form), **ctx
    ), status


def _item_context(
    plan: Plan, brand: Brand, item: CalendarItemData | None, form: Any
) -> dict[str, Any]:
    """What the move and delete pages show about the one item they act on."""
    return {
        "plan": plan,
        "brand": brand,
        "form": form,
        "item": item,
        "campaign_name": _campaign_name(plan, item) if item is not None else None,
        "back_url": _month_url(brand.id),
        "network_labels": NETWORK_LABELS,
        "format_labels": FORMAT_LABELS,
    }


def _campaign_name(plan: Plan, item: CalendarItemData) -> str | None:
    if not item.campaign_key:
        return None
    options = calendar_service.campaign_options(plan)
    return next((o.name for o in options if o.key == item.campaign_key), None)


@bp.route("/plans/<int:plan_id>/calendar/delete", methods=["GET", "POST"])
@require("plan.draft")
def item_delete(plan_id: int) -> ResponseReturnValue:
    """GET asks first (no JavaScript needed); the POST of that page deletes."""
    found = _editable_item(plan_id)
    if not isinstance(found, tuple):
        return found
    plan, brand, item_id, item, ref = found
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            calendar_service.delete_item(
                plan,
                item_id,
                author=current_user,
                expected_version=parse_version(form.version.data),
            )
        except EditConflict as err:
            ctx = _item_conflict(plan, form, err, None, "calendar.item_delete")
            return render_template(
                "calendar/item_delete.html", **_item_context(plan, brand, item, form), **ctx
            ), 409
        except NotFound:
            abort(404)
        except ServiceError as err:
            flash(err.message, "error")
        else:
            when = format_date(item.date, "long") if item is not None else ""
            flash(_("Calendar item of %(date)s deleted.", date=when), "success")
        return redirect(_month_url(brand.id), code=303)
    if item is None:  # a stale POST without its CSRF token: nothing to show
        abort(404)
    form.version.data = str(plan.version)
    form.ref.data = ref
    return render_template("calendar/item_delete.html", **_item_context(plan, brand, item, form))


@bp.route("/plans/<int:plan_id>/export/<any(campaigns, calendar):kind>.csv")
@require("plan.view")
def export_csv(plan_id: int, kind: str) -> ResponseReturnValue:
    plan = _plan_or_404(plan_id)
    revision = None
    if request.args.get("revision"):
        try:
            revision = plans.get_revision(plan, number=request.args["revision"])
        except NotFound:
            abort(404)
    data = plan_csv.export_csv(plan, kind, revision)
    response = Response(data, content_type="text/csv; charset=utf-8")
    suffix = f"-r{revision.number}" if revision is not None else ""
    response.headers["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.id}{suffix}-{kind}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route(
    "/plans/<int:plan_id>/import/template/<any(campaigns, calendar):kind>.<any(en, ar):lang>.csv"
)
@require("plan.draft")
def import_template(plan_id: int, kind: str, lang: str) -> ResponseReturnValue:
    """A header row and one example row, in English or Arabic, that imports as it is."""
    plan = _plan_or_404(plan_id)
    data = plan_csv.template_csv(plan, kind, lang)
    response = Response(data, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="tandem-{kind}-template-{lang}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
@require("plan.draft")
def import_csv(plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(plan_id)
    brand = get_or_404(Brand, plan.brand_id)
    use_brand(brand)
    editable = plan_workflow.can_edit(plan.status, current_role() or "")
    form = ImportForm()
    if request.method == "GET" and request.args.get("kind") in plan_csv.KINDS:
        form.kind.data = request.args["kind"]
    if request.method == "GET":
        form.version.data = str(plan.version)
    errors: list[plan_csv.RowError] = []
    conflict = None
    if editable and form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, _("Choose a CSV file to import.")]
        else:
            data = upload.stream.read(plan_csv.MAX_BYTES + 1)
            try:
                result = plan_csv.import_csv(
                    plan,
                    form.kind.data,
                    data,
                    upload.filename,
                    g.membership,
                    expected_version=parse_version(form.version.data),
                )
            except plan_csv.ImportRejected as err:
                errors = err.errors
            except plan_csv.ImportConflict as err:
                # Both versions; choosing the file again with the saved version in view
                # is a deliberate choice.
                conflict = import_conflict(plan, err)
                form.version.data = str(plan.version)
            except ServiceError as err:
                flash(err.message, "error")
            else:
                if result.kind == "campaigns":
                    message = _(
                        "Imported %(count)s campaigns into revision %(number)s.",
                        count=result.count,
                        number=result.revision.number,
                    )
                else:
                    message = _(
                        "Imported %(count)s calendar items into revision %(number)s.",
                        count=result.count,
                        number=result.revision.number,
                    )
                flash(message, "success")
                if result.detached:
                    flash(
                        _(
                            "%(count)s calendar items belonged to campaigns that are no longer "
                            "in the plan. They are kept, without a campaign.",
                            count=result.detached,
                        ),
                        "warning",
                    )
                return redirect(_plan_url(plan), code=303)
    failed = bool(errors or form.errors)
    return render_template(
        "calendar/import.html",
        plan=plan,
        brand=brand,
        form=form,
        conflict=conflict,
        editable=editable,
        errors=errors[:SHOWN_ERRORS],
        hidden_errors=max(0, len(errors) - SHOWN_ERRORS),
        error_count=len(errors),
        plan_url=_plan_url(plan),
        campaign_headers=plan_csv.CAMPAIGN_HEADERS,
        calendar_headers=plan_csv.CALENDAR_HEADERS,
        arabic_headers=plan_csv.ARABIC_HEADERS,
        max_mb=plan_csv.MAX_BYTES >> 20,
        max_rows=plan_csv.MAX_ROWS,
    ), 409 if conflict is not None else 422 if failed else 200
