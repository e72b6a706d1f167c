"""Review reminders: a plan waiting too long for review nudges its consultant, then the owner.

A plan counts as waiting while it is ``submitted``, or ``in_review`` with its review still
open.  After ``agency.review_reminder_days`` days (counted from ``plan.submitted_at``) the
people the submission email went to (``notifications.reviewers_for``) are reminded; after
twice that, the agency's owners.  ``plan.reminders_sent`` (0, 1, 2) records what went
out, so nothing is sent twice.  A person who turned reminders off is skipped.

A resubmission starts the clock again.  Rather than trust every code path that moves a
plan to ``submitted`` to reset the counter, each reminder's audit event records the
``submitted_at`` it was about: when the plan's ``submitted_at`` no longer matches the last
reminder's, the plan was submitted again and the counter starts from 0.

``send_due_reminders`` finds candidates across agencies in the system scope (ids and
numbers only), then handles each agency inside its own tenant scope, locking the plan rows
(PostgreSQL) so two workers running at once cannot both send the same reminder.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, AuditEvent, Brand, Membership, Plan, Review
from saas.services import audit, notifications
from saas.services.accounts import email_locale
from saas.services.errors import ValidationFailed
from saas.services.mail import queue_email
from saas.transactions import commit_now
from tenants.context import system_scope, tenant_scope
from tenants.models import Role, utcnow

log = logging.getLogger(__name__)

WAITING_STATUSES = ("submitted", "in_review")
AUDIT_ACTION = "plan.review_reminder_sent"
STAGE_CONSULTANT = 1
STAGE_OWNER = 2
MIN_DAYS, MAX_DAYS = 1, 60


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due, in every agency.  Returns how many emails were queued.

    ``now`` is naive UTC, like the timestamps in the database.
    """
    now = now or utcnow()
    earliest = now - timedelta(days=MIN_DAYS)
    with system_scope():
        rows = db.session.execute(
            select(Plan.id, Plan.agency_id)
            .join(Agency, Agency.id == Plan.agency_id)
            .where(
                Plan.status.in_(WAITING_STATUSES),
                Plan.submitted_at.is_not(None),
                Plan.submitted_at <= earliest,
            )
            .order_by(Plan.agency_id, Plan.id)
        ).all()
    by_agency: dict[int, list[int]] = defaultdict(list)
    for plan_id, agency_id in rows:
        by_agency[agency_id].append(plan_id)
    sent = 0
    for agency_id, plan_ids in by_agency.items():
        try:
            with tenant_scope(agency_id):
                sent += _remind_agency(plan_ids, now)
        except Exception:
            # One agency's failure (a bad address, a template error) must not starve the rest.
            db.session.rollback()
            log.exception("review reminders failed for agency %s", agency_id)
    return sent


def _remind_agency(plan_ids: list[int], now: datetime) -> int:
    """Within one agency's scope: send what is due for these plans, then commit (each
    agency is its own unit: the plans' row locks go with its commit)."""
    agency = db.session.scalar(select(Agency))
    if agency is None:
        return 0
    days = _reminder_days(agency)
    plans = list(
        db.session.scalars(
            select(Plan)
            .where(Plan.id.in_(plan_ids), Plan.status.in_(WAITING_STATUSES))
            .order_by(Plan.id)
            .with_for_update(of=Plan, skip_locked=True)
        )
    )
    if not plans:
        db.session.rollback()
        return 0
    _reset_after_resubmission(plans)
    open_reviews = set(
        db.session.scalars(
            select(Review.plan_id).where(
                Review.plan_id.in_([p.id for p in plans]), Review.status == "open"
            )
        )
    )
    brands = {
        b.id: b
        for b in db.session.scalars(select(Brand).where(Brand.id.in_({p.brand_id for p in plans})))
    }
    members = notifications.staff()
    sent = 0
    for plan in plans:
        if plan.status == "in_review" and plan.id not in open_reviews:
            continue
        waited = now - plan.submitted_at  # type: ignore[operator]
        brand = brands.get(plan.brand_id)
        if brand is None or brand.is_archived:
            continue
        if plan.reminders_sent < STAGE_CONSULTANT and waited >= timedelta(days=days):
            recipients = notifications.reviewers_for(plan, members)
            sent += _send(plan, brand, agency, recipients, STAGE_CONSULTANT, waited)
            plan.reminders_sent = STAGE_CONSULTANT
        if plan.reminders_sent < STAGE_OWNER and waited >= timedelta(days=2 * days):
            recipients = [m for m in members.values() if m.role == Role.OWNER]
            sent += _send(plan, brand, agency, recipients, STAGE_OWNER, waited)
            plan.reminders_sent = STAGE_OWNER
    commit_now("each agency's reminders are their own unit: another agency's failure keeps them")
    return sent


