"""API: client brand workspaces.

The same service as the web pages; the tenant and brand scope set by token authentication
decides what a caller can see, so an id of another agency (or of a brand outside a client
user's scope) answers 404.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, g, request, url_for
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    PLAIN,
    ApiError,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.models import Brand
from saas.services import brands as brands_service

TAGS = ["brands"]


class BrandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=brands_service.NAME_MAX)
    industry: StrictStr | None = Field(default=None, max_length=brands_service.INDUSTRY_MAX)
    website: StrictStr | None = Field(default=None, max_length=brands_service.WEBSITE_MAX)
    timezone: StrictStr = Field(default="UTC", min_length=1, max_length=64, examples=["Asia/Dubai"])
    language: Literal["en", "ar"] = "en"


class BrandUpdate(BaseModel):
    """Every field optional: only the fields sent are changed.

    ``null`` clears industry and website; the others cannot be cleared, so they are not
    nullable (the ``None`` default only marks them as not sent)."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=brands_service.NAME_MAX,
        json_schema_extra=not_nullable,
    )
    industry: StrictStr | None = Field(default=None, max_length=brands_service.INDUSTRY_MAX)
    website: StrictStr | None = Field(default=None, max_length=brands_service.WEBSITE_MAX)
    timezone: StrictStr = Field(
        default=None, min_length=1, max_length=64, json_schema_extra=not_nullable
    )
    language: Literal["en", "ar"] = Field(default=None, json_schema_extra=not_nullable)


class BrandOut(BaseModel):
    id: int
    name: str
    industry: str | None
    website: str | None
    timezone: str
    language: Literal["en", "ar"]
    logo_url: str | None
    archived: bool
    archived_at: UtcDateTime | None
    created_at: UtcDateTime
    consultant_ids: list[int]


class BrandPage(Page[BrandOut]):
    pass


LIST_QUERY = [
    *PAGE_QUERY,
    {
        "name": "q",
        "in": "query",
        "description": "Case-insensitive search in the brand name",
        # Control characters in a query string are refused at the edge (400).
        "schema": {"type": "string", "maxLength": brands_service.NAME_MAX, "pattern": PLAIN},
    },
    {
        "name": "archived",
        "in": "query",
        "description": "true: only archived brands; false (default): only active ones",
        "schema": {"type": "boolean", "default": False},
    },
]


def brand_json(brand: Brand) -> BrandOut:
    version = brands_service.logo_version(brand)
    logo_url = None
    if version:
        path = url_for("brands.logo", brand_id=brand.id, v=version, _external=False)
        logo_url = current_app.config["BASE_URL"] + path
    return BrandOut(
        id=brand.id,
        name=brand.name,
        industry=brand.industry,
        website=brand.website,
        timezone=brand.timezone,
        language=brand.language,
        logo_url=logo_url,
        archived=brand.is_archived,
        archived_at=brand.archived_at,
        created_at=brand.created_at,
        consultant_ids=brands_service.consultant_ids(brand),
    )


def _load(brand_id: int) -> Brand:
    return found(brands_service.load(brand_id), "brand")


def _archived_arg() -> bool:
    raw = request.args.get("archived", "false").strip().lower()
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0", ""):
        return False
    raise ApiError(
        400,
        "bad_request",
        "archived must be true or false.",
        {"archived": "Must be true or false."},
    )


@endpoint(
    "/brands",
    "GET",
    summary="List brands",
    tags=TAGS,
    permission="brand.view",
    response=BrandPage,
    query=LIST_QUERY,
)
def list_brands() -> dict[str, Any]:
    q = request.args.get("q")
    if q is not None and len(q) > brands_service.NAME_MAX:
        raise ApiError(
            400,
            "bad_request",
            f"q must be at most {brands_service.NAME_MAX} characters.",
            {"q": f"At most {brands_service.NAME_MAX} characters."},
        )
    return paginated(brands_service.search(q, archived=_archived_arg()), brand_json)


@endpoint(
    "/brands",
    "POST",
    summary="Create a brand",
    tags=TAGS,
    permission="brand.create",
    body=BrandCreate,
    response=BrandOut,
    status=201,
)
def create_brand(data: BrandCreate) -> BrandOut:
    brand = brands_service.create(g.membership, data.model_dump())
    return brand_json(brand)


@endpoint(
    "/brands/<int:brand_id>",
    "GET",
    summary="Get a brand",
    tags=TAGS,
    permission="brand.view",
    response=BrandOut,
)
def get_brand(brand_id: int) -> BrandOut:
    return brand_json(_load(brand_id))


@endpoint(
    "/brands/<int:brand_id>",
    "PATCH",
    summary="Change some of a brand's fields",
    tags=TAGS,
    permission="brand.edit",
    body=BrandUpdate,
    response=BrandOut,
)
def update_brand(brand_id: int, data: BrandUpdate) -> BrandOut:
    brand = _load(brand_id)
    brands_service.update(brand, data.model_dump(exclude_unset=True))
    return brand_json(brand)


@endpoint(
    "/brands/<int:brand_id>",
    "DELETE",
    summary="Archive a brand (it can be restored)",
    tags=TAGS,
    permission="brand.archive",
    response=BrandOut,
)
def archive_brand(brand_id: int) -> BrandOut:
    return brand_json(brands_service.archive(_load(brand_id)))


@endpoint(
    "/brands/<int:brand_id>/restore",
    "POST",
    summary="Restore an archived brand",
    tags=TAGS,
    permission="brand.archive",
    response=BrandOut,
)
def restore_brand(brand_id: int) -> BrandOut:
    return brand_json(brands_service.restore(_load(brand_id)))
