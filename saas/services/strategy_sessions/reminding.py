"""Reminders 24 hours and 1 hour before a session: one row per attendee per kind, one
scheduled job per row.

The ``SessionReminder`` row is the truth; the job is only a way to get it sent on time.

* ``plan`` runs after every create, update and cancel (``effects.after_change``), in the
  same unit of work: new attendees get rows, a moved session moves its rows (new
  ``due_at``, new job; the old job is cancelled and, should it still fire, finds that its
  due time no longer matches and does nothing), removed attendees and cancelled sessions
  get their rows ``cancelled``.  A reminder whose time has already passed when it is
  planned is ``skipped`` with a reason, never sent at booking time.
* ``deliver`` is what the job (``worker.jobs.session_reminders``) does: it *claims* the row
  with one conditional UPDATE (still ``scheduled``, still due at the job's time), so two
  workers running the same job, or the catch-up racing the job, never send it twice; the
  email is queued in the same transaction, so a crash leaves the row scheduled, not
  "sent" with nothing sent.
* ``send_due`` is the catch-up: reminders due and still scheduled (their job was lost with
  Redis or with the in-process worker) are sent through the same claim, if not later than
  the grace; beyond it they are ``skipped`` as missed rather than sent after the session.

Reasons are stored as short codes and turned into words for each reader (``reason_text``).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from werkzeug.routing import BuildError

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Agency, Brand, SessionAttendee, SessionReminder, StrategySession, User
from saas.models.sessions import REMINDER_KINDS
from saas.presentation import session_times
from saas.services.mail import queue_email
from saas.transactions import commit_now, use_case
from tenants.context import system_scope, tenant_scope
from tenants.models import utcnow
from worker.queue import cancel_after_commit, enqueue_at_after_commit

if TYPE_CHECKING:
    from saas.services.strategy_sessions.effects import Change

log = logging.getLogger(__name__)

JOB = "worker.jobs.session_reminders.send_session_reminder"
DEFAULT_OFFSETS: dict[str, int] = {"24h": 24 * 3600, "1h": 3600}
DEFAULT_GRACE_SECONDS = 30 * 60
#: A job may fire a little before its time (clocks of Redis and the database differ).
EARLY = timedelta(seconds=120)

SCHEDULED, SENT, FAILED, SKIPPED, CANCELLED = "scheduled", "sent", "failed", "skipped", "cancelled"

# Reason codes (``SessionReminder.reason``); ``reason_text`` says them in the reader's words.
LATE_BOOKING = "late_booking"  # booked after the reminder's time
LATE_MOVE = "late_move"  # moved so that the reminder's time had passed
SESSION_CANCELLED = "session_cancelled"
ATTENDEE_REMOVED = "attendee_removed"
MISSED = "missed"  # due while no worker ran, found later than the grace
PAST_SESSION = "past_session"  # recorded after it took place (booked with the clock set back)
TURNED_OFF = "turned_off"  # the person turned these emails off
ERROR_PREFIX = "error:"


# --- settings --------------------------------------------------------------------------------


def offsets() -> dict[str, timedelta]:
    """How long before the start each kind is sent: ``SESSION_REMINDER_OFFSETS`` (Flask
    config, else the environment) as ``{"24h": seconds, ...}`` or ``"24h=86400,1h=3600"``;
    the default is 24 hours and 1 hour.  Tests shorten them; the kinds stay the same."""
    raw: Any = current_app.config.get("SESSION_REMINDER_OFFSETS")
    if raw is None:
        raw = os.environ.get("SESSION_REMINDER_OFFSETS") or None
    values = dict(DEFAULT_OFFSETS)
    if isinstance(raw, str):
        raw = dict(part.split("=", 1) for part in raw.split(",") if "=" in part)
    if isinstance(raw, Mapping):
        for kind, seconds in raw.items():
            if kind in REMINDER_KINDS:
                values[kind] = int(seconds)
    return {kind: timedelta(seconds=values[kind]) for kind in REMINDER_KINDS}


def grace() -> timedelta:
    """How late a lost reminder may still be sent (``SESSION_REMINDER_GRACE_SECONDS``)."""
    raw = current_app.config.get("SESSION_REMINDER_GRACE_SECONDS")
    if raw is None:
        raw = os.environ.get("SESSION_REMINDER_GRACE_SECONDS") or DEFAULT_GRACE_SECONDS
    return timedelta(seconds=int(raw))


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def job_id_for(reminder_id: int, due_at: datetime) -> str:
    """One id per row *and* due time: a moved reminder gets a new job, and the old id
    names exactly the booking to cancel."""
    return (
        f"session-reminder-{int(reminder_id)}-{int(_naive(due_at).replace(tzinfo=UTC).timestamp())}"
    )


# --- planning --------------------------------------------------------------------------------


def plan(changes: Sequence[Change], *, now: datetime) -> None:
    """Create, move or cancel the reminder rows (and their jobs) of each changed session."""
    if not changes:
        return
    # A caller may book with its clock set back (the demo's past sessions): a reminder whose
    # time has passed on either clock is too late, never a job for the past.
    clock = max(_naive(now), utcnow())
    ids = sorted({c.session.id for c in changes})
    existing: dict[int, dict[tuple[str, str], SessionReminder]] = defaultdict(dict)
    for row in db.session.scalars(
        select(SessionReminder).where(SessionReminder.session_id.in_(ids))
    ):
        existing[row.session_id][(row.email, row.kind)] = row
    people: dict[int, list[SessionAttendee]] = defaultdict(list)
    for attendee in db.session.scalars(
        select(SessionAttendee)
        .where(SessionAttendee.session_id.in_(ids))
        .order_by(SessionAttendee.id)
    ):
        people[attendee.session_id].append(attendee)
    kinds = offsets()
    fresh: list[SessionReminder] = []  # booked after one flush: their ids name the jobs
    for change in changes:
        session = change.session
        rows = existing[session.id]
        if change.what == "cancelled" or session.status == "cancelled":
            for row in rows.values():
                _cancel(row, SESSION_CANCELLED)
            continue
        invited = {a.email: a for a in people[session.id]}
        for (email, _kind), row in rows.items():
            if email not in invited:
                _cancel(row, ATTENDEE_REMOVED)
        for attendee in invited.values():
            for kind, offset in kinds.items():
                due = session.starts_at - offset
                row = rows.get((attendee.email, kind))
                if row is None:
                    row = SessionReminder(
                        agency_id=session.agency_id,
                        brand_id=session.brand_id,
                        session_id=session.id,
                        email=attendee.email,
                        user_id=attendee.user_id,
                        kind=kind,
                        due_at=due,
                        status=SCHEDULED,
                    )
                    db.session.add(row)
                    fresh.append(row)
                    continue
                row.user_id = attendee.user_id
                if row.status == CANCELLED:
                    _book(row, due, clock, LATE_BOOKING)
                elif row.due_at != due:
                    _move(row, due, clock)
    if fresh:
        db.session.flush()
        for row in fresh:
            _book(row, row.due_at, clock, LATE_BOOKING)


def _book(row: SessionReminder, due: datetime, now: datetime, late_reason: str) -> None:
    """Schedule ``row`` for ``due``, or skip it with ``late_reason`` if that has passed."""
    if row.job_id:
        cancel_after_commit(db.session, row.job_id)
    row.due_at = due
    row.sent_at = None
    row.outbox_message_id = None
    row.attempted_at = None
    if due <= now:
        past = due + offsets()[row.kind] <= now  # the session itself has begun
        row.status, row.job_id = SKIPPED, None
        row.reason = PAST_SESSION if past else late_reason
        return
    row.status, row.reason = SCHEDULED, None
    row.job_id = enqueue_at_after_commit(
        db.session,
        due,
        JOB,
        row.id,
        row.agency_id,
        due.isoformat(),
        job_id=job_id_for(row.id, due),
        max_retries=2,
        intervals=(30, 120),
        timeout=120,
    )


def _move(row: SessionReminder, due: datetime, now: datetime) -> None:
    """The session moved: a reminder still coming (or skipped, or failed) follows it; one
    already sent is sent again only for a new time still ahead."""
    if row.status == SENT and due <= now:
        return  # they were reminded of the old time; the invitation update tells the rest
    if row.status == FAILED and due <= now:
        return  # keep the failure on record: there is nothing left to retry
    _book(row, due, now, LATE_MOVE)


def _cancel(row: SessionReminder, reason: str) -> None:
    if row.status != SCHEDULED:
        return
    if row.job_id:
        cancel_after_commit(db.session, row.job_id)
    row.status, row.reason = CANCELLED, reason


# --- delivery --------------------------------------------------------------------------------


def _claim(reminder_id: int, due: datetime, **values: Any) -> bool:
    """Move the row out of ``scheduled`` if it is still scheduled for ``due``: one
    conditional UPDATE, so of two workers (or a job and the catch-up) exactly one wins.
    On PostgreSQL the loser waits for the winner's commit and then matches nothing."""
    result = db.session.execute(
        update(SessionReminder)
        .where(
            SessionReminder.id == reminder_id,
            SessionReminder.status == SCHEDULED,
            SessionReminder.due_at == due,
        )
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _settle(reminder_id: int, due: datetime, status: str, reason: str, **values: Any) -> str:
    """Claim the row straight into a final ``status`` that sends nothing."""
    return status if _claim(reminder_id, due, status=status, reason=reason, **values) else "taken"


@use_case
def deliver(reminder_id: int, due_iso: str, *, now: datetime | None = None) -> str:
    """Send one reminder, in the current tenant scope.  Returns what happened: ``sent``,
    ``failed``, ``skipped``, ``cancelled``, or ``stale``/``taken``/``early`` (nothing done:
    the row moved on, another worker has it, or it is not due yet)."""
    clock = _naive(now) if now is not None else utcnow()
    try:
        due = _naive(datetime.fromisoformat(due_iso))
    except (TypeError, ValueError):
        return "stale"
    row = db.session.scalar(select(SessionReminder).where(SessionReminder.id == reminder_id))
    if row is None or row.status != SCHEDULED or row.due_at != due:
        return "stale"  # cancelled, moved (a newer job has it) or done
    session = db.session.scalar(select(StrategySession).where(StrategySession.id == row.session_id))
    attendee = db.session.scalar(
        select(SessionAttendee).where(
            SessionAttendee.session_id == row.session_id, SessionAttendee.email == row.email
        )
    )
    if session is None or session.status == "cancelled":
        return _settle(row.id, due, CANCELLED, SESSION_CANCELLED)
    if attendee is None:
        return _settle(row.id, due, CANCELLED, ATTENDEE_REMOVED)
    if session.starts_at - offsets().get(row.kind, timedelta(0)) != due:
        return "stale"  # the session moved and its plan has not caught up: leave the row
    if clock < due - EARLY:
        return "early"
    if clock > due + grace() or clock >= session.starts_at:
        return _settle(row.id, due, SKIPPED, MISSED, attempted_at=clock)
    if not _claim(row.id, due, status=SENT, attempted_at=clock, reason=None):
        return "taken"
    try:
        message = _queue_reminder(row, session, attendee)
    except Exception as err:  # noqa: BLE001 - recorded on the row for the organiser
        # Undo the claim and the half-written email together (a savepoint would not do:
        # it would hand the email's delivery job to the queue before the commit), then
        # record the failure through the same claim, so a racing worker still wins once.
        log.exception("session reminder %s could not be queued", row.id)
        db.session.rollback()
        reason = f"{ERROR_PREFIX}{type(err).__name__}"[:300]
        return _settle(reminder_id, due, FAILED, reason, attempted_at=clock)
    if message is None:  # a product notification they turned off (``mail.PRODUCT_MAIL``)
        values: dict[str, Any] = {"status": SKIPPED, "reason": TURNED_OFF}
    else:
        values = {"outbox_message_id": message.id, "sent_at": clock}
    db.session.execute(
        update(SessionReminder)
        .where(SessionReminder.id == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(row)
    return SENT if message is not None else SKIPPED


def _queue_reminder(row: SessionReminder, session: StrategySession, attendee: SessionAttendee):  # type: ignore[no-untyped-def]
    """The email, in the recipient's language, with the time on their clock: a member's
    own zone (else the brand's), a guest's the organiser's zone and UTC."""
    agency = db.session.scalar(select(Agency))
    brand = db.session.scalar(select(Brand).where(Brand.id == session.brand_id))
    user = (
        db.session.scalar(select(User).where(User.id == attendee.user_id))
        if attendee.user_id
        else None
    )
    default_locale = (agency.default_locale if agency else None) or "en"
    locale = (user.locale if user is not None else None) or default_locale
    locale = locale if locale in ("en", "ar") else "en"
    brand_zone = (brand.timezone if brand else None) or session.timezone
    with force_locale(locale):
        if user is not None:
            zone = user.timezone or brand_zone
            times = [session_times.local(session.starts_at, session.duration_minutes, zone, locale)]
        else:
            times = list(
                session_times.for_guest(
                    session.starts_at, session.duration_minutes, session.timezone, locale
                )
            )
        when = [t.text for t in times]
    return queue_email(
        to=row.email,
        template="session_reminder",
        locale=locale,
        kind="session_reminder",
        reminder_kind=row.kind,
        recipient_name=(user.name if user is not None else attendee.name) or "",
        session_title=session.title,
        brand_name=brand.name if brand else "",
        when=when,
        location=session.location or "",
        location_is_link=(session.location or "").startswith(("https://", "http://")),
        session_url=_session_url(session) if user is not None else None,
        agency_name=agency.name if agency else "",
        accent_color=agency.accent_color if agency else None,
    )


def _session_url(session: StrategySession) -> str | None:
    try:
        path = current_app.url_map.bind("localhost").build(
            "sessions.show", {"brand_id": session.brand_id, "session_id": session.id}
        )
    except BuildError:
        return None
    return f"{current_app.config['BASE_URL']}{path}"


# --- catch-up --------------------------------------------------------------------------------


def send_due(now: datetime | None = None, *, limit: int = 1000) -> dict[str, int]:
    """Reminders due and still scheduled, in every agency: their job was lost (Redis lost
    it, the in-process worker restarted) or is late.  Sent through the same claim as the
    job, so racing it sends nothing twice; later than the grace, skipped as missed.
    Returns counts by outcome."""
    clock = _naive(now) if now is not None else utcnow()
    with system_scope():
        found = db.session.execute(
            select(SessionReminder.id, SessionReminder.agency_id, SessionReminder.due_at)
            .where(SessionReminder.status == SCHEDULED, SessionReminder.due_at <= clock)
            .order_by(SessionReminder.agency_id, SessionReminder.due_at)
            .limit(limit)
        ).all()
        db.session.rollback()
    by_agency: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for reminder_id, agency_id, due in found:
        by_agency[agency_id].append((reminder_id, due))
    outcomes: dict[str, int] = defaultdict(int)
    for agency_id, items in by_agency.items():
        try:
            with tenant_scope(agency_id):
                for reminder_id, due in items:
                    outcomes[deliver(reminder_id, due.isoformat(), now=clock)] += 1
                commit_now("each agency's reminders are their own unit")
        except Exception:
            db.session.rollback()
            log.exception("session reminder catch-up failed for agency %s", agency_id)
    return dict(outcomes)


# --- for the organiser ---------------------------------------------------------------------


def for_session(session: StrategySession) -> list[SessionReminder]:
    """The session's reminder rows, by attendee then kind (24h first)."""
    order = {kind: i for i, kind in enumerate(REMINDER_KINDS)}
    rows = list(
        db.session.scalars(select(SessionReminder).where(SessionReminder.session_id == session.id))
    )
    return sorted(rows, key=lambda r: (r.email, order.get(r.kind, 99)))


def reason_text(reason: str | None, kind: str) -> str | None:
    """A stored reason code in the current reader's words."""
    if not reason:
        return None
    if reason == LATE_BOOKING:
        if kind == "24h":
            return _("Booked less than 24 hours ahead: too late for this reminder.")
        return _("Booked less than an hour ahead: too late for this reminder.")
    if reason == LATE_MOVE:
        if kind == "24h":
            return _("Moved to less than 24 hours ahead: too late for this reminder.")
        return _("Moved to less than an hour ahead: too late for this reminder.")
    if reason == SESSION_CANCELLED:
        return _("The session was cancelled.")
    if reason == ATTENDEE_REMOVED:
        return _("This person was removed from the session.")
    if reason == PAST_SESSION:
        return _("The session had already taken place when it was recorded.")
    if reason == MISSED:
        return _("Missed: the background worker was down at the reminder's time.")
    if reason == TURNED_OFF:
        return _("This person turned session reminders off.")
    if reason.startswith(ERROR_PREFIX):
        return _("The email could not be prepared (%(error)s).", error=reason[len(ERROR_PREFIX) :])
    return reason
