"""Comments on a review, a campaign or a goal: internal notes, or shared with the client.

Whether the client sees a comment is always an explicit answer, never a default: a
consultant whose first comments silently stayed internal never reached the client.  The
web form remembers each consultant's last answer (``User.share_comments``) and offers it
preselected next time.
"""

from __future__ import annotations

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Membership, User
from saas.models.goals import Goal
from saas.models.plans import Campaign
from saas.models.reviews import Review, ReviewComment
from saas.services import audit
from saas.services.errors import ValidationFailed
from saas.services.reviews.access import COMMENT_MAX, require_open, require_staff
from saas.transactions import use_case


@use_case
def add_comment(
    review: Review,
    body: str | None,
    shared: bool | None,
    campaign_id: int | None = None,
    goal_id: int | None = None,
    *,
    membership: Membership,
    remember: bool = False,
) -> ReviewComment:
    """A comment on the review, a campaign or a goal, shared with the client or internal.

    ``shared`` None means the author did not answer "Visible to the client?": refused.
    With ``remember`` the answer becomes the author's preselected one for next time.
    """
    require_staff(membership)
    require_open(review)
    errors: dict[str, str] = {}
    text = (body or "").strip()
    if not text:
        errors["body"] = _("Write a comment.")
    elif len(text) > COMMENT_MAX:
        errors["body"] = _("Use at most %(n)d characters.", n=COMMENT_MAX)
    if shared is None:
        errors["shared"] = _("Choose whether the client sees this comment.")
    if campaign_id is not None:
        found = db.session.scalar(
            select(Campaign.id).where(
                Campaign.id == campaign_id, Campaign.revision_id == review.revision_id
            )
        )
        if found is None:
            errors["campaign_id"] = _("Unknown campaign %(id)s", id=campaign_id)
    if goal_id is not None:
        found = db.session.scalar(
            select(Goal.id).where(Goal.id == goal_id, Goal.brand_id == review.brand_id)
        )
        if found is None:
            errors["goal_id"] = _("Unknown goal %(id)s", id=goal_id)
    if errors:
        raise ValidationFailed(_("The comment could not be saved."), errors)
    comment = ReviewComment(
        agency_id=review.agency_id,
        brand_id=review.brand_id,
        review_id=review.id,
        campaign_id=campaign_id,
        goal_id=goal_id,
        body=text,
        shared=bool(shared),
        author_id=membership.user_id,
    )
    db.session.add(comment)
    if remember:
        author = db.session.scalar(select(User).where(User.id == membership.user_id))
        if author is not None and author.share_comments is not bool(shared):
            author.share_comments = bool(shared)
    db.session.flush()
    audit.record(
        "review.commented",
        review,
        label=f"#{review.id}",
        comment_id=comment.id,
        shared=bool(shared),
        campaign_id=campaign_id,
        goal_id=goal_id,
    )
    db.session.flush()
    return comment
