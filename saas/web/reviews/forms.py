"""Review forms: they parse the consultant's input; the reviews service does the checking."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from saas.i18n import lazy_gettext as _l
from saas.services import reviews as reviews_service
from saas.web.forms import TandemForm, optional_id


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


class OpenReviewForm(TandemForm):
    """The plan page's "Review this revision": the revision the consultant was looking at
    (optional, so a form without it opens the current revision as before)."""

    revision_id = HiddenField()


class DecisionForm(TandemForm):
    decision = HiddenField()
    reason = TextAreaField(
        _l("Why does this finding not apply?"),
        render_kw={"maxlength": reviews_service.REASON_MAX, "rows": 3},
    )

    @property
    def accept(self) -> bool | None:
        return {"accept": True, "dismiss": False}.get(self.decision.data or "")


class AcceptAllForm(TandemForm):
    """The confirmed "accept all remaining": ``remaining`` is the number the page showed."""

    remaining = HiddenField()

    @property
    def expected(self) -> int | None:
        return _int_or_none(self.remaining.data)


_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off"}


class CommentForm(TandemForm):
    body = TextAreaField(
        _l("Comment"), render_kw={"maxlength": reviews_service.COMMENT_MAX, "rows": 3}
    )
    # Asked every time, answered yes or no: no unticked box that silently means "internal".
    shared = RadioField(
        _l("Visible to the client?"),
        choices=[
            SelectChoice("yes", _l("Yes, the client team sees it")),
            SelectChoice("no", _l("No, internal to the agency")),
        ],
        validate_choice=False,
    )
    campaign_id = HiddenField(validators=[optional_id])
    goal_id = HiddenField(validators=[optional_id])

    def target(self) -> tuple[int | None, int | None]:
        return _int_or_none(self.campaign_id.data), _int_or_none(self.goal_id.data)

    def sharing(self) -> bool | None:
        """True, False, or None when the question was not answered."""
        value = str(self.shared.data or "").strip().lower()
        if value in _YES:
            return True
        if value in _NO:
            return False
        return None


class RecommendationsForm(TandemForm):
    recommendations = TextAreaField(
        _l("Recommendations"),
        render_kw={"maxlength": reviews_service.RECOMMENDATIONS_MAX, "rows": 6},
    )


class VerdictForm(TandemForm):
    verdict = RadioField(
        _l("Verdict"),
        choices=[
            SelectChoice("aligned", _l("Aligned: approve the plan")),
            SelectChoice("needs_changes", _l("Needs changes: ask for a new revision")),
            SelectChoice("misaligned", _l("Misaligned: ask for a new revision")),
        ],
        validate_choice=False,
    )
