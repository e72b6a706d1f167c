"""PDF alignment reports: request, render (the job body), store, share, sweep.

The ``Report`` row is the truth; the queued job is only a way to get it rendered.  A
render that dies with its worker leaves the row in ``rendering`` past ``deadline_at``;
``fail_stuck`` (run by the sweeper) re-queues it or fails it with a reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, or_, select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import REPORT_SECTIONS, Report, ReportShare
from saas.permissions import can
from saas.services import audit
from saas.services.errors import Forbidden, Gone, ValidationFailed
from tenants.context import current_scope, system_scope
from tenants.models import Agency, Brand, BrandAccess, Membership, Role, utcnow

log = logging.getLogger(__name__)

LOCALES = ("en", "ar")
PENDING = ("queued", "rendering")
MAX_PERIOD_DAYS = 731  # two years, a leap day included
DEADLINE_MARGIN_SECONDS = 60
QUEUED_STALE_AFTER = timedelta(minutes=10)
LOST_JOB_GRACE = timedelta(minutes=1)  # requeue_stuck: a queued row younger than this waits
MAX_ATTEMPTS = 3
JOB = "worker.jobs.reports.render_report"
SHARE_MAX_DAYS = 90


# --------------------------------------------------------------------------- request


def can_request(role: str | None) -> bool:
    """Only staff request and share reports (the same people who conduct reviews)."""
    return role is not None and can(role, "review.conduct")


def normalise_sections(sections: Iterable[str] | None) -> list[str]:
    wanted = [s for s in (sections or []) if s]
    unknown = sorted(set(wanted) - set(REPORT_SECTIONS))
    if unknown:
        raise ValidationFailed(
            _("Unknown report section: %(names)s.", names=", ".join(unknown)),
            {"sections": _("Choose sections from the list.")},
        )
    if not wanted:
        return list(REPORT_SECTIONS)
    return [s for s in REPORT_SECTIONS if s in set(wanted)]


def eligible_recipients(brand: Brand) -> list[Membership]:
    """Client leaders with access to ``brand`` (the people a report is usually for)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(BrandAccess, BrandAccess.membership_id == Membership.id)
            .where(
                BrandAccess.brand_id == brand.id,
                Membership.role == Role.CLIENT_LEADER.value,
            )
            .order_by(Membership.id)
        ).unique()
    )


def _check_recipients(brand: Brand, recipient_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(i) for i in recipient_ids})
    if not ids:
        return []
    members = db.session.scalars(select(Membership).where(Membership.id.in_(ids))).unique().all()
    ok = {m.id for m in members if m.brand_ids is None or brand.id in m.brand_ids}
    if set(ids) - ok:
        raise ValidationFailed(
            _("Some recipients cannot see this brand."),
            {"recipient_ids": _("Choose people who can see this brand.")},
        )
    return ids


def _timeout() -> int:
    return int(current_app.config.get("REPORT_TIMEOUT_SECONDS", 120))


