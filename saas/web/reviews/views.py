"""Reviews: open a review, judge findings, comment, recommend, record the verdict; the
goal × campaign matrix and a plan's score history.

Thin views: permission decorator, a scoped load, one service call, render.  Client users
see completed reviews only (404 otherwise), accepted findings, shared comments, no forms.
Every page loads in a constant number of queries, whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.routing import BuildError

from saas.domain import plan_workflow
from saas.extensions import db
from saas.http import get_or_404
from saas.i18n import gettext as _
from saas.i18n import text_direction, use_brand
from saas.models import Brand
from saas.models.plans import Plan
from saas.models.reviews import Finding, Review
from saas.presentation.charts import line_chart
from saas.presentation.labels import reviews as labels
from saas.services import reviews as reviews_service
from saas.services.errors import ServiceError
from saas.web.common import require
from saas.web.reviews.forms import (
    CommentForm,
    DecisionForm,
    OpenReviewForm,
    RecommendationsForm,
    VerdictForm,
)

bp = Blueprint("reviews", __name__)


@bp.app_context_processor
def _review_labels() -> dict[str, Any]:
    return {"review_labels": labels.ALL}


def _locale() -> str:
    return str(get_locale() or "en")


def _plan_url(plan_id: int) -> str:
    try:
        return url_for("plans.show", plan_id=plan_id)
    except BuildError:  # the plans blueprint names its page differently
        return url_for("reviews.scores", plan_id=plan_id)


def _load_review(review_id: int) -> Review:
    review = reviews_service.load(review_id, g.membership)
    if review is None:
        abort(404)
    brand = get_or_404(Brand, review.brand_id)
    use_brand(brand)
    g.review_brand = brand
    return review


def _to_review(review_id: int, anchor: str | None = None) -> ResponseReturnValue:
    url = url_for("reviews.show", review_id=review_id)
    return redirect(f"{url}#{anchor}" if anchor else url, code=303)


# --- open -----------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/reviews", methods=["POST"])
@require("review.conduct")
def open(plan_id: int) -> ResponseReturnValue:  # noqa: A001 - endpoint reviews.open
    plan = get_or_404(Plan, plan_id)
    form = OpenReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review = reviews_service.open_review(plan, g.membership, locale=_locale())
    except ServiceError as err:
        flash(err.message, "error")
        return redirect(_plan_url(plan_id), code=303)
    return _to_review(review.id)


# --- the review page ------------------------------------------------------------------------


def _page(review: Review, *, status: int = 200, **forms: Any) -> ResponseReturnValue:
    membership = g.membership
    staff = reviews_service.is_staff(membership)
    locale = _locale()
    plan = reviews_service.plan_of(review)
    revision = reviews_service.revision_of(review)
    campaigns = reviews_service.campaign_names(review.revision_id)
    goals = reviews_service.goal_names(review.brand_id)
    campaign_name = {cid: name for cid, name, _key in campaigns}
    goal_name = {gid: title for gid, title, _prio in goals}

    findings = reviews_service.findings_for(review, membership)
    rendered: dict[int, tuple[str, str]] = {
        f.id: reviews_service.render_finding(f, locale) for f in findings
    }
    by_campaign: dict[int, list[Finding]] = defaultdict(list)
    by_goal: dict[int, list[Finding]] = defaultdict(list)
    plan_wide: list[Finding] = []
    for f in findings:
        if f.campaign_id is not None:
            by_campaign[f.campaign_id].append(f)
        if f.goal_id is not None:
            by_goal[f.goal_id].append(f)
        if f.campaign_id is None and f.goal_id is None:
            plan_wide.append(f)

    comments = reviews_service.comments_for(review, membership)
    comments_on_campaign: dict[int, list[Any]] = defaultdict(list)
    comments_on_goal: dict[int, list[Any]] = defaultdict(list)
    general_comments: list[Any] = []
    for c in comments:
        if c.campaign_id is not None:
            comments_on_campaign[c.campaign_id].append(c)
        elif c.goal_id is not None:
            comments_on_goal[c.goal_id].append(c)
        else:
            general_comments.append(c)

    counts = {
        state: sum(1 for f in findings if f.state == state)
        for state in ("open", "accepted", "dismissed")
    }
    verdict = review.verdict if review.status == "completed" else review.engine_verdict
    decision_form = forms.get("decision_form")
    comment_form = forms.get("comment_form")
    recommendations_form = forms.get("recommendations_form") or RecommendationsForm(
        recommendations=review.recommendations
    )
    verdict_form = forms.get("verdict_form") or VerdictForm()
    return render_template(
        "reviews/show.html",
        review=review,
        plan=plan,
        revision=revision,
        brand=g.review_brand,
        staff=staff,
        can_act=staff and review.status == "open",
        verdict=verdict,
        findings=findings,
        rendered=rendered,
        campaigns=campaigns,
        goals=goals,
        campaign_name=campaign_name,
        goal_name=goal_name,
        by_campaign=by_campaign,
        by_goal=by_goal,
        plan_wide=plan_wide,
        comments_on_campaign=comments_on_campaign,
        comments_on_goal=comments_on_goal,
        general_comments=general_comments,
        names=reviews_service.user_names(
            [c.author_id for c in comments] + [f.decided_by_id for f in findings]
        ),
        counts=counts,
        plan_url=_plan_url(plan.id),
        decision_form=decision_form,
        decision_finding_id=forms.get("decision_finding_id"),
        comment_form=comment_form,
        blank_decision=DecisionForm(formdata=None),
        blank_comment=CommentForm(formdata=None),
        recommendations_form=recommendations_form,
        verdict_form=verdict_form,
        page_error=forms.get("page_error"),
    ), status


@bp.route("/reviews/<int:review_id>")
@require("review.view")
def show(review_id: int) -> ResponseReturnValue:
    return _page(_load_review(review_id))


@bp.route("/reviews/<int:review_id>/findings/<int:finding_id>", methods=["POST"])
@require("review.conduct")
def decide(review_id: int, finding_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    finding = get_or_404(Finding, finding_id, Finding.review_id == review.id)
    form = DecisionForm()
    if not form.validate_on_submit() or form.accept is None:
        abort(400)
    try:
        reviews_service.decide_finding(finding, form.accept, form.reason.data, g.membership)
    except ServiceError as err:
        db.session.rollback()
        form.reason.errors = [err.fields.get("reason", err.message)]
        return _page(
            _load_review(review_id),
            status=err.status,
            decision_form=form,
            decision_finding_id=finding_id,
        )
    return _to_review(review_id, f"finding-{finding_id}")


@bp.route("/reviews/<int:review_id>/comments", methods=["POST"])
@require("review.conduct")
def comment(review_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    campaign_id, goal_id = form.target()
    try:
        created = reviews_service.add_comment(
            review,
            form.body.data,
            bool(form.shared.data),
            campaign_id,
            goal_id,
            membership=g.membership,
        )
    except ServiceError as err:
        db.session.rollback()
        form.body.errors = [err.fields.get("body") or next(iter(err.fields.values()), err.message)]
        return _page(_load_review(review_id), status=err.status, comment_form=form)
    flash(_("Comment added."), "success")
    return _to_review(review_id, f"comment-{created.id}")


@bp.route("/reviews/<int:review_id>/recommendations", methods=["POST"])
@require("review.conduct")
def recommend(review_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    form = RecommendationsForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reviews_service.set_recommendations(review, form.recommendations.data, g.membership)
    except ServiceError as err:
        db.session.rollback()
        form.recommendations.errors = [err.fields.get("recommendations", err.message)]
        return _page(_load_review(review_id), status=err.status, recommendations_form=form)
    flash(_("Recommendations saved."), "success")
    return _to_review(review_id, "recommendations")


@bp.route("/reviews/<int:review_id>/complete", methods=["POST"])
@require("review.conduct")
def complete(review_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    form = VerdictForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reviews_service.complete(review, form.verdict.data, g.membership)
    except ServiceError as err:
        db.session.rollback()
        form.verdict.errors = [err.message]
        return _page(_load_review(review_id), status=err.status, verdict_form=form)
    flash(_("Review completed. The client team has been told."), "success")
    return _to_review(review_id)


# --- matrix and score history ---------------------------------------------------------------


@bp.route("/reviews/<int:review_id>/matrix")
@require("review.view")
def matrix(review_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    plan = reviews_service.plan_of(review)
    revision = reviews_service.revision_of(review)
    campaigns = reviews_service.campaign_names(review.revision_id)
    coverage = review.coverage or {}
    goals = [row for row in reviews_service.goal_names(review.brand_id) if str(row[0]) in coverage]
    cells = {
        gid: [
            reviews_service.strength_word((coverage.get(str(gid)) or {}).get(str(cid)))
            for cid, _name, _key in campaigns
        ]
        for gid, _title, _prio in goals
    }
    return render_template(
        "reviews/matrix.html",
        review=review,
        plan=plan,
        revision=revision,
        brand=g.review_brand,
        campaigns=campaigns,
        goals=goals,
        cells=cells,
        goal_scores=review.goal_scores or {},
        campaign_scores=review.campaign_scores or {},
    )


@bp.route("/plans/<int:plan_id>/scores")
@require("review.view")
def scores(plan_id: int) -> ResponseReturnValue:
    plan = get_or_404(Plan, plan_id)
    if not plan_workflow.can_view(plan.status, g.membership.role):
        abort(404)
    brand = get_or_404(Brand, plan.brand_id)
    use_brand(brand)
    history = reviews_service.reviews_of_plan(plan, g.membership)
    points = [(r.created_at.date(), float(r.score)) for r, _number in history]
    chart = line_chart(
        points,
        title=_("Alignment score of %(plan)s across revisions", plan=plan.title),
        locale=_locale(),
        rtl=text_direction() == "rtl",
        empty_message=_("No review yet."),
    )
    return render_template(
        "reviews/scores.html",
        plan=plan,
        brand=brand,
        history=history,
        chart=chart,
        plan_url=_plan_url(plan.id),
    )
