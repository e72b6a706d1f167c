"""Reviews: the consultant's judgement over the alignment engine's findings.

A consultant opens a review on a plan's current revision; the engine pre-fills findings,
the coverage matrix and the scores.  The consultant accepts or dismisses each finding (a
dismissal needs a reason), comments on campaigns and goals (internal or shared with the
client), writes recommendations and records a verdict, which moves the plan's status and
tells the client team.

Who may see what (enforced here and by the views):
* staff (owner, consultant) see every review of the brands in their scope and may act;
* client users see completed reviews only, accepted findings only and shared comments only.

One module per use case: ``access`` (roles, limits), ``queries`` (loading as a member may
see), ``judging`` (opening and deciding findings, one by one or all remaining at once,
rescoring), ``comments`` and ``completion`` (recommendations, the verdict, the email to
the client team).
"""

from __future__ import annotations

from saas.services.reviews.access import (
    CLIENT_ROLES,
    COMMENT_MAX,
    CONDUCT_ROLES,
    REASON_MAX,
    RECOMMENDATIONS_MAX,
    REVIEWABLE_STATUSES,
    STAFF_ROLES,
    STRONG_AT,
    is_staff,
    strength_word,
)
from saas.services.reviews.comments import add_comment
from saas.services.reviews.completion import (
    Recipient,
    complete,
    plan_agency,
    recipients,
    review_url,
    set_recommendations,
)
from saas.services.reviews.judging import accept_all_remaining, decide_finding, open_review
from saas.services.reviews.queries import (
    ReviewFacts,
    ReviewPage,
    campaign_names,
    comments_for,
    findings_for,
    goal_names,
    load,
    load_page,
    names_of,
    open_review_for,
    plan_of,
    render_finding,
    review_facts,
    reviews_of_plan,
    reviews_query,
    revision_of,
    user_names,
    visible_to,
)

__all__ = [
    "CLIENT_ROLES",
    "COMMENT_MAX",
    "CONDUCT_ROLES",
    "REASON_MAX",
    "RECOMMENDATIONS_MAX",
    "REVIEWABLE_STATUSES",
    "STAFF_ROLES",
    "STRONG_AT",
    "Recipient",
    "ReviewFacts",
    "ReviewPage",
    "accept_all_remaining",
    "add_comment",
    "campaign_names",
    "comments_for",
    "complete",
    "decide_finding",
    "findings_for",
    "goal_names",
    "names_of",
    "is_staff",
    "load",
    "load_page",
    "open_review",
    "open_review_for",
    "plan_agency",
    "plan_of",
    "recipients",
    "render_finding",
    "review_facts",
    "review_url",
    "reviews_of_plan",
    "reviews_query",
    "revision_of",
    "set_recommendations",
    "strength_word",
    "user_names",
    "visible_to",
]
