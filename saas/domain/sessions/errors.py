"""The one error type of the scheduling core, shaped for translation by the service layer.

The domain is pure and cannot use gettext (``flask_babel`` needs an app and a request), so an
error carries what a translator needs instead of a translated sentence: a stable ``code``
(the key of the message catalogue and of the API's ``error.code``), the ``field`` the form or
the API body shows it next to (``"starts_at"``, ``"attendees.3.email"``), ``params`` for the
placeholders, and an English ``message`` for logs, the CLI and tests.  The service layer turns
each code into a ``ValidationFailed`` with a translated message; it must never show
``message`` to a person as is.

It subclasses ``ValueError`` so that code which only knows "the value was wrong" still works.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

# Every code the package raises, so the service layer can prove it translates each one
# (tests/domain/sessions/test_errors.py checks the source raises nothing else).
CODES = (
    "invalid",
    "unknown_time_zone",
    "nonexistent_local_time",
    "offset_mismatch",
    "invalid_datetime",
    "out_of_range",
    "invalid_duration",
    "duration_out_of_range",
    "start_in_past",
    "start_too_far",
    "invalid_kind",
    "invalid_status",
    "invalid_recurrence",
    "invalid_recurrence_every",
    "invalid_recurrence_count",
    "invalid_working_days",
    "invalid_working_time",
    "working_hours_order",
    "invalid_step",
    "invalid_limit",
    "window_order",
    "window_too_long",
    "no_attendees",
    "invalid_attendees",
    "invalid_attendee",
    "invalid_email",
    "invalid_part",
    "too_many_attendees",
)


class SchedulingError(ValueError):
    """A refusal of scheduling input: ``code`` and ``field`` are stable, ``message`` is English."""

    code: str = "invalid"
    default_field: ClassVar[str] = "starts_at"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field or self.default_field
        self.code = code or type(self).code
        self.params: Mapping[str, Any] = MappingProxyType(dict(params or {}))

    @property
    def problems(self) -> tuple[SchedulingError, ...]:
        """Each field-level problem; one error is its own only problem (see ``InvalidAttendees``).

        Lets the service build its ``fields`` dict the same way for every error.
        """
        return (self,)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r})"


class UnknownTimeZone(SchedulingError):
    """The zone is not an IANA name this machine's tz database knows."""

    code = "unknown_time_zone"
    default_field = "timezone"


class NonexistentLocalTime(SchedulingError):
    """The local time falls in a spring-forward gap: no clock in the zone ever shows it.

    Refused rather than guessed, because a person who typed 02:30 on the night the clocks
    jump from 02:00 to 03:00 meant something we cannot know.  ``params`` holds ``local``,
    ``zone`` and ``gap_minutes`` (how far the clocks jump), so the message can suggest a time.
    """

    code = "nonexistent_local_time"


class OffsetMismatch(SchedulingError):
    """A start sent with a UTC offset that the zone does not have at that local time."""

    code = "offset_mismatch"


class InvalidAttendees(SchedulingError):
    """Several attendee entries were wrong; ``problems`` lists each with its own field."""

    code = "invalid_attendees"
    default_field = "attendees"

    def __init__(self, problems: tuple[SchedulingError, ...]) -> None:
        super().__init__(
            "Some attendees are not valid: "
            + "; ".join(f"{p.field}: {p.message}" for p in problems),
            params={"count": len(problems)},
        )
        self._problems = problems

    @property
    def problems(self) -> tuple[SchedulingError, ...]:
        return self._problems
