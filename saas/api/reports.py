"""API: PDF alignment reports — request, list, poll, download.

The same service as the web pages.  ``POST`` answers 202 at once (the worker renders);
poll ``GET /reports/{id}`` until ``status`` is ``ready`` or ``failed``; a brand's reports
are listed newest first at ``GET /brands/{id}/reports``.  Client users see
ready reports of their brands only; another tenant's or brand's ids answer 404.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import abort, current_app, g, send_file
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    ApiError,
    Id,
    Page,
    UtcDateTime,
    api_bp,
    authorise,
    document,
    endpoint,
    paginated,
)
from saas.api.schemas import ApiDate
from saas.http import get_or_404
from saas.models.reports import Report
from saas.services import reports as service
from saas.services.report_content import section_names
from tenants.models import Brand

TAGS = ["reports"]
SECTIONS_MAX = 50  # a bound on the body; the names themselves are checked by the service


def _sections_schema(schema: dict[str, Any]) -> None:
    """The registry's names when the document is built: a section registered by a feature
    is documented (and accepted) without editing a list here."""
    names = list(section_names())
    schema["description"] = (
        f"Any of {', '.join(names)}, printed in that order; empty means all. "
        "An unknown name is refused with 422 and the valid names in the field's error."
    )
    schema["items"] = {**schema.get("items", {}), "enum": names}


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locale: Literal["en", "ar"] = Field(description="The report's language")
    period_start: ApiDate
    period_end: ApiDate
    sections: list[StrictStr] = Field(
        default_factory=list,
        max_length=SECTIONS_MAX,
        json_schema_extra=_sections_schema,
    )
    recipient_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Membership ids to email when ready"
    )


class ReportQueued(BaseModel):
    id: int
    status: str


class ReportOut(BaseModel):
    id: int
    brand_id: int
    status: Literal["queued", "rendering", "ready", "failed"]
    progress: int = Field(description="0..100")
    pages: int | None = Field(description="Set once the report is ready")
    error: str | None = Field(description="Why it failed, or that a retry is under way")
    locale: Literal["en", "ar"]
    period_start: ApiDate
    period_end: ApiDate
    sections: list[str]
    size_bytes: int | None
    sha256: str | None
    created_at: UtcDateTime = Field(description="UTC, e.g. 2027-04-01T09:30:00Z")
    finished_at: UtcDateTime | None
    download_url: str | None = Field(description="The PDF, once the report is ready")


class ReportPage(Page[ReportOut]):
    pass


def _out(report: Report) -> ReportOut:
    """The one conversion of a report for the API, through its documented model."""
    ready = report.status == "ready"
    return ReportOut(
        id=report.id,
        brand_id=report.brand_id,
        status=report.status,
        progress=report.progress or 0,
        pages=report.pages,
        error=report.error,
        locale=report.locale,
        period_start=report.period_start,
        period_end=report.period_end,
        sections=list(report.sections or []),
        size_bytes=report.size_bytes,
        sha256=report.sha256,
        created_at=report.created_at,
        finished_at=report.finished_at,
        download_url=(
            f"{current_app.config['BASE_URL']}/api/v1/reports/{report.id}/pdf" if ready else None
        ),
    )


def _visible(report_id: int) -> Report:
    report = get_or_404(Report, report_id)
    if not service.can_request(g.membership.role) and not service.client_may_see(report):
        abort(404)
    return report


@endpoint(
    "/brands/<int:brand_id>/reports",
    "POST",
    summary="Request a PDF alignment report (rendered in the background)",
    tags=TAGS,
    body=ReportCreate,
    response=ReportQueued,
    status=202,
    permission="review.conduct",
)
def request_report(brand_id: int, data: ReportCreate) -> tuple[ReportQueued, int]:
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
    return ReportQueued(id=report.id, status=report.status), 202


@endpoint(
    "/brands/<int:brand_id>/reports",
    "GET",
    summary="List a brand's reports, newest first (client users: ready reports only)",
    tags=TAGS,
    response=ReportPage,
    permission="brand.view",
    query=PAGE_QUERY,
)
def list_reports(brand_id: int) -> dict[str, Any]:
    brand = get_or_404(Brand, brand_id)
    return paginated(service.reports_query(brand.id, g.membership.role), _out)


@endpoint(
    "/reports/<int:report_id>",
    "GET",
    summary="A report's status and progress (poll until ready or failed)",
    tags=TAGS,
    response=ReportOut,
    permission="brand.view",
)
def get_report(report_id: int) -> ReportOut:
    return _out(_visible(report_id))


PDF_RULE = "/reports/<int:report_id>/pdf"
PDF_PERMISSION = "brand.view"


@api_bp.route(PDF_RULE, methods=["GET"], endpoint="report_pdf_get")
def report_pdf(report_id: int) -> ResponseReturnValue:
    """Registered by hand: ``@endpoint`` answers JSON, this answers the PDF's bytes."""
    authorise(PDF_PERMISSION)
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


document(
    PDF_RULE,
    "GET",
    summary="Download a ready report's PDF (application/pdf)",
    tags=TAGS,
    response={"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    permission=PDF_PERMISSION,
    errors=(409,),
)