def _deadline(now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(seconds=_timeout() + DEADLINE_MARGIN_SECONDS)


def _enqueue(report: Report) -> None:
    from worker.queue import enqueue_after_commit

    report.job_id = enqueue_after_commit(
        db.session,
        JOB,
        report.id,
        report.agency_id,
        max_retries=MAX_ATTEMPTS - 1,
        intervals=(5, 30),
        timeout=_timeout() + 30,
    )


def request_report(
    brand: Brand,
    membership: Membership,
    *,
    locale: str,
    period_start: date,
    period_end: date,
    sections: Iterable[str] | None,
    recipient_ids: Iterable[int] = (),
) -> tuple[Report, bool]:
    """Queue a report; an identical one still pending is returned instead (created=False)."""
    if not can_request(membership.role):
        raise Forbidden(_("Only the agency's staff can request reports."))
    errors: dict[str, str] = {}
    if locale not in LOCALES:
        errors["locale"] = _("Choose English or Arabic.")
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        errors["period_start"] = _("Enter the period's first and last day.")
    elif period_end < period_start:
        errors["period_end"] = _("The period must end on or after its first day.")
    elif (period_end - period_start).days > MAX_PERIOD_DAYS:
        errors["period_end"] = _("A report covers at most two years.")
    if errors:
        raise ValidationFailed(_("Some fields are invalid."), errors)
    chosen = normalise_sections(sections)
    recipients = _check_recipients(brand, recipient_ids)

    existing = db.session.scalar(
        select(Report)
        .where(
            Report.brand_id == brand.id,
            Report.locale == locale,
            Report.period_start == period_start,
            Report.period_end == period_end,
            Report.status.in_(PENDING),
        )
        .order_by(Report.id.desc())
    )
    if existing is not None and list(existing.sections or []) == chosen:
        return existing, False

    report = Report(
        agency_id=brand.agency_id,
        brand_id=brand.id,
        requested_by_id=membership.user_id,
        locale=locale,
        period_start=period_start,
        period_end=period_end,
        sections=chosen,
        recipient_ids=recipients,
        status="queued",
        progress=0,
        attempts=0,
        deadline_at=_deadline(),
    )
    db.session.add(report)
    db.session.flush()
    _enqueue(report)
    audit.record(
        "report.requested",
        report,
        label=f"{brand.name} {period_start.isoformat()}–{period_end.isoformat()}",
        brand_id=brand.id,
        locale=locale,
        sections=chosen,
    )
    db.session.commit()
    return report, True


def client_may_see(report: Report) -> bool:
    """Client users see a report once it is ready and released: a report held for a
    consultant's approval stays with the agency until it is approved."""
    return report.status == "ready" and not report.held


def visible_to(stmt: Select[tuple[Report]], role: str | None) -> Select[tuple[Report]]:
    """``stmt`` narrowed to the reports ``role`` may see (``client_may_see`` in SQL)."""
    if can_request(role):
        return stmt
    return stmt.where(Report.status == "ready", Report.held.is_(False))


def reports_query(brand_id: int, role: str | None) -> Select[tuple[Report]]:
    """A brand's reports the role may see, newest first (the rule of ``GET /reports/<id>``,
    the web list and the overview card)."""
    stmt = visible_to(select(Report).where(Report.brand_id == brand_id), role)
    return stmt.order_by(Report.created_at.desc(), Report.id.desc())


# --------------------------------------------------------------------------- render (job)


def _load(report_id: int) -> Report | None:
    return db.session.scalar(select(Report).where(Report.id == report_id))


def reports_dir() -> Path:
    return Path(current_app.config["REPORTS_DIR"])


def file_for(report: Report) -> Path | None:
    """The stored PDF, or None when it is missing (or its path escapes REPORTS_DIR)."""
    if not report.file_path:
        return None
    root = reports_dir().resolve()
    path = (root / report.file_path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _store(report: Report, pdf: bytes) -> str:
    """Write atomically (temporary file + rename) and return the path under REPORTS_DIR."""
    relative = f"{report.agency_id}/{report.id}.pdf"
    target = reports_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{report.id}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return relative


def _rq_job():  # type: ignore[no-untyped-def]
    try:
        from rq import get_current_job

        return get_current_job()
    except Exception:  # noqa: BLE001 - not inside an RQ job
        return None


def _progress_writer(report: Report) -> Callable[[int], None]:
    state = {"last": report.progress or 0}
    job = _rq_job()

    def write(value: int) -> None:
        # Content building reports 0..60; the row shows 5..65 (5 = started, 100 = stored).
        shown = max(5, min(65, 5 + int(value)))
        if shown - state["last"] < 10 and value < 60:
            return
        state["last"] = shown
        report.progress = shown
        db.session.commit()
        if job is not None:
            job.meta["progress"] = shown
            try:
                job.save_meta()
            except Exception:  # noqa: BLE001 - progress is a courtesy; the row has it
                log.warning("could not save job meta for report %s", report.id)

    return write


def _fail(report: Report, reason: str) -> None:
    report.status = "failed"
    report.error = reason[:2000]
    report.finished_at = utcnow()
    audit.record("report.failed", report, brand_id=report.brand_id, reason=report.error)
    db.session.commit()


def render(report_id: int) -> None:
    """The job body: rendering → content → PDF → stored → ready (and the emails)."""
    from saas.services.report_content import assets_for, build_html
    from worker.pdf import RenderRefused, render_pdf
    from worker.queue import retries_left

    report = _load(report_id)
    if report is None:
        log.warning("report %s is gone; nothing to render", report_id)
        return
    if report.status in ("ready", "failed"):
        return
    now = utcnow()
    report.status = "rendering"
    report.started_at = now
    report.deadline_at = _deadline(now)
    report.attempts = (report.attempts or 0) + 1
    report.progress = 5
    report.error = None
    db.session.commit()
    job = _rq_job()
    if job is not None:
        job.meta["progress"] = 5
        job.save_meta()

    try:
        html = build_html(report, progress=_progress_writer(report))
        report.progress = 70
        db.session.commit()
        rendered = render_pdf(
            html,
            assets=assets_for(report),
            timeout=_timeout(),
            memory_mb=int(current_app.config.get("REPORT_MEMORY_MB", 1024)),
        )
        relative = _store(report, rendered.pdf)
    except RenderRefused as exc:
        db.session.rollback()
        report = _load(report_id)
        if report is not None:
            _fail(report, str(exc) or _("The report could not be rendered."))
        return
    except Exception:
        db.session.rollback()
        report = _load(report_id)
        if report is not None:
            left = retries_left()
            if left == 0:
                _fail(
                    report,
                    _(
                        "The report could not be rendered after %(n)s attempts; "
                        "please request it again.",
                        n=report.attempts,
                    ),
                )
                log.exception("report %s failed for good", report_id)
                return
            report.status = "queued"
            report.progress = 0
            report.error = _("Temporary problem, retrying (attempt %(n)s)", n=report.attempts)
            db.session.commit()
        raise

    report.file_path = relative
    report.size_bytes = len(rendered.pdf)
    report.pages = rendered.pages
    report.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    report.status = "ready"
    report.progress = 100
    report.error = None
    report.finished_at = utcnow()
    if rendered.refused:
        log.warning("report %s: refused URLs %s", report.id, rendered.refused)
    audit.record(
        "report.ready",
        report,
        brand_id=report.brand_id,
        pages=report.pages,
        size_bytes=report.size_bytes,
        sha256=report.sha256,
    )
    if not report.held:  # a held report is emailed when a consultant approves it
        notify_ready(report)
    db.session.commit()
    if job is not None:
        job.meta["progress"] = 100
        job.save_meta()


def report_url(report: Report) -> str:
    return f"{current_app.config['BASE_URL']}/reports/{report.id}"


def notify_ready(report: Report) -> None:
    """Email the requester and the recipients that ``report`` is ready (queued in the outbox)."""
    from saas.models import User
    from saas.services.mail import queue_email

    brand = db.session.scalar(select(Brand).where(Brand.id == report.brand_id))
    agency = db.session.scalar(select(Agency).where(Agency.id == report.agency_id))
    users: dict[int, User] = {}
    if report.recipient_ids:
        for m in db.session.scalars(
            select(Membership).where(Membership.id.in_(list(report.recipient_ids)))
        ).unique():
            users[m.user_id] = m.user
    if report.requested_by_id is not None and report.requested_by_id not in users:
        requester = db.session.scalar(select(User).where(User.id == report.requested_by_id))
        if requester is not None:
            users[requester.id] = requester
    for user in sorted(users.values(), key=lambda u: u.email):
        if not user.is_active:
            continue
        queue_email(
            to=user.email,
            template="report_ready",
            locale=user.locale if user.locale in LOCALES else report.locale,
            kind="report_ready",
            name=user.name,
            brand_name=brand.name if brand is not None else "",
            period_start=report.period_start.isoformat(),
            period_end=report.period_end.isoformat(),
            pages=report.pages,
            url=report_url(report),
            agency_name=agency.name if agency is not None else None,
            accent_color=getattr(agency, "accent_color", None),
        )


_notify_ready = notify_ready  # the name the schedules service first used


# --------------------------------------------------------------------------- sweeper


def fail_stuck(now: datetime | None = None) -> int:
    """Re-queue (attempts left) or fail rows stuck past their deadline.  Returns how many.

    A worker killed mid-render leaves the row in ``rendering``; a lost enqueue leaves it
    ``queued``.  Without a tenant scope this runs across agencies (the sweeper's case);
    each re-enqueued job re-enters its own agency's scope.
    """
    if current_scope() is None:
        with system_scope():
            return _fail_stuck(now or utcnow())
    return _fail_stuck(now or utcnow())


def _fail_stuck(now: datetime) -> int:
    stuck = db.session.scalars(
        select(Report).where(
            Report.deadline_at < now,
            or_(
                Report.status == "rendering",
                (Report.status == "queued") & (Report.created_at < now - QUEUED_STALE_AFTER),
            ),
        )
    ).all()
    for report in stuck:
        _requeue_or_fail(report, now)
    db.session.commit()
    if stuck:
        log.warning("re-queued or failed %d stuck report(s)", len(stuck))
    return len(stuck)


def requeue_stuck(older_than_minutes: float = 10, now: datetime | None = None) -> int:
    """Recover every report whose render will not finish by itself.  Returns how many.

    The "reports" kind of ``saas.services.recovery`` (the sweeper and ``flask jobs
    requeue-stale``).  Stuck means one of:

    * ``rendering`` and nobody holds the report's lease (``worker.leases``) while the queue
      says its job is no longer waiting: the worker died mid-render.  Seen within
      ``JOB_LEASE_SECONDS`` of a ``kill -9``, without waiting for the deadline;
    * ``rendering`` past its deadline when the queue cannot tell (no Redis, or Redis lost
      the job): ``fail_stuck``'s rule;
    * ``queued`` with no job that will still run it (the enqueue failed after the commit, or
      Redis lost the job): after a minute when the queue says the job is gone, else (no
      Redis to ask) after ``older_than_minutes`` and the row's deadline.

    A stuck render is re-queued while attempts remain, else failed with a reason; a lost
    ``queued`` job is simply enqueued again (no attempt was spent).  A report that is ready,
    failed, held by a live render, or whose job is still waiting is left alone, so running
    this twice, or from cron beside the sweeper, renders nothing twice.
    """
    if current_scope() is None:
        with system_scope():
            return _requeue_stuck(older_than_minutes, now or utcnow())
    return _requeue_stuck(older_than_minutes, now or utcnow())


def _requeue_stuck(older_than_minutes: float, now: datetime) -> int:
    cutoff = now - timedelta(minutes=older_than_minutes)
    # The queue can say "that job is gone" for sure only once the enqueue has had its
    # moment after the commit: never look at a row queued less than LOST_JOB_GRACE ago.
    earliest = now - min(timedelta(minutes=older_than_minutes), LOST_JOB_GRACE)
    candidates = db.session.scalars(
        select(Report)
        .where(
            or_(
                Report.status == "rendering",
                (Report.status == "queued") & (Report.created_at < earliest),
            )
        )
        .order_by(Report.id)
        .with_for_update(skip_locked=True)  # a concurrent sweep skips what this one handles
    ).all()
    handled = 0
    for report in candidates:
        verdict = _stuck_verdict(report, now, cutoff)
        if verdict is None:
            continue
        handled += 1
        if verdict == "lost":
            report.deadline_at = _deadline(now)
            _enqueue(report)
            audit.record(
                "report.requeued",
                report,
                agency_id=report.agency_id,
                attempts=report.attempts,
                reason="job lost",
            )
        else:
            _requeue_or_fail(report, now)
    db.session.commit()
    if handled:
        log.warning("recovered %d stuck report(s)", handled)
    return handled


def _stuck_verdict(report: Report, now: datetime, cutoff: datetime) -> str | None:
    """None (leave it), "dead" (a render that died) or "lost" (a queued job that vanished)."""
    from worker.jobs.reports import lease_name
    from worker.leases import is_held
    from worker.queue import DONE, MISSING, RUNNING, UNKNOWN, job_state

    if is_held(lease_name(report.id)):
        return None  # a live render has it
    state = job_state(report.job_id)
    past_deadline = report.deadline_at is not None and report.deadline_at < now
    if report.status == "rendering":
        if state in (DONE, RUNNING):
            # Finished or failed without finishing the row, or "started" with no live lease:
            # its work-horse is gone.
            return "dead"
        if state in (MISSING, UNKNOWN):
            return "dead" if past_deadline else None
        return None  # queued again (RQ retries it): that job will render it
    if state in (DONE, MISSING):
        return "lost"
    if state == UNKNOWN:
        return "lost" if past_deadline and report.created_at < cutoff else None
    return None  # its job is still waiting or running


def _requeue_or_fail(report: Report, now: datetime) -> None:
    """A render that died: queue it again while attempts remain, else fail it with a reason."""
    if (report.attempts or 0) < MAX_ATTEMPTS:
        report.status = "queued"
        report.progress = 0
        report.deadline_at = _deadline(now)
        report.error = _("The worker stopped while rendering; trying again.")
        _enqueue(report)
        audit.record(
            "report.requeued", report, agency_id=report.agency_id, attempts=report.attempts
        )
    else:
        report.status = "failed"
        report.error = _("The worker stopped while rendering; please request the report again.")
        report.finished_at = now
        audit.record("report.failed", report, agency_id=report.agency_id, reason=report.error)


# --------------------------------------------------------------------------- shares


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_share(
    report: Report, membership: Membership, *, label: str | None, expires_days: int
) -> tuple[ReportShare, str]:
    """A link for someone without an account.  The raw token is shown once, never stored."""
    if not can_request(membership.role):
        raise Forbidden(_("Only the agency's staff can share reports."))
    if report.status != "ready":
        raise ValidationFailed(_("Only a ready report can be shared."))
    if not isinstance(expires_days, int) or not 1 <= expires_days <= SHARE_MAX_DAYS:
        raise ValidationFailed(
            _("Some fields are invalid."),
            {"expires_days": _("Between 1 and %(max)s days.", max=SHARE_MAX_DAYS)},
        )
    raw = secrets.token_urlsafe(32)
    share = ReportShare(
        agency_id=report.agency_id,
        brand_id=report.brand_id,
        report_id=report.id,
        token_hash=_hash(raw),
        label=(label or "").strip()[:120] or None,
        created_by_id=membership.user_id,
        expires_at=utcnow() + timedelta(days=expires_days),
    )
    db.session.add(share)
    db.session.flush()
    audit.record(
        "report.shared", share, label=share.label or f"report {report.id}", report_id=report.id
    )
    db.session.commit()
    return share, raw


def list_shares(report: Report) -> list[ReportShare]:
    return list(
        db.session.scalars(
            select(ReportShare)
            .where(ReportShare.report_id == report.id)
            .order_by(ReportShare.created_at.desc(), ReportShare.id.desc())
        )
    )


def revoke_share(share: ReportShare, membership: Membership) -> None:
    if not can_request(membership.role):
        raise Forbidden(_("Only the agency's staff can revoke share links."))
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        audit.record("report.share_revoked", share, report_id=share.report_id)
        db.session.commit()


def share_is_live(share: ReportShare, now: datetime | None = None) -> bool:
    return share.revoked_at is None and share.expires_at > (now or utcnow())


def find_share(raw: str) -> ReportShare | None:
    """Look a share up by its token's hash, across agencies (the link names no tenant)."""
    if not raw or len(raw) > 200:
        return None
    with system_scope():
        share = db.session.scalar(select(ReportShare).where(ReportShare.token_hash == _hash(raw)))
        if share is not None:
            db.session.expunge(share)
    return share


def open_share(share_id: int) -> Report:
    """In the share's tenant scope: check it, stamp it, audit it, return its ready report."""
    share = db.session.scalar(select(ReportShare).where(ReportShare.id == share_id))
    if share is None or not share_is_live(share):
        raise Gone(_("This link has expired or been revoked. Ask the agency for a new one."))
    report = _load(share.report_id)
    if report is None or report.status != "ready" or file_for(report) is None:
        raise Gone(_("This report is no longer available. Ask the agency for a new link."))
    share.last_opened_at = utcnow()
    audit.record("report.share_opened", share, report_id=report.id, label=share.label)
    db.session.commit()
    return report


def download_name(report: Report, brand_name: str) -> str:
    """``<brand>-alignment-<start>_<end>.pdf`` in plain ASCII."""
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", brand_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "brand"
    return f"{slug}-alignment-{report.period_start.isoformat()}_{report.period_end.isoformat()}.pdf"
