"""Protected learning time: a brand's budget of hours per person per month, this month's
planned and done hours against it, the learning items (filtered and paginated), adding and
changing an item, marking one's own item done, and "Learn this" from a review's finding.

Every rule (the budget, who may change what) is ``saas.services.learning``'s; a refusal
re-renders the form with its message next to the field and every input kept (422, nothing
saved).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from sqlalchemy import select

from saas.extensions import db
from saas.http import get_or_404, page_args, paginate
from saas.i18n import gettext as _
from saas.i18n import use_brand
from saas.models import Brand, Finding, Review, StrategySession
from saas.models.capability import LEARNING_STATUSES, LearningItem
from saas.models.plans import PlanRevision
from saas.presentation.labels.reviews import rule_label
from saas.presentation.lessons import lesson_for
from saas.services import learning as service
from saas.services import strategy_sessions as sessions_service
from saas.services.capability import skills as skills_service
from saas.services.capability import team as team_service
from saas.services.errors import Forbidden, ServiceError
from saas.web.capability import learning_bp as bp
from saas.web.capability.forms import (
    FORMAT_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    BudgetForm,
    DoneForm,
    ItemForm,
)
from saas.web.capability.views import skill_name
from saas.web.common import allowed, require
from saas.web.forms import show_errors

PER_PAGE = 20


def _brand(brand_id: int) -> Brand:
    brand = get_or_404(Brand, brand_id)
    use_brand(brand)
    return brand


def _item(brand: Brand, item_id: int) -> LearningItem:
    return get_or_404(LearningItem, item_id, LearningItem.brand_id == brand.id)


def _one(model: Any, ident: int | None) -> Any:
    """A row the item links to, through a scoped SELECT (never the identity map)."""
    if ident is None:
        return None
    return db.session.scalar(select(model).where(model.id == ident))


def _training_sessions(brand: Brand) -> list[StrategySession]:
    stmt = sessions_service.for_brand(brand.id).where(StrategySession.kind == "training")
    return list(db.session.scalars(stmt))


def _item_form(brand: Brand, form: ItemForm | None = None, **kwargs: Any) -> ItemForm:
    form = form or ItemForm(**kwargs)
    form.set_choices(
        service.members(brand.id),
        skills_service.active_skills(),
        _training_sessions(brand),
        skill_name,
    )
    return form


def _percent(part: float, whole: float) -> int:
    return 0 if whole <= 0 else min(100, round(part * 100 / whole))


def _labels() -> dict[str, Any]:
    return {
        "FORMAT_LABELS": FORMAT_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_BADGES": STATUS_BADGES,
        "skill_names": {s.key: skill_name(s) for s in skills_service.all_skills()},
    }


# --- the learning page ------------------------------------------------------------------------


def _render_index(
    brand: Brand,
    *,
    budget_form: BudgetForm | None = None,
    item_form: ItemForm | None = None,
    status: int = 200,
) -> Any:
    today = service.today_for(brand)
    hours = service.month_hours(brand, today.year, today.month)
    members = service.members(brand.id)
    status_filter = request.args.get("status", "")
    if status_filter not in LEARNING_STATUSES:
        status_filter = ""
    member_filter = request.args.get("member", "")
    member_id = int(member_filter) if member_filter.isascii() and member_filter.isdigit() else None
    if member_id is not None and member_id not in {m.id for m in members}:
        member_id = None
    page, per_page = page_args(PER_PAGE)
    result = paginate(
        service.for_brand(brand.id, status=status_filter or None, member_id=member_id),
        page,
        per_page,
    )
    manage = service.can_manage(g.membership.role)
    if budget_form is None and manage:
        budget_form = BudgetForm(formdata=None)
        current = hours.budget_per_person
        budget_form.hours_per_person_per_month.data = f"{current:g}" if current else ""
    if item_form is None and manage:
        item_form = _item_form(brand, formdata=None)
        item_form.due_on.data = (today + timedelta(days=14)).isoformat()
    return render_template(
        "learning/index.html",
        brand=brand,
        hours=hours,
        month_label=format_date(today, "MMMM y"),
        planned_pct=_percent(hours.planned, hours.team_budget),
        done_pct=_percent(hours.done, hours.team_budget),
        over=hours.team_budget > 0 and hours.planned > hours.team_budget,
        members=members,
        member_names={m.id: m.name for m in members},
        page=result,
        status_filter=status_filter,
        member_filter=member_id,
        can_manage=manage,
        own_ids=service.own_member_ids(g.membership, brand.id),
        can_complete=allowed("learning.complete"),
        budget_form=budget_form,
        item_form=item_form,
        history=service.budget_history(brand.id)[:5],
        done_form=DoneForm(formdata=None),
        **_labels(),
    ), status


@bp.get("/brands/<int:brand_id>/learning")
@require("capability.view")
def index(brand_id: int) -> ResponseReturnValue:
    return _render_index(_brand(brand_id))


@bp.post("/brands/<int:brand_id>/learning/budget")
@require("learning.manage")
def budget(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = BudgetForm()
    if not form.validate_on_submit():
        return _render_index(brand, budget_form=form, status=422)
    try:
        row = service.set_budget(g.membership, brand, form.hours_per_person_per_month.data)
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_index(brand, budget_form=form, status=422)
    flash(
        _(
            "Budget recorded: %(hours)s hours per person per month.",
            hours=f"{row.hours_per_person_per_month:g}",
        ),
        "success",
    )
    return redirect(url_for("learning.index", brand_id=brand.id), code=303)


@bp.post("/brands/<int:brand_id>/learning/items")
@require("learning.manage")
def add(brand_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    form = _item_form(brand)
    if not form.validate_on_submit():
        return _render_index(brand, item_form=form, status=422)
    try:
        item = service.create(g.membership, brand, form.body())
    except Forbidden:
        abort(403)
    except ServiceError as err:
        show_errors(form, err)
        return _render_index(brand, item_form=form, status=422)
    flash(_("Learning item planned: %(title)s.", title=item.title), "success")
    return redirect(url_for("learning.index", brand_id=brand.id), code=303)


# --- one item ---------------------------------------------------------------------------------


def _render_item(
    brand: Brand, item: LearningItem, form: ItemForm | None = None, status: int = 200
) -> Any:
    manage = service.can_manage(g.membership.role)
    if manage and form is None:
        form = _item_form(brand, formdata=None)
        form.fill(item)
    member = team_service.member_of(brand.id, item.member_id)
    finding = _one(Finding, item.finding_id)
    session = _one(StrategySession, item.session_id)
    own = item.member_id in service.own_member_ids(g.membership, brand.id)
    return render_template(
        "learning/item.html",
        brand=brand,
        item=item,
        member=member,
        finding=finding,
        training=session,
        form=form if manage else None,
        can_mark=(not manage) and own and allowed("learning.complete"),
        done_form=DoneForm(formdata=None),
        **_labels(),
    ), status


@bp.route("/brands/<int:brand_id>/learning/items/<int:learning_item_id>", methods=["GET", "POST"])
@require("capability.view")
def item(brand_id: int, learning_item_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    row = _item(brand, learning_item_id)
    if request.method != "POST":
        return _render_item(brand, row)
    if not allowed("learning.complete"):
        abort(403)
    if service.can_manage(g.membership.role):
        form = _item_form(brand)
        if not form.validate_on_submit():
            return _render_item(brand, row, form, 422)
        values = form.body(with_status=True)
        message = _("Changes saved.")
    else:
        done = DoneForm()
        if not done.validate_on_submit():
            abort(400)
        values = {"status": done.status.data}
        form = None
        message = (
            _("Marked done. Well done!") if done.status.data == "done" else _("Marked planned.")
        )
    try:
        service.update(g.membership, row, values)
    except Forbidden:
        abort(403)
    except ServiceError as err:
        if form is None:
            flash(err.message, "error")
            return _render_item(brand, row, None, 422)
        show_errors(form, err)
        return _render_item(brand, row, form, 422)
    flash(message, "success")
    back = request.form.get("next") or ""
    if back == "index":
        return redirect(url_for("learning.index", brand_id=brand.id), code=303)
    return redirect(url_for("learning.item", brand_id=brand.id, learning_item_id=row.id), code=303)


# --- Learn this, from a finding -----------------------------------------------------------------


def _finding(brand: Brand, finding_id: int) -> tuple[Finding, Review]:
    finding = get_or_404(Finding, finding_id)
    if finding.brand_id != brand.id:
        abort(404)
    review = get_or_404(Review, finding.review_id)
    return finding, review


def _author_member_id(brand: Brand, review: Review) -> int | None:
    """The team member linked to the reviewed revision's author, when there is one."""
    revision = get_or_404(PlanRevision, review.revision_id)
    if revision.author_id is None:
        return None
    member = team_service.linked_member(brand.id, revision.author_id)
    return member.id if member is not None and member.active else None


