"""API: the agency's data export — request, poll, download (owners only).

``POST /exports`` answers 202 at once (a worker builds the zip; one export at a time per
agency, else 409 ``export_running``); poll ``GET /exports/{id}`` until ``status`` is
``ready`` or ``failed``; ``GET /exports/{id}/download`` answers the zip (409 ``not_ready``
before, 410 ``expired`` once the download's time is up).  Another agency's ids answer 404.

A leaving client: ``POST /brands/{id}/exports`` queues the same zip limited to that brand
(polled and downloaded like any export), and ``POST /brands/{id}/removal`` with the brand's
name typed in ``confirm_name`` deletes the brand, its rows and its files (204).
"""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, g, send_file
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    Page,
    UtcDateTime,
    api_bp,
    authorise,
    document,
    endpoint,
    paginated,
)
from saas.http import get_or_404
from saas.models import Brand
from saas.models.exports import Export
from saas.services import brand_removal
from saas.services import exports as service

TAGS = ["exports"]
PERMISSION = "agency.settings"  # owners only
BRAND_PERMISSION = "brand.offboard"  # owners only


class ExportQueued(BaseModel):
    id: int
    status: str


class ConfirmName(BaseModel):
    """A removal confirmed by typing a name (a brand's, or the agency's)."""

    model_config = ConfigDict(extra="forbid")

    confirm_name: StrictStr = Field(
        max_length=200, description="The name, typed exactly as shown, to confirm"
    )


class ExportOut(BaseModel):
    id: int
    status: Literal["queued", "running", "ready", "failed", "expired"]
    brand_id: int | None = Field(description="The one brand exported; null: the whole agency")
    progress: int = Field(description="0..100")
    size: int | None = Field(description="The zip's size in bytes, once ready")
    error: str | None = Field(description="Why it failed")
    created_at: UtcDateTime = Field(description="UTC, e.g. 2027-04-01T09:30:00Z")
    expires_at: UtcDateTime | None = Field(description="When the download stops, once ready")
    download_url: str | None = Field(description="The zip, while the export is ready")


class ExportPage(Page[ExportOut]):
    pass


def _out(export: Export) -> ExportOut:
    expired = service.is_expired(export)
    ready = export.status == "ready" and not expired
    return ExportOut(
        id=export.id,
        status="expired" if expired else export.status,
        brand_id=export.scope_brand_id,
        progress=export.progress or 0,
        size=export.size,
        error=export.error,
        created_at=export.created_at,
        expires_at=export.expires_at,
        download_url=(
            f"{current_app.config['BASE_URL']}/api/v1/exports/{export.id}/download"
            if ready
            else None
        ),
    )


@endpoint(
    "/exports",
    "POST",
    summary="Export all of the agency's data as one zip (built in the background; owners)",
    tags=TAGS,
    response=ExportQueued,
    status=202,
    permission=PERMISSION,
    errors=(409,),
)
def request_export() -> tuple[ExportQueued, int]:
    export = service.request_export(g.membership)
    return ExportQueued(id=export.id, status=export.status), 202


@endpoint(
    "/brands/<int:brand_id>/exports",
    "POST",
    summary="Export one brand's data as one zip (a leaving client; built in the background)",
    tags=TAGS,
    response=ExportQueued,
    status=202,
    permission=BRAND_PERMISSION,
    errors=(409,),
)
def request_brand_export(brand_id: int) -> tuple[ExportQueued, int]:
    brand = get_or_404(Brand, brand_id)
    export = service.request_export(g.membership, brand=brand)
    return ExportQueued(id=export.id, status=export.status), 202


@endpoint(
    "/brands/<int:brand_id>/removal",
    "POST",
    summary="Remove a brand for good: its rows and files (type its name to confirm)",
    tags=TAGS,
    body=ConfirmName,
    status=204,
    permission=BRAND_PERMISSION,
)
def remove_brand(brand_id: int, data: ConfirmName) -> tuple[str, int]:
    brand = get_or_404(Brand, brand_id)
    brand_removal.remove_brand(g.membership, brand, data.confirm_name)
    return "", 204


@endpoint(
    "/exports",
    "GET",
    summary="The agency's exports, newest first",
    tags=TAGS,
    response=ExportPage,
    permission=PERMISSION,
    query=PAGE_QUERY,
)
def list_exports() -> dict[str, Any]:
    return paginated(service.exports_query(), _out)


@endpoint(
    "/exports/<int:export_id>",
    "GET",
    summary="An export's status and progress (poll until ready or failed)",
    tags=TAGS,
    response=ExportOut,
    permission=PERMISSION,
)
def get_export(export_id: int) -> ExportOut:
    return _out(get_or_404(Export, export_id))


DOWNLOAD_RULE = "/exports/<int:export_id>/download"


@api_bp.route(DOWNLOAD_RULE, methods=["GET"], endpoint="export_download_get")
def download_export(export_id: int) -> ResponseReturnValue:
    """Registered by hand: ``@endpoint`` answers JSON, this answers the zip's bytes."""
    authorise(PERMISSION)
    get_or_404(Export, export_id)
    export, path = service.open_download(export_id, g.membership)
    service.record_download(export)
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=service.download_name(export),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


document(
    DOWNLOAD_RULE,
    "GET",
    summary="Download a ready export (application/zip)",
    tags=TAGS,
    response={"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
    permission=PERMISSION,
    errors=(409, 410),
)
