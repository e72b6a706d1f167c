"""The pure scheduling core of leadership sessions: times, series, slots, clashes, attendees.

Pure Python (``zoneinfo``, ``datetime``, ``dataclasses``): no Flask, no database, nothing
outside ``saas.domain``, so every daylight-saving edge is tested without an app, and the
services, the API, the ICS builder and the demo all ask the same functions.

Errors are ``SchedulingError`` (a ``ValueError``) with a stable ``code``, a ``field`` and
English ``message``/``params``; the domain cannot use gettext, so the service layer
translates by ``code`` and raises its own ``ValidationFailed`` (see ``errors``).

Modules: ``times`` (local ↔ UTC, parsing, showing, durations), ``recurrence`` (series that
keep their wall time), ``slots`` (working hours and suggestions), ``conflicts`` (clashes
that do not leak hidden sessions), ``attendees`` (the list's shape), ``vocabulary``.
"""

from .attendees import Attendee, normalise_email, validate_attendees
from .conflicts import BusyInterval, Conflict, find_conflicts, overlaps
from .errors import (
    CODES,
    InvalidAttendees,
    NonexistentLocalTime,
    OffsetMismatch,
    SchedulingError,
    UnknownTimeZone,
)
from .recurrence import EVERY, Occurrence, Recurrence, occurrences, parse_recurrence, rrule, series
from .slots import WorkingHours, default_working_hours, suggest_slots, working_intervals
from .times import (
    LocalTime,
    as_utc,
    is_time_zone,
    local_view,
    parse_starts_at,
    pick_zone,
    resolve_forward,
    to_utc,
    validate_duration,
    validate_start_not_past,
    zone_info,
    zone_names,
)
from .vocabulary import (
    KINDS,
    MAX_ATTENDEES,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    PARTS,
    STATUSES,
    check_kind,
    check_status,
)

__all__ = [
    "CODES",
    "EVERY",
    "KINDS",
    "MAX_ATTENDEES",
    "MAX_DURATION_MINUTES",
    "MIN_DURATION_MINUTES",
    "PARTS",
    "STATUSES",
    "Attendee",
    "BusyInterval",
    "Conflict",
    "InvalidAttendees",
    "LocalTime",
    "NonexistentLocalTime",
    "Occurrence",
    "OffsetMismatch",
    "Recurrence",
    "SchedulingError",
    "UnknownTimeZone",
    "WorkingHours",
    "as_utc",
    "check_kind",
    "check_status",
    "default_working_hours",
    "find_conflicts",
    "is_time_zone",
    "local_view",
    "normalise_email",
    "occurrences",
    "overlaps",
    "parse_recurrence",
    "parse_starts_at",
    "pick_zone",
    "resolve_forward",
    "rrule",
    "series",
    "suggest_slots",
    "to_utc",
    "validate_attendees",
    "validate_duration",
    "validate_start_not_past",
    "working_intervals",
    "zone_info",
    "zone_names",
]