def _reminder_days(agency: Agency) -> int:
    days = agency.review_reminder_days or 3
    return min(MAX_DAYS, max(MIN_DAYS, int(days)))


def _reset_after_resubmission(plans: list[Plan]) -> None:
    """Plans submitted again since their last reminder start again from 0."""
    reminded = [p for p in plans if p.reminders_sent]
    if not reminded:
        return
    about: dict[int, str | None] = {}
    events = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.details)
        .where(
            AuditEvent.action == AUDIT_ACTION,
            AuditEvent.object_type == "Plan",
            AuditEvent.object_id.in_([p.id for p in reminded]),
        )
        .order_by(AuditEvent.id)
    )
    for object_id, details in events:
        about[object_id] = (details or {}).get("submitted_at")  # the latest wins
    for plan in reminded:
        if about.get(plan.id) != _stamp(plan.submitted_at):
            plan.reminders_sent = 0


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _send(
    plan: Plan,
    brand: Brand,
    agency: Agency,
    recipients: Iterable[Membership],
    stage: int,
    waited: timedelta,
) -> int:
    count = 0
    emails: set[str] = set()
    for member in recipients:
        user = member.user
        if user.email in emails:
            continue
        emails.add(user.email)
        message = queue_email(
            to=user.email,
            template="review_reminder",
            locale=email_locale(user, member),
            kind="review_reminder",
            stage=stage,
            recipient_name=user.name,
            plan_title=plan.title,
            brand_name=brand.name,
            days_waiting=waited.days,
            submitted_at=plan.submitted_at,
            status=plan.status,
            plan_url=notifications.plan_url(plan),
            agency_name=agency.name,
            accent_color=agency.accent_color,
        )
        count += message is not None  # None: the person turned reminders off
    audit.record(
        AUDIT_ACTION,
        plan,
        stage=stage,
        recipients=count,
        submitted_at=_stamp(plan.submitted_at),
    )
    return count


def validate_days(value: object) -> int:
    """The agency setting ``review_reminder_days``: a whole number of days, 1-60."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = None
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        days = None
    if days is None or not MIN_DAYS <= days <= MAX_DAYS:
        msg = _("Enter a whole number of days from %(min)d to %(max)d.", min=MIN_DAYS, max=MAX_DAYS)
        raise ValidationFailed(msg, {"review_reminder_days": msg})
    return days


def send_overdue(older_than_minutes: float = 10, now: datetime | None = None) -> int:
    """Send the reminders that have been due for longer than ``older_than_minutes``.

    The "reminders" kind of ``saas.services.recovery``: the hourly run is a booking in
    Redis, and a run lost with Redis (or never run, with no worker up) leaves reminders
    due but unsent on the plan rows.  When some plan's next reminder is overdue by more than
    the grace, the normal pass (``send_due_reminders``) runs now; it is idempotent and locks
    the plans, so running beside the hourly run or from cron sends nothing twice.  Returns
    how many emails were queued.  (A plan resubmitted since its last reminder is caught by
    the hourly run, which resets its counter; this check reads the stored counter only.)
    """
    now = now or utcnow()
    if not _has_overdue(now - timedelta(minutes=older_than_minutes)):
        return 0
    return send_due_reminders(now)


def _has_overdue(as_of: datetime) -> bool:
    """Was some waiting plan's next reminder due by ``as_of``?  Ids and numbers only."""
    from sqlalchemy import and_, or_

    has_open_review = (
        select(Review.id).where(Review.plan_id == Plan.id, Review.status == "open").exists()
    )
    with system_scope():
        rows = db.session.execute(
            select(Plan.submitted_at, Plan.reminders_sent, Agency.review_reminder_days)
            .join(Agency, Agency.id == Plan.agency_id)
            .join(Brand, Brand.id == Plan.brand_id)
            .where(
                or_(
                    Plan.status == "submitted",
                    and_(Plan.status == "in_review", has_open_review),
                ),
                Plan.submitted_at.is_not(None),
                Plan.submitted_at <= as_of - timedelta(days=MIN_DAYS),
                Plan.reminders_sent < STAGE_OWNER,
                Brand.archived_at.is_(None),
            )
        ).all()
        db.session.rollback()
    for submitted_at, sent, days in rows:
        days = min(MAX_DAYS, max(MIN_DAYS, int(days or 3)))
        wait = timedelta(days=days if sent < STAGE_CONSULTANT else 2 * days)
        if submitted_at + wait <= as_of:
            return True
    return False
