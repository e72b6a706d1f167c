"""Writing a plan's content: a new plan with revision 1, and every later save.

One working draft per review cycle, so revision numbers count what was submitted:

- the latest revision is a draft (``frozen`` false): the save edits it in place (a new
  plan's revision 1, or the cycle's draft after "changes requested");
- it is frozen and the plan is waiting for its review ("submitted"): the save replaces what
  was submitted, so it creates revision N+1 frozen at once (submitted content never
  changes, and the review opens on the latest revision);
- it is frozen otherwise ("changes requested"): the first save starts the next cycle's
  draft, revision N+1 (a copy of N with the change), which later saves edit in place and
  submitting freezes.

Frozen revisions never change.  Everything is checked first and nothing is written on any
error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from saas.domain import plan_workflow as workflow
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Plan, PlanRevision
from saas.services import audit, validation
from saas.services.errors import Conflict
from saas.services.plans.checks import check_title, clean_content, fail
from saas.services.plans.data import NOTE_MAX, CalendarItemData, CampaignData
from saas.services.plans.queries import current_revision, get_revision, load_revision
from saas.services.plans.versions import claim_version
from saas.transactions import use_case
from tenants.models import utcnow


def _user_id(author: Any) -> int | None:
    if author is None:
        return None
    if hasattr(author, "user_id"):  # a Membership
        return author.user_id
    return getattr(author, "id", None)


def _add_content(
    brand_id: int,
    revision_id: int,
    campaigns: list[CampaignData],
    calendar: list[CalendarItemData],
) -> None:
    db.session.add_all(
        c.to_row(brand_id=brand_id, revision_id=revision_id, position=position)
        for position, c in enumerate(campaigns)
    )
    db.session.add_all(item.to_row(brand_id=brand_id, revision_id=revision_id) for item in calendar)


@use_case
def create_plan(
    brand: Brand,
    *,
    title: str,
    period_start: date,
    period_end: date,
    campaigns: list[CampaignData],
    calendar: list[CalendarItemData],
    author: Any,
) -> Plan:
    """A new draft plan with revision 1; validates everything first."""
    if brand.is_archived:
        raise Conflict(_("This brand is archived: restore it before planning."))
    errors: dict[str, str] = {}
    clean_title = check_title(title, errors)
    clean_campaigns, clean_calendar = clean_content(
        brand.id, campaigns, calendar, period_start, period_end, errors
    )
    if errors:
        raise fail(errors)
    user_id = _user_id(author)
    plan = Plan(
        brand_id=brand.id,
        title=clean_title,
        period_start=period_start,
        period_end=period_end,
        status="draft",
        owner_id=user_id,
        created_by_id=user_id,
    )
    db.session.add(plan)
    db.session.flush()
    revision = PlanRevision(
        brand_id=brand.id,
        plan_id=plan.id,
        number=1,
        title=clean_title,
        period_start=period_start,
        period_end=period_end,
        author_id=user_id,
        frozen=False,
    )
    db.session.add(revision)
    db.session.flush()
    _add_content(brand.id, revision.id, clean_campaigns, clean_calendar)
    audit.record(
        "plan.created",
        plan,
        brand_id=brand.id,
        campaigns=len(clean_campaigns),
        calendar_items=len(clean_calendar),
    )
    return plan


@dataclass
class _Header:
    """What a save writes on the revision beside its content."""

    title: str | None
    period_start: date
    period_end: date
    author_id: int | None
    note: str | None


def _next_revision(
    plan: Plan, current: PlanRevision, header: _Header, *, submitted: bool
) -> PlanRevision:
    """Revision N+1 (the cycle's draft, or frozen when it is ``submitted`` at once), or
    ``Conflict`` when someone saved N+1 at the same moment."""
    revision = PlanRevision(
        brand_id=plan.brand_id,
        plan_id=plan.id,
        number=current.number + 1,
        frozen=submitted,
        submitted_at=utcnow() if submitted else None,
        **asdict(header),
    )
    db.session.add(revision)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # a failed flush leaves the session unusable until then
        raise Conflict(
            _("Someone saved this plan at the same moment. Reload it and try again.")
        ) from None
    return revision


def _working_revision(current: PlanRevision, header: _Header) -> PlanRevision:
    """The working draft (never submitted), emptied to take the new content."""
    revision = load_revision(current.id, with_calendar=True)
    for name, value in asdict(header).items():
        setattr(revision, name, value)
    # The collections are loaded: delete-orphan removes the old rows (links included).
    revision.campaigns.clear()
    revision.calendar_items.clear()
    db.session.flush()
    return revision


@use_case
def save_revision(
    plan: Plan,
    *,
    campaigns: list[CampaignData],
    calendar: list[CalendarItemData],
    author: Any,
    title: str | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> PlanRevision:
    """Save the plan's whole content into its working draft (see the module docstring).

    Edits the draft in place when there is one; otherwise creates revision N+1: the next
    cycle's draft, or (while the plan waits for its review) a frozen re-submission.  Never
    edits a frozen revision.  ``expected_version`` is the plan version the person edited
    (``EditConflict`` when it is no longer the saved one; see ``versions``).
    """
    if plan.status not in workflow.EDITABLE:
        raise Conflict(
            _("A plan that is in review, approved or archived cannot be changed."),
            code="plan_not_editable",
        )
    claim_version(plan, expected_version)  # first write: the plan's row lock on PostgreSQL
    current = current_revision(plan)
    errors: dict[str, str] = {}
    clean_title = check_title(title if title is not None else current.title, errors)
    start = period_start if period_start is not None else current.period_start
    end = period_end if period_end is not None else current.period_end
    clean_note = validation.text(note, "note", errors, limit=NOTE_MAX, multiline=True)
    clean_campaigns, clean_calendar = clean_content(
        plan.brand_id, campaigns, calendar, start, end, errors
    )
    if errors:
        raise fail(errors)

    header = _Header(clean_title, start, end, _user_id(author), clean_note)
    in_place = not current.frozen
    if in_place:
        revision = _working_revision(current, header)
    else:
        revision = _next_revision(plan, current, header, submitted=plan.status == "submitted")
    _add_content(plan.brand_id, revision.id, clean_campaigns, clean_calendar)
    plan.title, plan.period_start, plan.period_end = clean_title, start, end
    plan.updated_at = utcnow()
    audit.record(
        "plan.revision_saved",
        plan,
        revision=revision.number,
        in_place=in_place,
        draft=not revision.frozen,
        campaigns=len(clean_campaigns),
        calendar_items=len(clean_calendar),
    )
    return get_revision(plan, number=revision.number)
