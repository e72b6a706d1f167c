"""Reviews: open a review, judge findings, comment, recommend, record the verdict; the
goal × campaign matrix and a plan's score history.

Thin views: permission decorator, a scoped load, one service call, render.  Client users
see completed reviews only (404 otherwise), accepted findings, shared comments, no forms.
Every page loads in a constant number of queries, whatever the plan's size.

Judging is progressive enhancement: the plain forms POST and come back to the finding's
anchor (``#finding-<id>``), so the page keeps its place without JavaScript; with
``static/review.js`` the same forms are sent by ``fetch`` asking for JSON, and the answer
carries the re-rendered cards and summary the script swaps in, so nothing reloads.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.routing import BuildError

from saas.domain import plan_workflow
from saas.extensions import db
from saas.http import get_or_404, parse_id
from saas.http.errors import json_error
from saas.i18n import gettext as _
from saas.i18n import ngettext, text_direction, use_brand
from saas.models import Brand
from saas.models.plans import Plan
from saas.models.reviews import Finding, Review
from saas.presentation.charts import score_chart
from saas.presentation.labels import reviews as labels
from saas.services import reviews as reviews_service
from saas.services.errors import ServiceError
from saas.web.common import allowed, require
from saas.web.reviews.forms import (
    AcceptAllForm,
    CommentForm,
    DecisionForm,
    OpenReviewForm,
    RecommendationsForm,
    VerdictForm,
)
from saas.web.reviews.rendering import CSRF_SLOT, Reuse, fill_csrf

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


_ID_SLOT = 2_147_483_646  # an id no row has: url_for builds it once, each card swaps its own in


def _id_url(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """A URL that differs between a page's rows only by one integer id: ``url_for`` once
    per page (it costs about as much as a card's text), then string substitution."""
    head, found, tail = url_for(endpoint, **values, **{key: _ID_SLOT}).rpartition(str(_ID_SLOT))
    if not found:  # a converter changed the id: build each one
        return lambda i: url_for(endpoint, **values, **{key: i})
    return lambda i: f"{head}{i}{tail}"


def _load_review(review_id: int) -> Review:
    review = reviews_service.load(review_id, g.membership)
    if review is None:
        abort(404)
    brand = get_or_404(Brand, review.brand_id)
    use_brand(brand)
    g.review_brand = brand
    return review


def _wants_json() -> bool:
    """The review script's fetch (``Accept: application/json`` or ``X-Requested-With``);
    a plain form post prefers HTML and gets a redirect."""
    if request.headers.get("X-Requested-With", "").lower() in {"fetch", "xmlhttprequest"}:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


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
        review = reviews_service.open_review(
            plan,
            g.membership,
            locale=_locale(),
            seen_revision_id=parse_id(form.revision_id.data),
        )
    except ServiceError as err:
        flash(err.message, "error")
        return redirect(_plan_url(plan_id), code=303)
    return _to_review(review.id)


# --- the review page ------------------------------------------------------------------------


def _context(
    review: Review, *, page: reviews_service.ReviewPage | None = None, **forms: Any
) -> dict[str, Any]:
    """Everything the review page and its fragments (cards, summary) render from: from
    ``page`` when the caller loaded it (the page itself), else from ``review`` (the forms'
    answers, which have the review's findings and comments loaded)."""
    membership = g.membership
    staff = reviews_service.is_staff(membership)
    locale = _locale()
    findings: list[Any]
    comments: list[Any]
    if page is not None:
        plan, revision = page.plan, page.revision
        findings, comments, names = page.findings, page.comments, page.names
    else:
        plan = reviews_service.plan_of(review)
        revision = reviews_service.revision_of(review)
        findings = reviews_service.findings_for(review, membership)
        comments = reviews_service.comments_for(review, membership)
        names = reviews_service.user_names(
            [c.author_id for c in comments] + [f.decided_by_id for f in findings]
        )
    campaigns, goals = reviews_service.names_of(review.revision_id, review.brand_id)
    campaign_name = {cid: name for cid, name, _key in campaigns}
    goal_name = {gid: title for gid, title, _prio in goals}

    rendered: dict[int, tuple[str, str]] = {
        f.id: reviews_service.render_finding(f, locale) for f in findings
    }
    by_campaign: dict[int, list[Any]] = defaultdict(list)
    by_goal: dict[int, list[Any]] = defaultdict(list)
    plan_wide: list[Any] = []
    for f in findings:
        if f.campaign_id is not None:
            by_campaign[f.campaign_id].append(f)
        if f.goal_id is not None:
            by_goal[f.goal_id].append(f)
        if f.campaign_id is None and f.goal_id is None:
            plan_wide.append(f)

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
    lesson_urls = {
        rule: url_for("methodology.lesson", rule=rule) for rule in {f.rule for f in findings}
    }
    learning_manage = staff and allowed("learning.manage")
    # Every input a card body prints (templates/reviews/_finding.html, card_body): the
    # page's part once, then each finding's (see saas/web/reviews/rendering.py).
    page_key = (
        locale,
        staff,
        learning_manage,
        review.brand_id,
        url_for("learning.learn_this", brand_id=review.brand_id, finding_id=_ID_SLOT)
        if learning_manage
        else None,
    )
    card_keys = {
        f.id: (
            page_key,
            f.id,
            f.brand_id,
            f.rule,
            f.severity,
            f.state,
            f.dismiss_reason,
            f.decided_by_id,
            names.get(f.decided_by_id, "—"),
            rendered[f.id],
            lesson_urls[f.rule],
        )
        for f in findings
    }
    verdict = review.verdict if review.status == "completed" else review.engine_verdict
    decision_form = forms.get("decision_form")
    comment_form = forms.get("comment_form")
    can_act = staff and review.status == "open"
    remembered_sharing = getattr(current_user, "share_comments", None)
    sections_key = (
        _sections_key(
            review,
            (page_key, can_act, remembered_sharing),
            campaigns,
            goals,
            findings,
            comments,
            names,
            card_keys,
        )
        if decision_form is None and comment_form is None  # a form's errors: afresh
        else None
    )
    recommendations_form = forms.get("recommendations_form") or RecommendationsForm(
        recommendations=review.recommendations
    )
    verdict_form = forms.get("verdict_form") or VerdictForm()
    return dict(
        review=review,
        plan=plan,
        revision=revision,
        brand=g.review_brand,
        staff=staff,
        can_act=can_act,
        csrf=CSRF_SLOT if can_act else "",
        sections_key=sections_key,
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
        names=names,
        counts=counts,
        plan_url=_plan_url(plan.id),
        decision_form=decision_form,
        decision_finding_id=forms.get("decision_finding_id"),
        comment_form=comment_form,
        recommendations_form=recommendations_form,
        verdict_form=verdict_form,
        page_error=forms.get("page_error"),
        bulk_error=forms.get("bulk_error"),
        remembered_sharing=remembered_sharing,
        lesson_urls=lesson_urls,
        card_keys=card_keys,
        id_url=_id_url,
        reuse=Reuse(),
    )


def _sections_key(
    review: Review,
    reader: tuple[Any, bool, bool | None],
    campaigns: list[tuple[int, str, str]],
    goals: list[tuple[int, str, str]],
    findings: list[Any],
    comments: list[Any],
    names: dict[int, str],
    card_keys: dict[int, tuple[Any, ...]],
) -> tuple[Any, ...]:
    """Every input the review page's findings sections print (show.html, ``sections``):
    the cards' keys (language, role, each finding's state and text), where each finding
    sits, the campaigns and goals with their scores, the comments with their authors'
    names, and the reader's part: the page's language and role (``page_key``: a review
    without findings has no card to carry them), whether they may act, their remembered
    sharing choice.  A change to any of them is a new key, so the next request renders
    afresh (rendering.py)."""
    return (
        review.id,
        reader,
        request.script_root,
        str(get_timezone()),
        json.dumps(review.campaign_scores or {}, sort_keys=True),
        json.dumps(review.goal_scores or {}, sort_keys=True),
        tuple(campaigns),
        tuple(goals),
        tuple((card_keys[f.id], f.campaign_id, f.goal_id) for f in findings),
        tuple(
            (
                c.id,
                c.campaign_id,
                c.goal_id,
                c.body,
                c.shared,
                c.author_id,
                names.get(c.author_id),
                c.created_at,
            )
            for c in comments
        ),
    )


def _page(review: Review, *, status: int = 200, **forms: Any) -> ResponseReturnValue:
    ctx = _context(review, **forms)
    html = render_template("reviews/show.html", **ctx)
    if ctx["can_act"]:
        html = fill_csrf(html, generate_csrf())
    return html, status


def _score_texts(ctx: dict[str, Any]) -> dict[str, str]:
    """The per-campaign and per-goal score words, keyed by their element ids."""
    review = ctx["review"]
    out: dict[str, str] = {}
    for kind, scores, rows in (
        ("campaign", review.campaign_scores or {}, ctx["campaigns"]),
        ("goal", review.goal_scores or {}, ctx["goals"]),
    ):
        for row in rows:
            value = scores.get(str(row[0]))
            out[f"score-{kind}-{row[0]}"] = "" if value is None else _("score %(n)s", n=value)
    return out


def _judged(review: Review, finding_ids: list[int], message: str) -> ResponseReturnValue:
    """The JSON answer to the review script: the judged findings' cards (the one with the
    forms and its reference copy under the goal), the summary, the scores, a status line."""
    ctx = _context(review)
    by_id = {f.id: f for f in ctx["findings"]}
    cards: dict[str, str] = {}
    for finding_id in finding_ids:
        f = by_id.get(finding_id)
        if f is None:
            continue
        for with_forms, card_id in ((True, f"finding-{f.id}"), (False, f"finding-{f.id}-ref")):
            cards[card_id] = fill_csrf(
                render_template("reviews/_finding.html", f=f, with_forms=with_forms, **ctx),
                generate_csrf(),
            )
    counts = ctx["counts"]
    left = ngettext(
        "%(num)d finding still to decide.", "%(num)d findings still to decide.", counts["open"]
    )
    return jsonify(
        {
            "message": f"{message} {left}",
            "cards": cards,
            "summary": render_template("reviews/_summary.html", **ctx),
            "scores": _score_texts(ctx),
            "score": review.score,
            "counts": counts,
            "open_hint": _(
                "Accept or dismiss every finding first: %(n)s still to decide.", n=counts["open"]
            )
            if counts["open"]
            else "",
        }
    )


@bp.route("/reviews/<int:review_id>")
@require("review.view")
def show(review_id: int) -> ResponseReturnValue:
    page = reviews_service.load_page(review_id, g.membership)
    if page is None:
        abort(404)
    use_brand(page.brand)
    g.review_brand = page.brand
    return _page(page.review, page=page)


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
        if _wants_json():
            return json_error(err.status, err.message, err.fields, err.code)
        form.reason.errors = [err.fields.get("reason", err.message)]
        return _page(
            _load_review(review_id),
            status=err.status,
            decision_form=form,
            decision_finding_id=finding_id,
        )
    if _wants_json():
        return _judged(
            review, [finding_id], _("Finding accepted.") if form.accept else _("Finding dismissed.")
        )
    return _to_review(review_id, f"finding-{finding_id}")


@bp.route("/reviews/<int:review_id>/findings/accept-all", methods=["POST"])
@require("review.conduct")
def accept_all(review_id: int) -> ResponseReturnValue:
    review = _load_review(review_id)
    form = AcceptAllForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accepted = reviews_service.accept_all_remaining(
            review, g.membership, expected=form.expected
        )
    except ServiceError as err:
        db.session.rollback()
        if _wants_json():
            return json_error(err.status, err.message, err.fields, err.code)
        return _page(_load_review(review_id), status=err.status, bulk_error=err.message)
    message = ngettext("%(num)d finding accepted.", "%(num)d findings accepted.", len(accepted))
    if _wants_json():
        return _judged(review, [f.id for f in accepted], message)
    flash(message, "success")
    return _to_review(review_id, "verdict")


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
            form.sharing(),
            campaign_id,
            goal_id,
            membership=g.membership,
            remember=True,
        )
    except ServiceError as err:
        db.session.rollback()
        fields = dict(err.fields)
        form.shared.errors = [fields.pop("shared")] if "shared" in fields else []
        body = fields.pop("body", None)
        other = next(iter(fields.values()), None)
        if body is None and (other or not form.shared.errors):
            body = other or err.message
        form.body.errors = [body] if body else []
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
    # One point per review, in review order: two reviews on one day are two points.
    points = [
        (
            _("Revision %(number)s", number=number),
            format_date(r.completed_at or r.created_at, "d MMM"),
            float(r.score),
        )
        for r, number in history
    ]
    chart = score_chart(
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
