"""The API's shared wire types: ids, strict numbers, UTC datetimes and the page of a list.

Every endpoint module builds its bodies and responses from these, so a rule of the wire
(an id's range, "a string is never a number", datetimes in UTC with ``Z``) is written once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictFloat,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from saas.http import MAX_ID, MAX_PAGE, MAX_PER_PAGE
from saas.http.pages import DEFAULT_PER_PAGE

T = TypeVar("T")

# Every id in a body: PostgreSQL's INTEGER range, so an id beyond it is a 422 naming the
# field rather than "integer out of range" (a 500).  The schema documents the bounds.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id the service checks itself, with its own message on its own key (the plans service's
# "Unknown goal 7." on ``campaigns.0.goal_ids``): the same bounds, documented, not enforced.
ServiceCheckedId = Annotated[
    int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}, mode="validation")
]

# A number in a body: JSON's number only (the string "1.5" is refused, as is true), finite.
# Bounds, where the API rather than the service checks them, are added where it is used.
Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]


def _date_text(value: Any) -> Any:
    """A date on the wire is ISO text (``2027-03-11``): pydantic would read a number as a
    Unix time (``0`` as 1970-01-01), which no client means."""
    if isinstance(value, str | date):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


# Every date the API reads: ISO text only.
ApiDate = Annotated[date, BeforeValidator(_date_text)]

# A string without control characters (PostgreSQL refuses NUL in text; the edge refuses the
# rest): the pattern documents in the schema what ``parse_body`` and the edge enforce.
PLAIN = r"^[^\x00-\x1f\x7f]*$"
# A required name: ``PLAIN`` with at least one character that is not a space, since the
# service refuses a blank name with its own message.  For ``json_schema_extra`` (the service,
# not pydantic, enforces it): ``{"pattern": NAMED}``.
NAMED = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def not_nullable(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` for an update field that may be left out but not sent as null:
    its ``None`` default means "not sent", so the schema must not offer it as a value."""
    schema.pop("default", None)


def iso_utc(value: datetime) -> str:
    """The one wire format of a datetime: ISO 8601 in UTC with ``Z``.

    Stored datetimes are naive UTC (``tenants.models.utcnow``); an aware one is converted."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().removesuffix("+00:00") + "Z"


# A datetime in a response: ``2027-04-01T09:30:00Z`` whether the value is naive or aware.
UtcDateTime = Annotated[
    datetime,
    PlainSerializer(iso_utc, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


def attributes(row: Any, model: type[BaseModel]) -> dict[str, Any]:
    """The ``model``'s fields that ``row`` holds as attributes of the same name: a response
    built from an ORM row plus the fields computed for it (``{**attributes(goal, GoalOut),
    "progress": ...}``)."""
    return {name: getattr(row, name) for name in model.model_fields if hasattr(row, name)}


class PageMeta(BaseModel):
    """The ``meta`` of every paginated list, documented once."""

    page: int
    per_page: int
    total: int
    next_page: int | None


class Page(BaseModel, Generic[T]):
    """A paginated list of ``T``.  Subclass it with a name (``class BrandPage(Page[BrandOut])``)
    so the OpenAPI document names the schema as integrations have always seen it."""

    data: list[T]
    meta: PageMeta


PAGE_QUERY: list[dict[str, Any]] = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PER_PAGE,
            "default": DEFAULT_PER_PAGE,
        },
    },
]
