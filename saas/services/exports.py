"""The agency's data, its own: an owner's export of everything the agency holds, in one zip.

``request_export`` queues one (an owner only; one at a time per agency); the worker runs
``run_export`` (``worker.jobs.exports.build_export``), which writes, table by table, a JSON
file and a CSV file of every tenant-owned table (every model that is ``TenantScoped`` or
``BrandScoped``: a new feature's table is exported without a list to edit), the agency's
own row, its members' users (name, email, locale, never a hash or a second-factor secret),
the uploaded logos and the stored report PDFs.  The zip is written to a temporary file and
renamed into ``EXPORTS_DIR/<agency_id>/<export_id>.zip``, so a download never sees half a
file; the row's ``progress`` moves once per table.

Rows are read inside the agency's tenant scope *and* filtered by ``agency_id`` again here,
so nothing of another agency can reach the archive even if the scope were wrong.  Columns
that hold credentials (``*_hash``, ``*secret*``, ``*password*``) are never written, nor the
text of account mail (its links).

A ready export's download expires after ``EXPORTS_TTL_DAYS``; ``sweep`` (a kind of
``saas.services.recovery``, so the sweeper runs it) deletes the file and marks it
``expired``, and fails exports whose job died so that the owner may ask again.

**One brand** (a leaving client): ``request_export(membership, brand=brand)`` builds the
same archive limited to that brand: the brand's own row, every ``BrandScoped`` table's rows
of that brand (goals, audiences, plans and their revisions, campaigns and calendar items,
reviews and findings, sessions, capability rows, reports...), its brand-level methodology
overrides (``scope_brand_id``), the users assigned to it, its logo and its report PDFs.
Agency-level tables (members, invitations, audit, outbox, billing) are left out.  The row
keeps the brand's id and name without a foreign key, so the zip can still be downloaded
after the brand is removed (``saas.services.brand_removal``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

import saas.models  # noqa: F401  (register every model, so every table is exported)
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models.exports import Export
from saas.services import audit, mail, recovery, storage
from saas.services.errors import Conflict, Forbidden, Gone, NotFound
from saas.services.reports.queries import file_for
from saas.transactions import commit_now, use_case
from tenants.context import current_scope, system_scope
from tenants.models import Agency, Brand, BrandAccess, Membership, Role, utcnow
from tenants.scoping import BrandScoped, TenantScoped
from worker.queue import PENDING as JOB_PENDING
from worker.queue import RUNNING as JOB_RUNNING
from worker.queue import enqueue_after_commit, job_state

log = logging.getLogger(__name__)

JOB = "worker.jobs.exports.build_export"
PENDING = ("queued", "running")
# An export still queued or running after this long lost its job: failed, to be asked again.
STUCK_AFTER = timedelta(hours=2)
USER_FIELDS = ("id", "name", "email", "locale")
# Tables left out of the archive, each with the reason.
SKIPPED_TABLES = {"exports": "the archive's own bookkeeping (paths on the server)"}


def _is_secret(column_name: str) -> bool:
    name = column_name.lower()
    return name.endswith("_hash") or "secret" in name or "password" in name


def exports_dir() -> Path:
    return Path(current_app.config["EXPORTS_DIR"])


def ttl() -> timedelta:
    return timedelta(days=int(current_app.config.get("EXPORTS_TTL_DAYS", 7)))


def can_export(role: str | None) -> bool:
    return role == Role.OWNER.value


def exported_models() -> list[type]:
    """Every tenant-owned model (``TenantScoped``, brand-scoped ones included), by table."""
    models = [
        m.class_
        for m in db.Model.registry.mappers
        if issubclass(m.class_, TenantScoped) and m.class_.__tablename__ not in SKIPPED_TABLES
    ]
    return sorted(models, key=lambda c: c.__tablename__)


def load(export_id: int) -> Export | None:
    """The current agency's export ``export_id`` (another agency's is never found)."""
    return db.session.scalar(select(Export).where(Export.id == int(export_id)))


def exports_query() -> Select[tuple[Export]]:
    """The current agency's exports, newest first."""
    return select(Export).order_by(Export.id.desc())


