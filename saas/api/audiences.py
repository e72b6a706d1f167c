"""API: a brand's audiences (the networks they use, who engages).

Pydantic checks types and sizes; the audiences service checks that the shares add up to
100 % at most.  Both answer 422 with ``fields``.  An id of another agency (or of a brand
outside a client user's scope) answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import g
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    Page,
    UtcDateTime,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.domain.vocabulary import NETWORKS
from saas.http import get_or_404
from saas.models import Audience, Brand
from saas.services import audiences as audiences_service

TAGS = ["audiences"]

Network = Literal[NETWORKS]  # type: ignore[valid-type]


class NetworkShare(BaseModel):
    model_config = ConfigDict(extra="forbid")

    network: Network
    share: Annotated[StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)]


class AudienceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=audiences_service.NAME_MAX)
    description: StrictStr | None = Field(
        default=None, max_length=audiences_service.DESCRIPTION_MAX
    )
    networks: list[NetworkShare] = Field(default_factory=list, max_length=len(NETWORKS))
    engages: StrictStr | None = Field(default=None, max_length=audiences_service.ENGAGES_MAX)


class AudienceUpdate(BaseModel):
    """Only the fields sent are changed; the name cannot be cleared (not nullable)."""

    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=audiences_service.NAME_MAX,
        json_schema_extra=not_nullable,
    )
    description: StrictStr | None = Field(
        default=None, max_length=audiences_service.DESCRIPTION_MAX
    )
    networks: list[NetworkShare] | None = Field(default=None, max_length=len(NETWORKS))
    engages: StrictStr | None = Field(default=None, max_length=audiences_service.ENGAGES_MAX)


class AudienceOut(BaseModel):
    id: int
    brand_id: int
    name: str
    description: str | None
    networks: list[NetworkShare]
    engages: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class AudiencePage(Page[AudienceOut]):
    pass


def audience_json(audience: Audience) -> AudienceOut:
    return AudienceOut(
        id=audience.id,
        brand_id=audience.brand_id,
        name=audience.name,
        description=audience.description,
        networks=[
            NetworkShare(network=r["network"], share=float(r["share"]))
            for r in audience.networks or []
        ],
        engages=audience.engages,
        created_at=audience.created_at,
        updated_at=audience.updated_at,
    )


def _audience(audience_id: int) -> Audience:
    return found(audiences_service.load(audience_id), "audience")


@endpoint(
    "/brands/<int:brand_id>/audiences",
    "GET",
    summary="List a brand's audiences",
    tags=TAGS,
    permission="goal.view",
    response=AudiencePage,
    query=PAGE_QUERY,
)
def list_audiences(brand_id: int) -> dict[str, Any]:
    brand = get_or_404(Brand, brand_id)
    return paginated(audiences_service.for_brand(brand.id), audience_json)


@endpoint(
    "/brands/<int:brand_id>/audiences",
    "POST",
    summary="Describe an audience: the networks it uses and who engages",
    tags=TAGS,
    permission="audience.edit",
    body=AudienceCreate,
    response=AudienceOut,
    status=201,
)
def create_audience(brand_id: int, data: AudienceCreate) -> AudienceOut:
    brand = get_or_404(Brand, brand_id)
    return audience_json(audiences_service.create(g.membership, brand, data.model_dump()))


@endpoint(
    "/audiences/<int:audience_id>",
    "GET",
    summary="Get an audience",
    tags=TAGS,
    permission="goal.view",
    response=AudienceOut,
)
def get_audience(audience_id: int) -> AudienceOut:
    return audience_json(_audience(audience_id))


@endpoint(
    "/audiences/<int:audience_id>",
    "PATCH",
    summary="Change some of an audience's fields (networks are replaced as a whole)",
    tags=TAGS,
    permission="audience.edit",
    body=AudienceUpdate,
    response=AudienceOut,
)
def update_audience(audience_id: int, data: AudienceUpdate) -> AudienceOut:
    audience = _audience(audience_id)
    audiences_service.update(g.membership, audience, data.model_dump(exclude_unset=True))
    return audience_json(audience)
