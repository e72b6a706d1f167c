"""An agency's deletion, with a grace period: asked for by an owner, purged later.

* ``request_deletion``: an owner types the agency's name; the purge is scheduled
  ``AGENCY_DELETION_GRACE_DAYS`` (14) ahead and every owner is told by email.  Until then
  the agency is **read-only**: every member sees a banner saying when it will be deleted
  and who asked (``banner_for``); writes are refused with that sentence (409
  ``agency_deletion_pending``, ``refusal``), except what the owner needs to get out of it
  (restoring, exporting, the person's own account, cutting access, billing).
* ``restore``: one click by an owner clears the schedule.
* ``enqueue_due`` (the ``agency-deletions`` periodic task of ``python -m worker``, hourly)
  queues one ``purge`` job per agency whose grace period ended.  The job carries the due
  time it was queued for and does nothing when the agency is gone, restored or scheduled
  again for another time, so a stale, duplicate or second run is harmless.
* ``purge``, in this order: **cancel the Stripe subscription** (a refusal stops the purge,
  and the job is retried; nothing was deleted); then delete the agency's row, whose
  ``ON DELETE CASCADE`` takes every tenant-owned row (brands and their data, memberships,
  tokens, invitations, exports, audit entries, the outbox, billing rows); the users who
  belonged to no other agency are anonymised as a deleted account is
  (``saas.services.account.anonymise``); after the commit, the agency's folders under
  ``UPLOAD_DIR``, ``REPORTS_DIR`` and ``EXPORTS_DIR`` are removed and the owners told that
  it is done.  That last email cannot live in the agency's outbox (it is gone), so it is
  rendered and sent directly, and a failure is logged.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import stripe
from flask import current_app
from flask_babel import format_date
from sqlalchemy import delete, func, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import AgencyBilling, User
from saas.services import audit, mail
from saas.services.account import anonymise
from saas.services.billing.client import stripe_client, unavailable
from saas.services.brand_removal import typed_name_matches
from saas.services.entitlements.catalogue import billing_enabled
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from saas.transactions import commit_now, on_commit, use_case
from tenants.context import current_scope, system_scope, tenant_scope
from tenants.models import Agency, Membership, Role, utcnow
from worker.queue import enqueue_after_commit

log = logging.getLogger(__name__)

JOB = "worker.jobs.agency_deletion.purge_agency"
#: What a member in the grace period may still do (endpoint names): get out of it, take
#: the data away, look after their own account, cut access.
ALLOWED_WHILE_PENDING = frozenset(
    {
        "settings.agency_deletion",
        "settings.agency_deletion_restore",
        "api.restore_agency_delete",
        "settings.exports",
        "api.request_export_post",
    }
)


class DeletionPending(Conflict):
    """A write to an agency waiting for its deletion: read-only until an owner restores it."""

    code = "agency_deletion_pending"


def grace() -> timedelta:
    return timedelta(days=int(current_app.config.get("AGENCY_DELETION_GRACE_DAYS", 14)))


@dataclass(frozen=True)
class Pending:
    due_at: datetime
    requested_at: datetime | None
    requested_by: str | None  # the name of who asked (None: an account since deleted)


def pending_of(agency: Agency | None) -> Pending | None:
    if agency is None or agency.deletion_due_at is None:
        return None
    name = None
    if agency.deletion_requested_by_id is not None:
        name = db.session.scalar(
            select(User.name).where(User.id == agency.deletion_requested_by_id)
        )
    return Pending(agency.deletion_due_at, agency.deletion_requested_at, name)


def refusal(endpoint: str | None, membership: Membership | None) -> DeletionPending | None:
    """The refusal of a write to an agency in its grace period (the caller checked that
    the request writes and is not exempt from the read-only guard)."""
    if membership is None or endpoint in ALLOWED_WHILE_PENDING:
        return None
    agency = membership.agency
    if agency is None or agency.deletion_due_at is None:
        return None
    return DeletionPending(
        _(
            "This agency is scheduled for deletion on %(date)s and is read-only until then. "
            "An owner can restore it in Settings → Delete the agency.",
            date=format_date(agency.deletion_due_at, "long"),
        )
    )


def _load(agency_id: int) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.id == agency_id).with_for_update())
    assert agency is not None  # the caller's own agency, in its scope
    return agency


def _owners() -> list[User]:
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.OWNER.value)
        .order_by(User.id)
    )
    return [u for u in users if u.is_active]


def _tell_owners(agency: Agency, template: str, **context: object) -> None:
    for owner in _owners():
        mail.queue_email(
            to=owner.email,
            template=template,
            locale=owner.locale or agency.default_locale,
            agency_name=agency.name,
            name=owner.name,
            **context,
        )


@use_case
def request_deletion(
    membership: Membership, typed_name: str | None, *, now: datetime | None = None
) -> Agency:
    """Schedule the agency's deletion after the grace period (owners only)."""
    if membership.role != Role.OWNER.value:
        raise Forbidden(_("Only an owner can delete the agency."))
    agency = _load(membership.agency_id)
    if not typed_name_matches(typed_name, agency.name):
        msg = _("Type the agency's name exactly as shown to confirm.")
        raise ValidationFailed(msg, {"confirm_name": msg})
    if agency.deletion_due_at is not None:
        raise Conflict(_("The agency's deletion is already scheduled."), code="deletion_scheduled")
    now = now or utcnow()
    agency.deletion_requested_at = now
    agency.deletion_requested_by_id = membership.user_id
    agency.deletion_due_at = now + grace()
    audit.record(
        "agency.deletion_requested",
        agency,
        actor=membership.user,
        due_at=agency.deletion_due_at.isoformat(),
    )
    db.session.flush()
    _tell_owners(
        agency,
        "agency_deletion_requested",
        due_at=agency.deletion_due_at,
        requested_by=membership.user.name,
        restore_url=mail.app_url("settings.agency_deletion"),
    )
    return agency