def latest() -> Export | None:
    """The current agency's newest export."""
    return db.session.scalar(select(Export).order_by(Export.id.desc()).limit(1))


def file_of(export: Export) -> Path | None:
    """The stored zip, or None when missing (or when its path escapes EXPORTS_DIR)."""
    if not export.path:
        return None
    root = exports_dir().resolve()
    path = (root / export.path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def is_expired(export: Export, now: datetime | None = None) -> bool:
    if export.status == "expired":
        return True
    return (
        export.status == "ready"
        and export.expires_at is not None
        and export.expires_at <= (now or utcnow())
    )


def download_name(export: Export) -> str:
    if export.scope_brand_id is not None:
        return f"tandem-export-{export.agency_id}-brand-{export.scope_brand_id}-{export.id}.zip"
    return f"tandem-export-{export.agency_id}-{export.id}.zip"


def brand_filter(model: type, brand_id: int | None) -> Any:
    """The condition limiting ``model``'s rows to one brand; ``None`` for every row (the
    whole agency); ``False`` when the table is the agency's, not the brand's."""
    if brand_id is None:
        return None
    table = model.__table__
    if model is Brand:
        return table.c.id == brand_id
    if issubclass(model, BrandScoped):
        return table.c.brand_id == brand_id
    if "scope_brand_id" in table.c:
        return table.c.scope_brand_id == brand_id
    return False


def models_for(brand_id: int | None) -> list[type]:
    """The tables an export holds: every tenant table, or only a brand's."""
    return [m for m in exported_models() if brand_filter(m, brand_id) is not False]


@use_case
def request_export(membership: Membership, brand: Brand | None = None) -> Export:
    """Queue an export of the whole agency (or of one ``brand``, loaded in the caller's
    scope).  Owners only; one pending at a time."""
    if not can_export(membership.role):
        raise Forbidden(_("Only an owner can export the agency's data."))
    # The agency's row is locked (PostgreSQL) so that two requests at once cannot both
    # find no pending export; SQLite serialises writers anyway.
    db.session.execute(select(Agency.id).where(Agency.id == membership.agency_id).with_for_update())
    pending = db.session.scalar(select(Export.id).where(Export.status.in_(PENDING)).limit(1))
    if pending is not None:
        raise Conflict(
            _("An export is already being prepared; wait for it to finish."),
            code="export_running",
        )
    export = Export(requested_by_id=membership.user_id, status="queued", progress=0)
    if brand is not None:
        export.scope_brand_id = brand.id
        export.scope_label = brand.name[:120]
    db.session.add(export)
    db.session.flush()
    audit.record(
        "export.requested",
        export,
        label=f"#{export.id}",
        brand_id=export.scope_brand_id,
        brand=export.scope_label,
    )
    _enqueue(export)
    db.session.flush()
    return export


def _enqueue(export: Export) -> None:
    export.job_id = enqueue_after_commit(
        db.session, JOB, export.id, export.agency_id, max_retries=0, timeout=3600
    )


def open_download(export_id: int, membership: Membership) -> tuple[Export, Path]:
    """The zip of a ready export: NotFound, Gone (expired) or Conflict (not ready)."""
    if not can_export(membership.role):
        raise Forbidden(_("Only an owner can export the agency's data."))
    export = load(export_id)
    if export is None:
        raise NotFound(_("No export with this id."))
    if is_expired(export):
        raise Gone(_("This export has expired; request a new one."), code="expired")
    path = file_of(export) if export.status == "ready" else None
    if path is None:
        raise Conflict(_("The export is not ready yet."), code="not_ready")
    return export, path


@use_case
def record_download(export: Export) -> None:
    audit.record("export.downloaded", export, label=f"#{export.id}")
    db.session.flush()


# --- The job body ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A column's value as JSON has it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value  # enums
    return value


def _csv_cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if not isinstance(value, str):
        return str(value)  # numbers, booleans: a minus sign is no formula
    text = value
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _rows(
    model: type, agency_id: int, brand_id: int | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    columns = [c for c in model.__table__.columns if not _is_secret(c.name)]
    names = [c.name for c in columns]
    table = model.__table__
    stmt = (
        select(*[table.c[n] for n in names])
        .where(table.c.agency_id == agency_id)
        .order_by(*table.primary_key.columns)
    )
    condition = brand_filter(model, brand_id)
    if condition is not None:
        stmt = stmt.where(condition)
    # A Core select on the table: the agency filter above is explicit (the ORM's loader
    # criteria apply to entities), and the tenant scope is entered around the whole job.
    rows = [dict(zip(names, (_plain(v) for v in r), strict=True)) for r in db.session.execute(stmt)]
    if model.__name__ == "OutboxMessage":
        for row, message in zip(rows, _outbox_kinds(rows), strict=True):
            if message:
                for field in ("body_text", "body_html", "context", "calendar_ics"):
                    if field in row:
                        row[field] = None
    return names, rows


def _outbox_kinds(rows: list[dict[str, Any]]) -> list[bool]:
    """Which outbox rows are account mail, whose text (a link) is never exported."""
    return [row.get("kind") in mail.ACCOUNT_MAIL for row in rows]


def _write_table(archive: zipfile.ZipFile, name: str, fields: list[str], rows: list[dict]) -> None:
    archive.writestr(
        f"json/{name}.json",
        json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True, default=str),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_csv_cell(row.get(f)) for f in fields])
    archive.writestr(f"csv/{name}.csv", buffer.getvalue())


