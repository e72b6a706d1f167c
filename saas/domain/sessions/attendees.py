"""The shape of a session's attendee list: who (an email) and their part in the session.

Only the shape: whether an email belongs to a user of the brand or the agency, and so whether
the attendee is a user or an external guest, is the service's question (it must treat an
email that belongs to another agency's user as a plain guest and never say so).  The email
check here is deliberately simple (one ``@``, a dotted domain, no spaces); the service
should also run it through ``saas.services.accounts.normalise_email`` so an attendee's email
and a user's email are compared in the same normal form.

Every problem is collected before raising, so a form can mark each bad row at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import InvalidAttendees, SchedulingError
from .vocabulary import MAX_ATTENDEES, PARTS

DEFAULT_PART = "guest"
MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit less the angle brackets

# local@label.label…: the local part in RFC 5322's unquoted characters (plus letters and
# digits of any script, for internationalised addresses), so the address is safe in an ICS
# ``mailto:`` and a mail header; domain labels of letters, digits and inner hyphens.
_ATEXT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-.")
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?")


def _local_ok(local: str) -> bool:
    return (
        0 < len(local) <= 64
        and all(ch in _ATEXT or (ord(ch) > 127 and ch.isalnum()) for ch in local)
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


@dataclass(frozen=True)
class Attendee:
    """A normalised attendee: a lower-case email and one of ``PARTS``."""

    email: str
    part: str


def normalise_email(value: object) -> str | None:
    """The email stripped and lower-cased if it is well formed, else None."""
    if not isinstance(value, str):
        return None
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or email.count("@") != 1:
        return None
    local, domain = email.split("@")
    if not _local_ok(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return email


def _part_of(entry: Mapping[object, object]) -> object:
    """``part``, or ``role`` (the API body's name for it); both must agree when both are sent."""
    part, role = entry.get("part"), entry.get("role")
    if part is not None and role is not None and part != role:
        return object()  # unrecognisable: refused as an invalid part
    return part if part is not None else role


def validate_attendees(raw: object, *, field: str = "attendees") -> list[Attendee]:
    """The attendee list as ``[Attendee]``, in the order given, duplicates merged.

    Each entry is a mapping with ``email`` and a ``part`` (or ``role``, as the API names it)
    from ``PARTS``, ``guest`` when missing.  The same email twice is one attendee; when the
    parts differ, the one listed first in ``PARTS`` wins (an attendee named both leader and
    guest leads).  More than ``MAX_ATTENDEES`` distinct people is ``too_many_attendees``,
    decided as soon as the 101st appears so a list of 100,000 is not read to the end.
    Field names are ``attendees.<index>.email`` / ``.part`` (``attendees.<index>`` for an
    entry that is not a mapping).
    """
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Iterable):
        raise SchedulingError(
            "Send the attendees as a list of {email, part}.", field=field, code="invalid_attendees"
        )
    problems: list[SchedulingError] = []
    found: dict[str, str] = {}
    for index, entry in enumerate(raw):
        where = f"{field}.{index}"
        if not isinstance(entry, Mapping):
            problems.append(
                SchedulingError(
                    "Each attendee needs an email and a part.", field=where, code="invalid_attendee"
                )
            )
            continue
        email = normalise_email(entry.get("email"))
        if email is None:
            problems.append(
                SchedulingError(
                    "Enter a valid email address.", field=f"{where}.email", code="invalid_email"
                )
            )
        part = _part_of(entry)
        part = DEFAULT_PART if part is None else part
        if not isinstance(part, str) or part not in PARTS:
            problems.append(
                SchedulingError(
                    f"Choose one of: {', '.join(PARTS)}.",
                    field=f"{where}.part",
                    code="invalid_part",
                    params={"choices": PARTS},
                )
            )
            continue
        if email is None:
            continue
        if email in found:
            found[email] = min(found[email], part, key=PARTS.index)
            continue
        if len(found) == MAX_ATTENDEES:
            raise SchedulingError(
                f"A session can have at most {MAX_ATTENDEES} attendees.",
                field=field,
                code="too_many_attendees",
                params={"max": MAX_ATTENDEES},
            )
        found[email] = part
    if problems:
        raise InvalidAttendees(tuple(problems))
    return [Attendee(email, part) for email, part in found.items()]