@use_case
def restore(membership: Membership) -> Agency:
    """Cancel the scheduled deletion (owners only)."""
    if membership.role != Role.OWNER.value:
        raise Forbidden(_("Only an owner can restore the agency."))
    agency = _load(membership.agency_id)
    if agency.deletion_due_at is None:
        raise Conflict(_("The agency is not scheduled for deletion."), code="not_scheduled")
    due = agency.deletion_due_at
    agency.deletion_requested_at = None
    agency.deletion_requested_by_id = None
    agency.deletion_due_at = None
    audit.record("agency.deletion_cancelled", agency, actor=membership.user, due_at=due.isoformat())
    db.session.flush()
    return agency


# --- the purge ---------------------------------------------------------------------------


def _due(now: datetime) -> list[tuple[int, datetime]]:
    rows = db.session.execute(
        select(Agency.id, Agency.deletion_due_at).where(Agency.deletion_due_at <= now)
    ).all()
    return [(int(r[0]), r[1]) for r in rows]


@use_case
def enqueue_due(now: datetime | None = None) -> int:
    """Queue the purge of every agency whose grace period has ended.  Returns how many."""
    now = now or utcnow()
    if current_scope() is None:
        with system_scope():
            due = _due(now)
    else:
        due = _due(now)
    for agency_id, due_at in due:
        enqueue_after_commit(db.session, JOB, agency_id, due_at.isoformat(), max_retries=5)
    return len(due)


def _cancel_subscription(agency_id: int) -> str | None:
    """Cancel the agency's Stripe subscription; returns its id, or None if it had none.

    Committed at once, so a retry after a later failure does not cancel twice."""
    with tenant_scope(agency_id):
        row = db.session.scalar(select(AgencyBilling))
        if row is None or not row.stripe_subscription_id or row.status == "canceled":
            return None
        if not billing_enabled(current_app.config):
            log.warning("agency %s has a Stripe subscription but billing is off", agency_id)
            return None
        subscription_id = row.stripe_subscription_id
        try:
            stripe_client().v1.subscriptions.cancel(subscription_id)
        except stripe.InvalidRequestError as exc:
            if getattr(exc, "code", None) != "resource_missing" and exc.http_status != 404:
                raise unavailable(exc) from exc
            log.info("subscription %s was already gone at Stripe", subscription_id)
        except stripe.StripeError as exc:
            raise unavailable(exc) from exc
        row.status = "canceled"
        row.canceled_at = utcnow()
        commit_now("Stripe no longer bills the agency, whatever happens next")
        return subscription_id


def _folders(agency_id: int) -> list[Path]:
    cfg = current_app.config
    return [
        Path(cfg[name]) / str(int(agency_id))
        for name in ("UPLOAD_DIR", "REPORTS_DIR", "EXPORTS_DIR")
        if cfg.get(name)
    ]


def _send_done(recipients: list[tuple[str, str, str]], agency_name: str) -> None:
    for email, name, locale in recipients:
        try:
            subject, text, html = mail.render_email(
                "agency_deleted", locale, agency_name=agency_name, name=name
            )
            mail._send(email, subject, text, html or None)
        except Exception:  # noqa: BLE001 - the deletion is done; the notice is best effort
            log.exception("the notice that agency %r was deleted could not be sent", agency_name)


@use_case
def purge(agency_id: int, due_at: str) -> bool:
    """The job body: delete the agency queued for ``due_at``.  True when it was deleted."""
    with system_scope():
        agency = db.session.scalar(select(Agency).where(Agency.id == int(agency_id)))
        if agency is None:
            return False  # purged already
        if agency.deletion_due_at is None or agency.deletion_due_at.isoformat() != due_at:
            log.info("agency %s was restored or rescheduled; not purged", agency_id)
            return False
        agency_name = agency.name
        locale = agency.default_locale
    _cancel_subscription(agency_id)
    with tenant_scope(agency_id):
        owners = [(u.email, u.name, u.locale or locale) for u in _owners()]
        user_ids = list(db.session.scalars(select(Membership.user_id)))
    with system_scope():
        elsewhere = set(
            db.session.scalars(
                select(Membership.user_id)
                .where(Membership.user_id.in_(user_ids), Membership.agency_id != agency_id)
                .group_by(Membership.user_id)
                .having(func.count() > 0)
            )
        )
        alone = [
            u
            for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
            if u.id not in elsewhere
        ]
    for user in alone:
        anonymise(user)
    with tenant_scope(agency_id):
        db.session.expunge_all()
        db.session.execute(
            delete(Agency)
            .where(Agency.id == int(agency_id))
            .execution_options(synchronize_session=False)
        )
    folders = _folders(agency_id)

    def _after() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        _send_done(owners, agency_name)

    on_commit(_after)
    log.info("agency %s purged (%d user(s) anonymised)", agency_id, len(alone))
    return True
