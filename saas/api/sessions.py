"""API: leadership strategy sessions of a brand, their invitations and suggested slots.

Times go in as the organiser's local wall time (``starts_at`` in ``timezone``) and come out
in UTC with ``Z``, plus a ``local`` view on the organiser's clock.  A clash with the
attendees' other sessions answers 409 with ``error.conflicts`` unless the body confirms it;
a clash in a brand the caller cannot see says only that someone is busy then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import Response, g, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from saas.api.base import (
    PAGE_QUERY,
    PLAIN,
    Id,
    Page,
    UtcDateTime,
    api_bp,
    authorise,
    document,
    endpoint,
    found,
    not_nullable,
    paginated,
)
from saas.domain.sessions import (
    KINDS,
    MAX_ATTENDEES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    PARTS,
    local_view,
)
from saas.http import get_or_404
from saas.models import Brand, StrategySession
from saas.services import strategy_sessions as service
from saas.services.strategy_sessions.scheduling import LOCATION_MAX, TITLE_MAX

TAGS = ["sessions"]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Part = Literal[PARTS]  # type: ignore[valid-type]

STARTS_AT = (
    "Local wall-clock time in `timezone`, ISO 8601 without an offset (`2027-03-11T10:00`), "
    "or with an offset that must agree with the zone then (`2027-03-11T10:00+03:00`). "
    "A local time in the spring-forward gap (it never happens on that zone's clocks) is "
    "refused with 422 on `starts_at`; an ambiguous one (the fall-back hour, which happens "
    "twice) means its first occurrence. Stored and answered in UTC."
)


class AttendeeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: StrictStr | None = Field(default=None, max_length=254, pattern=PLAIN)
    user_id: Id | None = Field(
        default=None, description="A member of this agency with access to the brand."
    )
    role: Part = Field(default="guest", description="Their part in this session.")
    name: StrictStr | None = Field(default=None, max_length=120, pattern=PLAIN)


class RecurrenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    every: Literal["week", "month", "quarter"]
    count: StrictInt = Field(ge=1, le=52)


# The service checks the range with its own message; the document states it.
_DURATION_BOUNDS = {"minimum": MIN_DURATION_MINUTES, "maximum": MAX_DURATION_MINUTES}


def _duration_not_nullable(schema: dict[str, Any]) -> None:
    not_nullable(schema)
    schema.update(_DURATION_BOUNDS)


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(min_length=1, max_length=TITLE_MAX, pattern=PLAIN)
    kind: Kind = "ad_hoc"
    starts_at: StrictStr = Field(
        max_length=40, description=STARTS_AT, examples=["2027-03-11T10:00"]
    )
    timezone: StrictStr = Field(max_length=64, examples=["Asia/Riyadh"])
    duration_minutes: StrictInt = Field(
        description="15 to 480 minutes.", json_schema_extra=_DURATION_BOUNDS
    )
    location: StrictStr | None = Field(default=None, max_length=LOCATION_MAX, pattern=PLAIN)
    attendees: list[AttendeeIn] = Field(
        default_factory=list, description=f"At most {MAX_ATTENDEES} people."
    )
    recurrence: RecurrenceIn | None = None
    confirm_conflicts: StrictBool = False


class SessionUpdate(BaseModel):
    """Only the fields sent change; ``scope`` says whether this occurrence or every
    occurrence of its series that has not started."""

    model_config = ConfigDict(extra="forbid")

    title: StrictStr = Field(
        default=None,
        min_length=1,
        max_length=TITLE_MAX,
        pattern=PLAIN,
        json_schema_extra=not_nullable,
    )
    kind: Kind = Field(default=None, json_schema_extra=not_nullable)
    starts_at: StrictStr = Field(
        default=None, max_length=40, description=STARTS_AT, json_schema_extra=not_nullable
    )
    timezone: StrictStr = Field(default=None, max_length=64, json_schema_extra=not_nullable)
    duration_minutes: StrictInt = Field(default=None, json_schema_extra=_duration_not_nullable)
    location: StrictStr | None = Field(default=None, max_length=LOCATION_MAX, pattern=PLAIN)
    attendees: list[AttendeeIn] = Field(default=None, json_schema_extra=not_nullable)
    recurrence: RecurrenceIn | None = Field(
        default=None, description="Not accepted on an update (a series is edited with scope)."
    )
    confirm_conflicts: StrictBool = False
    scope: Literal["one", "series"] = "one"


class LocalOut(BaseModel):
    starts_at: str = Field(description="Wall-clock time in `timezone`, without an offset.")
    ends_at: str
    timezone: str
    abbreviation: str | None
    utc_offset: str


class AttendeeOut(BaseModel):
    email: str
    name: str | None
    role: str
    user_id: int | None
    rsvp: str


class SessionOut(BaseModel):
    id: int
    brand_id: int
    series_id: int | None
    title: str
    kind: str
    status: str
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    duration_minutes: int
    timezone: str
    local: LocalOut
    location: str | None
    sequence: int
    uid: str
    attendees: list[AttendeeOut]
    created_at: UtcDateTime
    updated_at: UtcDateTime
    cancelled_at: UtcDateTime | None


class SessionPage(Page[SessionOut]):
    pass


class SlotOut(BaseModel):
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    local: LocalOut


class SlotList(BaseModel):
    data: list[SlotOut]


def _local(start: datetime, end: datetime, zone: str) -> LocalOut:
    begins, finishes = local_view(start, zone), local_view(end, zone)
    return LocalOut(
        starts_at=begins.wall.isoformat(timespec="minutes"),
        ends_at=finishes.wall.isoformat(timespec="minutes"),
        timezone=zone,
        abbreviation=begins.abbreviation,
        utc_offset=begins.utc_offset,
    )


def session_json(s: StrategySession) -> SessionOut:
    return SessionOut(
        id=s.id,
        brand_id=s.brand_id,
        series_id=s.series_id,
        title=s.title,
        kind=s.kind,
        status=s.status,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        duration_minutes=s.duration_minutes,
        timezone=s.timezone,
        local=_local(s.starts_at, s.ends_at, s.timezone),
        location=s.location,
        sequence=s.sequence,
        uid=s.uid,
        attendees=[
            AttendeeOut(email=a.email, name=a.name, role=a.part, user_id=a.user_id, rsvp=a.rsvp)
            for a in s.attendees
        ],
        created_at=s.created_at,
        updated_at=s.updated_at,
        cancelled_at=s.cancelled_at,
    )


def _brand(brand_id: int) -> Brand:
    return get_or_404(Brand, brand_id)


def load_session(session_id: int) -> StrategySession:
    """The session, through the central scope: another agency's or brand's id is a 404
    (shared by the agenda, minutes and action-item endpoints)."""
    return found(service.load(session_id), "session")


def _attendees(items: list[AttendeeIn]) -> list[dict[str, Any]]:
    return [item.model_dump(exclude_none=True) for item in items]


@endpoint(
    "/brands/<int:brand_id>/sessions",
    "GET",
    summary="List a brand's strategy sessions, soonest first",
    tags=TAGS,
    permission="session.view",
    response=SessionPage,
    query=PAGE_QUERY,
)
def list_sessions(brand_id: int) -> dict[str, Any]:
    brand = _brand(brand_id)
    return paginated(service.for_brand(brand.id), session_json)


@endpoint(
    "/brands/<int:brand_id>/sessions",
    "POST",
    summary="Schedule a strategy session (or a series); 409 lists clashes unless confirmed",
    tags=TAGS,
    permission="session.edit",
    body=SessionCreate,
    response=SessionOut,
    status=201,
    errors=(409,),
)
def create_session(brand_id: int, data: SessionCreate) -> SessionOut:
    brand = _brand(brand_id)
    values = data.model_dump(exclude_unset=True)
    values["attendees"] = _attendees(data.attendees)
    rows = service.create(g.membership, brand, values)
    return session_json(rows[0])


@endpoint(
    "/sessions/<int:session_id>",
    "GET",
    summary="Get a strategy session with its attendees",
    tags=TAGS,
    permission="session.view",
    response=SessionOut,
)
def get_session(session_id: int) -> SessionOut:
    return session_json(load_session(session_id))


@endpoint(
    "/sessions/<int:session_id>",
    "PATCH",
    summary="Change one occurrence or the rest of its series (scope); 409 on clashes",
    tags=TAGS,
    permission="session.edit",
    body=SessionUpdate,
    response=SessionOut,
    errors=(409,),
)
def update_session(session_id: int, data: SessionUpdate) -> SessionOut:
    session = load_session(session_id)
    values = data.model_dump(exclude_unset=True)
    if data.attendees is not None:
        values["attendees"] = _attendees(data.attendees)
    service.update(g.membership, session, _brand(session.brand_id), values)
    return session_json(load_session(session_id))


@endpoint(
    "/sessions/<int:session_id>/cancel",
    "POST",
    summary="Cancel a session (?scope=series: the rest of its series); idempotent",
    tags=TAGS,
    permission="session.edit",
    response=SessionOut,
    query=[
        {
            "name": "scope",
            "in": "query",
            "schema": {"type": "string", "enum": ["one", "series"], "default": "one"},
        }
    ],
    errors=(409, 422),
)
def cancel_session(session_id: int) -> SessionOut:
    session = load_session(session_id)
    service.cancel(g.membership, session, scope=request.args.get("scope", "one"))
    return session_json(load_session(session_id))


# ``from`` / ``to`` (``suggestions._instant``): an ISO date or an ISO datetime; left empty
# (``?to=``, as a form sends an unfilled field), the default.
_INSTANT: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "maxLength": 0},
    ]
}

SUGGESTIONS_QUERY = [
    {
        "name": "duration_minutes",
        "in": "query",
        "schema": {"type": "integer", "minimum": 15, "maximum": 480, "default": 60},
    },
    {
        "name": "attendees",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Comma-separated emails; the caller is always included.",
    },
    {
        "name": "from",
        "in": "query",
        "schema": _INSTANT,
        "description": "ISO date or UTC datetime; default (also when empty) now.",
    },
    {
        "name": "to",
        "in": "query",
        "schema": _INSTANT,
        "description": (
            "ISO date or UTC datetime; default (also when empty) 14 days after from; "
            "at most 31 days."
        ),
    },
]


@endpoint(
    "/brands/<int:brand_id>/sessions/suggestions",
    "GET",
    summary="Suggest free slots inside every attendee's working hours, in their own zones",
    tags=TAGS,
    permission="session.view",
    response=SlotList,
    query=SUGGESTIONS_QUERY,
    errors=(422,),
)
def suggest_slots(brand_id: int) -> SlotList:
    brand = _brand(brand_id)
    slots = service.suggest(g.membership, brand, request.args)
    zone = service.zone_of(g.membership.user, brand.timezone)
    return SlotList(
        data=[SlotOut(starts_at=s, ends_at=e, local=_local(s, e, zone)) for s, e in slots]
    )


ICS_RULE = "/sessions/<int:session_id>/invite.ics"
ICS_PERMISSION = "session.view"


@api_bp.route(ICS_RULE, methods=["GET"], endpoint="session_invite_get")
def session_invite(session_id: int) -> ResponseReturnValue:
    """Registered by hand: ``@endpoint`` answers JSON, this answers the calendar file."""
    authorise(ICS_PERMISSION)
    session = load_session(session_id)
    data, method = service.invite_ics(session)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = f"text/calendar; charset=utf-8; method={method}"
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


document(
    ICS_RULE,
    "GET",
    summary="Download the session's invitation (text/calendar: REQUEST, or CANCEL once cancelled)",
    tags=TAGS,
    response={"content": {"text/calendar": {"schema": {"type": "string"}}}},
    permission=ICS_PERMISSION,
)
