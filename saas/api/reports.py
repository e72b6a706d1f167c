"""API: PDF alignment reports — request, poll, download.

The same service as the web pages.  ``POST`` answers 202 at once (the worker renders);
poll ``GET /reports/{id}`` until ``status`` is ``ready`` or ``failed``.  Client users see
ready reports of their brands only; another tenant's or brand's ids answer 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, g, send_file
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import OPERATIONS, ApiError, Operation, _openapi_path, api_bp, authenticate
from saas.api.base import endpoint as api_endpoint
from saas.models.reports import REPORT_SECTIONS, Report
from saas.permissions import can
from saas.services import reports as service
from saas.web.common import get_or_404
from tenants.models import Brand

TAGS = ["reports"]


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: StrictStr = Field(max_length=5, description="en or ar")
    period_start: date
    period_end: date
    sections: list[StrictStr] = Field(
        default_factory=list,
        max_length=len(REPORT_SECTIONS),
        description=f"Any of {', '.join(REPORT_SECTIONS)}; empty means all",
    )
    recipient_ids: list[int] = Field(
        default_factory=list, max_length=50, description="Membership ids to email when ready"
    )


class ReportQueued(BaseModel):
    id: int
    status: str


class ReportOut(BaseModel):
    id: int
    brand_id: int
    status: str
    progress: int
    pages: int | None
    error: str | None
    locale: str
    period_start: date
    period_end: date
    sections: list[str]
    size_bytes: int | None
    sha256: str | None
    created_at: str
    finished_at: str | None
    download_url: str | None


def _iso(value: Any) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _out(report: Report) -> dict[str, Any]:
    ready = report.status == "ready"
    return {
        "id": report.id,
        "brand_id": report.brand_id,
        "status": report.status,
        "progress": report.progress or 0,
        "pages": report.pages,
        "error": report.error,
        "locale": report.locale,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "sections": list(report.sections or []),
        "size_bytes": report.size_bytes,
        "sha256": report.sha256,
        "created_at": _iso(report.created_at),
        "finished_at": _iso(report.finished_at),
        "download_url": (
            f"{current_app.config['BASE_URL']}/api/v1/reports/{report.id}/pdf" if ready else None
        ),
    }


def _visible(report_id: int) -> Report:
    report = get_or_404(Report, report_id)
    if not service.can_request(g.membership.role) and report.status != "ready":
        abort(404)
    return report


@api_endpoint(
    "/brands/<int:brand_id>/reports",
    "POST",
    summary="Request a PDF alignment report (rendered in the background)",
    tags=TAGS,
    body=ReportCreate,
    response=ReportQueued,
    status=202,
    permission="review.conduct",
)
def request_report(brand_id: int, data: ReportCreate) -> Any:
    brand = get_or_404(Brand, brand_id)
    report, _created = service.request_report(
        brand,
        g.membership,
        locale=data.locale,
        period_start=data.period_start,
        period_end=data.period_end,
        sections=data.sections,
        recipient_ids=data.recipient_ids,
    )
    return {"id": report.id, "status": report.status}, 202


@api_endpoint(
    "/reports/<int:report_id>",
    "GET",
    summary="A report's status and progress (poll until ready or failed)",
    tags=TAGS,
    response=ReportOut,
    permission="brand.view",
)
def get_report(report_id: int) -> Any:
    return _out(_visible(report_id))


PDF_RULE = "/reports/<int:report_id>/pdf"


@api_bp.route(PDF_RULE, methods=["GET"], endpoint="report_pdf_get")
def report_pdf(report_id: int) -> Any:
    """Registered by hand: ``@endpoint`` answers JSON, this answers the PDF's bytes."""
    authenticate()
    if not can(g.membership.role, "brand.view"):
        raise ApiError(403, "forbidden", "Your role does not allow this.")
    report = _visible(report_id)
    path = service.file_for(report) if report.status == "ready" else None
    if path is None:
        raise ApiError(409, "not_ready", "The report is not ready yet.")
    brand = get_or_404(Brand, report.brand_id)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=service.download_name(report, brand.name),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


OPERATIONS.append(
    Operation(
        path=_openapi_path(PDF_RULE),
        method="get",
        summary="Download a ready report's PDF (application/pdf)",
        tags=TAGS,
        body=None,
        response={
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
        },
        status=200,
        auth=True,
        errors=(409,),
    )
)
