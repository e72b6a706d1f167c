"""Share links: a ready report opened by someone without an account, for a limited time.

The raw token is shown once and never stored; only its hash is (``saas.services.hashing``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.reports import Report, ReportShare
from saas.services import audit
from saas.services.errors import Forbidden, Gone, ValidationFailed
from saas.services.hashing import hash_token
from saas.services.reports.queries import can_request, file_for, load
from saas.transactions import use_case
from tenants.context import system_scope
from tenants.models import Membership, utcnow

SHARE_MAX_DAYS = 90


@use_case
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
        token_hash=hash_token(raw),
        label=(label or "").strip()[:120] or None,
        created_by_id=membership.user_id,
        expires_at=utcnow() + timedelta(days=expires_days),
    )
    db.session.add(share)
    db.session.flush()
    audit.record(
        "report.shared", share, label=share.label or f"report {report.id}", report_id=report.id
    )
    db.session.flush()
    return share, raw


def list_shares(report: Report) -> list[ReportShare]:
    return list(
        db.session.scalars(
            select(ReportShare)
            .where(ReportShare.report_id == report.id)
            .order_by(ReportShare.created_at.desc(), ReportShare.id.desc())
        )
    )


@use_case
def revoke_share(share: ReportShare, membership: Membership) -> None:
    if not can_request(membership.role):
        raise Forbidden(_("Only the agency's staff can revoke share links."))
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        audit.record("report.share_revoked", share, report_id=share.report_id)
        db.session.flush()


def share_is_live(share: ReportShare, now: datetime | None = None) -> bool:
    return share.revoked_at is None and share.expires_at > (now or utcnow())


def find_share(raw: str) -> ReportShare | None:
    """Look a share up by its token's hash, across agencies (the link names no tenant)."""
    if not raw or len(raw) > 200:
        return None
    with system_scope():
        share = db.session.scalar(
            select(ReportShare).where(ReportShare.token_hash == hash_token(raw))
        )
        if share is not None:
            db.session.expunge(share)
    return share


@use_case
def open_share(share_id: int) -> Report:
    """In the share's tenant scope: check it, stamp it, audit it, return its ready report."""
    share = db.session.scalar(select(ReportShare).where(ReportShare.id == share_id))
    if share is None or not share_is_live(share):
        raise Gone(_("This link has expired or been revoked. Ask the agency for a new one."))
    report = load(share.report_id)
    if report is None or report.status != "ready" or file_for(report) is None:
        raise Gone(_("This report is no longer available. Ask the agency for a new link."))
    share.last_opened_at = utcnow()
    audit.record("report.share_opened", share, report_id=report.id, label=share.label)
    db.session.flush()
    return report
