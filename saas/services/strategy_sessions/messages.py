"""The scheduling core's refusals in the reader's language.

``saas.domain.sessions`` is pure and cannot translate, so each ``SchedulingError`` carries a
stable ``code`` and ``field``; this module is the one place that turns a code into a
sentence (English and Arabic through gettext) and a ``ValidationFailed`` with ``fields``.
"""

from __future__ import annotations

from saas.domain.sessions import SchedulingError
from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed


def message_for(code: str) -> str:
    """The sentence for one code (built per call: gettext needs the request's locale)."""
    messages = {
        "unknown_time_zone": _("Choose a time zone from the list, such as Asia/Riyadh."),
        "nonexistent_local_time": _(
            "This time does not exist in that time zone: the clocks jump forward then. "
            "Choose a later time."
        ),
        "offset_mismatch": _("The UTC offset does not match the time zone at that time."),
        "invalid_datetime": _("Enter a date and time such as 2027-03-11T10:00."),
        "out_of_range": _("This date is out of range."),
        "invalid_duration": _("Enter the duration as a whole number of minutes."),
        "duration_out_of_range": _("A session lasts from 15 to 480 minutes."),
        "start_in_past": _("The start cannot be in the past."),
        "start_too_far": _("The start is too far ahead; choose a date within five years."),
        "invalid_kind": _("Choose the kind of session from the list."),
        "invalid_status": _("Choose a status from the list."),
        "invalid_recurrence": _("Repeat with “every” and “count”, or not at all."),
        "invalid_recurrence_every": _("Repeat every week, month or quarter."),
        "invalid_recurrence_count": _("A series has from 1 to 52 sessions."),
        "window_order": _("The end of the search must be after its start."),
        "window_too_long": _("Search at most 31 days at a time."),
        "no_attendees": _("Add at least one attendee."),
        "invalid_attendees": _("Some attendees are invalid."),
        "invalid_attendee": _("Give each attendee an email address and a part."),
        "invalid_email": _("Enter a valid email address."),
        "invalid_part": _("Choose leader, senior social, consultant or guest."),
        "too_many_attendees": _("A session has at most 100 attendees."),
    }
    return messages.get(code, _("This value is not valid."))


def add_problems(err: SchedulingError, errors: dict[str, str]) -> None:
    """Every field-level problem of ``err`` into ``errors`` (the first per field wins)."""
    for problem in err.problems:
        errors.setdefault(problem.field or "body", message_for(problem.code))


def translated(err: SchedulingError) -> ValidationFailed:
    errors: dict[str, str] = {}
    add_problems(err, errors)
    return ValidationFailed(_("Please correct the highlighted fields."), errors)
