"""Who may see which report, and where a report's PDF is."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select

from saas.extensions import db
from saas.models.reports import Report
from saas.permissions import can

LOCALES = ("en", "ar")
PENDING = ("queued", "rendering")


def can_request(role: str | None) -> bool:
    """Only staff request and share reports (the same people who conduct reviews)."""
    return role is not None and can(role, "review.conduct")


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


def load(report_id: int) -> Report | None:
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


def download_name(report: Report, brand_name: str) -> str:
    """``<brand>-alignment-<start>_<end>.pdf`` in plain ASCII."""
    ascii_name = unicodedata.normalize("NFKD", brand_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "brand"
    return f"{slug}-alignment-{report.period_start.isoformat()}_{report.period_end.isoformat()}.pdf"