def _default_title(finding: Finding) -> str:
    title = _("Lesson: %(rule)s", rule=rule_label(finding.rule))
    skill = finding.params.get("skill") if isinstance(finding.params, dict) else None
    if skill:
        title = f"{title} · {skill_name(skills_service.by_key(str(skill)), str(skill))}"
    return title[:200]


@bp.route("/brands/<int:brand_id>/findings/<int:finding_id>/learn", methods=["GET", "POST"])
@require("learning.manage")
def learn_this(brand_id: int, finding_id: int) -> ResponseReturnValue:
    brand = _brand(brand_id)
    finding, review = _finding(brand, finding_id)
    form = _item_form(brand)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                item = service.create(g.membership, brand, form.body(), finding_id=finding.id)
            except Forbidden:
                abort(403)
            except ServiceError as err:
                show_errors(form, err)
            else:
                member = team_service.member_of(brand.id, item.member_id)
                flash(
                    _(
                        "Learning item planned for %(name)s: %(title)s.",
                        name=member.name if member else "",
                        title=item.title,
                    ),
                    "success",
                )
                url = url_for("reviews.show", review_id=review.id)
                return redirect(f"{url}#finding-{finding.id}", code=303)
        status = 422
    else:
        today = service.today_for(brand)
        default_member = _author_member_id(brand, review)
        form.member_id.data = str(default_member) if default_member else ""
        form.title.data = _default_title(finding)
        skill = finding.params.get("skill") if isinstance(finding.params, dict) else None
        form.skill_key.data = str(skill) if skill else ""
        form.due_on.data = (today + timedelta(days=14)).isoformat()
        form.hours.data = "2"
    return render_template(
        "learning/learn_this.html",
        brand=brand,
        finding=finding,
        review=review,
        lesson=lesson_for(finding.rule),
        rule=rule_label(finding.rule),
        form=form,
        locale=str(get_locale() or "en"),
        **_labels(),
    ), status
