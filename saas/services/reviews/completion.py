"""Recommendations and the verdict: completing a review moves the plan and tells the client.

The consultant's verdict is what moves the plan: aligned → approved, otherwise
changes_requested.  Nobody approves a revision they wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, BrandAccess, Membership, User
from saas.models.plans import Plan, PlanRevision
from saas.models.reviews import VERDICTS, Finding, Review
from saas.services import audit, plans
from saas.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from saas.services.mail import queue_email
from saas.services.reviews.access import RECOMMENDATIONS_MAX, require_open, require_staff
from saas.services.reviews.queries import revision_of
from saas.transactions import use_case
from tenants.models import Role, utcnow


def _clean_recommendations(text: str | None) -> str | None:
    value = (text or "").strip()
    if len(value) > RECOMMENDATIONS_MAX:
        raise ValidationFailed(
            _("The recommendations are too long."),
            {"recommendations": _("Use at most %(n)d characters.", n=RECOMMENDATIONS_MAX)},
        )
    return value or None


@use_case
def set_recommendations(review: Review, text: str | None, membership: Membership) -> Review:
    require_staff(membership)
    require_open(review)
    review.recommendations = _clean_recommendations(text)
    audit.record("review.recommendations_saved", review, label=f"#{review.id}")
    db.session.flush()
    return review


@use_case
def complete(
    review: Review,
    verdict: str | None,
    membership: Membership,
    *,
    recommendations: str | None = None,
) -> Review:
    """Record the verdict; the plan moves to approved (aligned) or changes_requested."""
    require_staff(membership)
    require_open(review)
    if verdict not in VERDICTS:
        raise ValidationFailed(
            _("Choose a verdict."),
            {"verdict": _("Choose aligned, needs changes or misaligned.")},
        )
    if recommendations is not None:
        review.recommendations = _clean_recommendations(recommendations)
    undecided = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.review_id == review.id, Finding.state == "open"
        )
    )
    if undecided:
        raise Conflict(
            _(
                "Accept or dismiss every finding before recording the verdict: %(n)d still open.",
                n=undecided,
            ),
            {"verdict": _("%(n)d findings are still open.", n=undecided)},
            code="findings_open",
        )
    revision = revision_of(review)
    if verdict == "aligned" and revision.author_id == membership.user_id:
        raise Forbidden(
            _("You wrote this revision, so someone else must approve it."),
            {"verdict": _("Nobody approves a plan revision they authored.")},
            code="own_revision",
        )
    plan = db.session.scalar(select(Plan).where(Plan.id == review.plan_id).with_for_update())
    if plan is None:
        raise NotFound(_("This plan no longer exists."))
    review.verdict = verdict
    review.status = "completed"
    review.completed_at = utcnow()
    review.reviewer_id = membership.user_id
    audit.record(
        "review.completed",
        review,
        label=plan.title,
        plan_id=plan.id,
        revision=revision.number,
        verdict=verdict,
        score=review.score,
    )
    _notify(review, plan, revision)
    target = "approved" if verdict == "aligned" else "changes_requested"
    # The plan's move, the verdict, its audit row and the e-mails are one unit of work.
    plans.transition(plan, target, membership, via_review=True)
    return review


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    locale: str


def recipients(plan: Plan) -> list[Recipient]:
    """The brand's client team members and the plan's creator, each once (two queries)."""
    brand = db.session.scalar(select(Brand).where(Brand.id == plan.brand_id))
    fallback = (brand.language if brand is not None else None) or "en"
    team: Iterable[Membership] = db.session.scalars(
        select(Membership)
        .join(BrandAccess, BrandAccess.membership_id == Membership.id)
        .where(BrandAccess.brand_id == plan.brand_id, Membership.role == Role.CLIENT_TEAM.value)
    ).unique()
    users: dict[int, User] = {m.user_id: m.user for m in team}
    if plan.created_by_id is not None and plan.created_by_id not in users:
        creator = db.session.scalar(select(User).where(User.id == plan.created_by_id))
        if creator is not None:
            users[creator.id] = creator
    out = []
    for user in users.values():
        if not user.is_active:
            continue
        locale = user.locale if user.locale in ("en", "ar") else fallback
        out.append(Recipient(email=user.email, name=user.name, locale=locale))
    return sorted(out, key=lambda r: r.email)


def review_url(review: Review) -> str:
    return f"{current_app.config['BASE_URL']}/reviews/{review.id}"


def _notify(review: Review, plan: Plan, revision: PlanRevision) -> None:
    brand = db.session.scalar(select(Brand).where(Brand.id == plan.brand_id))
    agency = plan_agency(plan)
    accepted = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.review_id == review.id, Finding.state == "accepted"
        )
    )
    for person in recipients(plan):
        queue_email(
            to=person.email,
            template="review_completed",
            locale=person.locale,
            kind="review_completed",
            name=person.name,
            plan_title=plan.title,
            brand_name=brand.name if brand is not None else "",
            revision=revision.number,
            verdict=review.verdict,
            score=review.score,
            accepted=int(accepted or 0),
            recommendations=review.recommendations,
            url=review_url(review),
            agency_name=agency.name if agency is not None else None,
            accent_color=agency.accent_color if agency is not None else None,
        )


def plan_agency(plan: Plan) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.id == plan.agency_id))