def _agency_rows(agency_id: int) -> tuple[list[str], list[dict[str, Any]]]:
    agency = db.session.scalar(select(Agency).where(Agency.id == agency_id))
    if agency is None:
        return [], []
    columns = [c.name for c in Agency.__table__.columns if not _is_secret(c.name)]
    return columns, [{c: _plain(getattr(agency, c)) for c in columns}]


def _user_rows(
    agency_id: int, brand_id: int | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    from saas.models.accounts import User

    user_ids = select(Membership.user_id).where(Membership.agency_id == agency_id)
    if brand_id is not None:  # the people assigned to the brand
        user_ids = user_ids.join(BrandAccess, BrandAccess.membership_id == Membership.id).where(
            BrandAccess.brand_id == brand_id
        )
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    return list(USER_FIELDS), [{f: _plain(getattr(u, f)) for f in USER_FIELDS} for u in users]


def _files(agency_id: int, brand_id: int | None = None) -> Iterable[tuple[str, Path]]:
    """The agency's stored files (its logo, its brands' logos, its report PDFs), or one
    brand's (its logo, its report PDFs)."""
    from saas.models.reports import Report

    agency = db.session.scalar(select(Agency).where(Agency.id == agency_id))
    if brand_id is None and agency is not None and agency.logo_path:
        path = storage.resolve(agency.logo_path)
        if path is not None and path.is_file():
            yield f"files/uploads/{agency.logo_path}", path
    brands = select(Brand).where(Brand.agency_id == agency_id, Brand.logo_path.is_not(None))
    reports = select(Report).where(Report.agency_id == agency_id, Report.file_path.is_not(None))
    if brand_id is not None:
        brands = brands.where(Brand.id == brand_id)
        reports = reports.where(Report.brand_id == brand_id)
    for brand in db.session.scalars(brands):
        path = storage.resolve(brand.logo_path)
        if path is not None and path.is_file():
            yield f"files/uploads/{brand.logo_path}", path
    reports = db.session.scalars(reports)
    for report in reports:
        path = file_for(report)
        if path is not None:
            yield f"files/reports/{report.id}.pdf", path


def _set_progress(export: Export, value: int) -> None:
    export.progress = max(0, min(100, int(value)))
    commit_now("the owner sees the export's progress while it is built")


def _build(export: Export, target: Path) -> int:
    agency_id = export.agency_id
    brand_id = export.scope_brand_id
    models = models_for(brand_id)
    steps = len(models) + 3  # the agency, its users, the files
    done = 0
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{export.id}-", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest: dict[str, Any] = {
                "agency_id": agency_id,
                "export_id": export.id,
                "brand_id": brand_id,
                "created_at": utcnow().isoformat(),
                "tables": {},
                "files": [],
            }
            fields, rows = _agency_rows(agency_id)
            _write_table(archive, "agency", fields, rows)
            done += 1
            _set_progress(export, 90 * done // steps)
            fields, rows = _user_rows(agency_id, brand_id)
            _write_table(archive, "users", fields, rows)
            manifest["tables"]["users"] = len(rows)
            done += 1
            _set_progress(export, 90 * done // steps)
            for model in models:
                fields, rows = _rows(model, agency_id, brand_id)
                _write_table(archive, model.__tablename__, fields, rows)
                manifest["tables"][model.__tablename__] = len(rows)
                done += 1
                _set_progress(export, 90 * done // steps)
            for name, path in _files(agency_id, brand_id):
                archive.write(path, name)
                manifest["files"].append(name)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target.stat().st_size


@use_case
def run_export(export_id: int) -> None:
    """The job body: queued → running (progress per table) → ready, or failed with a reason."""
    export = load(export_id)
    if export is None:
        log.warning("export %s is gone; nothing to build", export_id)
        return
    if export.status != "queued":
        return  # built, failed or expired already (a second job for it steps aside)
    export.status = "running"
    export.progress = 1
    export.error = None
    commit_now("the owner sees that the export started")
    relative = f"{export.agency_id}/{export.id}.zip"
    target = exports_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        size = _build(export, target)
    except Exception:
        log.exception("export %s failed", export_id)
        db.session.rollback()
        export = load(export_id)
        if export is not None:
            export.status = "failed"
            export.error = _("The export could not be built; please request it again.")
            export.finished_at = utcnow()
            db.session.flush()
        return
    now = utcnow()
    export.path = relative
    export.size = size
    export.status = "ready"
    export.progress = 100
    export.finished_at = now
    export.expires_at = now + ttl()
    db.session.flush()


# --- Expiry and recovery (the sweeper) ---------------------------------------------------------


def _delete_file(export: Export) -> None:
    path = file_of(export)
    if path is not None:
        path.unlink(missing_ok=True)
    export.path = None


@use_case
def expire(export: Export) -> None:
    """End one export's download: its file is deleted and it is marked expired."""
    _delete_file(export)
    export.status = "expired"
    db.session.flush()


def _sweep(now: datetime, older_than: timedelta) -> int:
    count = 0
    # Queued for a while with no job that will still run it (Redis lost it, the enqueue
    # failed after the commit, the in-process worker stopped): queued again.  The job
    # leaves an export that is no longer queued alone, so a late duplicate does nothing.
    waiting = db.session.scalars(
        select(Export).where(
            Export.status == "queued",
            Export.created_at < now - older_than,
            Export.created_at >= now - STUCK_AFTER,
        )
    ).all()
    for export in waiting:
        if job_state(export.job_id) not in (JOB_PENDING, JOB_RUNNING):
            _enqueue(export)
            count += 1
    overdue = db.session.scalars(
        select(Export).where(Export.status == "ready", Export.expires_at <= now)
    ).all()
    for export in overdue:
        expire(export)
        count += 1
    stuck = db.session.scalars(
        select(Export).where(Export.status.in_(PENDING), Export.created_at < now - STUCK_AFTER)
    ).all()
    for export in stuck:
        export.status = "failed"
        export.error = _("The export was interrupted; please request it again.")
        export.finished_at = now
        count += 1
    db.session.flush()
    return count


@use_case
def sweep(older_than_minutes: float = 10, now: datetime | None = None) -> int:
    """Expire downloads past their time, queue again exports whose job was lost, and fail
    those stuck for ``STUCK_AFTER``.  Returns how many.

    The "exports" kind of ``saas.services.recovery``; across agencies without a scope."""
    older_than = timedelta(minutes=older_than_minutes)
    if current_scope() is None:
        with system_scope():
            return _sweep(now or utcnow(), older_than)
    return _sweep(now or utcnow(), older_than)


recovery.register("exports", sweep, label="export(s)")
