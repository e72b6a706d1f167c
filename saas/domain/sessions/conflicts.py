"""Clashes between a proposed session and the attendees' other sessions, told without leaking.

The API refuses a clashing start with 409 ``{"error": {"code": "conflict", "conflicts":
[{"id", "title", "starts_at"}]}}`` unless the caller confirms.  The attendees' other
sessions may belong to brands the caller cannot see, so a conflict says either *which*
session it is (the caller may see it: id, title, its own start and end) or only *that the
person is busy* during the proposed time.  For the second kind nothing about the hidden
session survives: its id and title are dropped, its times are clipped to the proposed
session, and one person's hidden sessions are merged into one busy block, so neither their
number nor their real start or end can be read from the answer.

Intervals are half-open: a session ending at 10:00 does not clash with one starting at 10:00.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .times import as_utc


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """True when [a_start, a_end) and [b_start, b_end) share time; touching ends do not."""
    return as_utc(a_start) < as_utc(b_end) and as_utc(b_start) < as_utc(a_end)


@dataclass(frozen=True)
class BusyInterval:
    """One of an attendee's other sessions; ``visible`` is whether the *caller* may see it."""

    id: Hashable
    title: str
    start: datetime
    end: datetime
    visible: bool


@dataclass(frozen=True)
class Conflict:
    """A clash for the 409 answer.

    Visible: ``id`` and ``title`` are set, ``starts_at``/``ends_at`` are the session's own,
    ``people`` are the attendees it involves.  Hidden: ``id`` and ``title`` are None and
    ``starts_at``/``ends_at`` are the part of the proposed time one person is busy.
    """

    starts_at: datetime
    ends_at: datetime
    people: tuple[Hashable, ...]
    visible: bool
    id: Hashable | None = None
    title: str | None = None


def find_conflicts(
    candidate: tuple[datetime, datetime],
    attendee_busy: Mapping[Hashable, Iterable[BusyInterval]],
    *,
    ignore_ids: Collection[Hashable] = (),
) -> list[Conflict]:
    """Every clash of ``candidate`` with the attendees' sessions, earliest first.

    A session several attendees share is one conflict listing them all; it counts as
    visible only if every entry for it says so (fail closed).  ``ignore_ids`` leaves out the
    session being rescheduled (and the other occurrences of its series, if the caller
    wishes), which would otherwise clash with itself.  The caller passes only sessions that
    still take place (not cancelled).
    """
    start, end = as_utc(candidate[0]), as_utc(candidate[1])
    by_session: dict[Hashable, list[tuple[Hashable, BusyInterval]]] = {}
    for person, intervals in attendee_busy.items():
        for busy in intervals:
            if busy.id in ignore_ids or not overlaps(start, end, busy.start, busy.end):
                continue
            by_session.setdefault(busy.id, []).append((person, busy))

    conflicts: list[Conflict] = []
    hidden: dict[Hashable, list[tuple[datetime, datetime]]] = {}
    for session_id, entries in by_session.items():
        if all(busy.visible for _, busy in entries):
            first = entries[0][1]
            people = tuple(dict.fromkeys(person for person, _ in entries))
            conflicts.append(
                Conflict(
                    starts_at=as_utc(first.start),
                    ends_at=as_utc(first.end),
                    people=people,
                    visible=True,
                    id=session_id,
                    title=first.title,
                )
            )
            continue
        for person, busy in entries:
            clipped = (max(start, as_utc(busy.start)), min(end, as_utc(busy.end)))
            hidden.setdefault(person, []).append(clipped)
    for person, blocks in hidden.items():
        for a, b in _merge(blocks):
            conflicts.append(Conflict(starts_at=a, ends_at=b, people=(person,), visible=False))
    conflicts.sort(key=lambda c: (c.starts_at, not c.visible, c.ends_at, repr(c.people)))
    return conflicts


def _merge(blocks: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted and joined where they overlap or touch (one busy block, however many sessions)."""
    result: list[tuple[datetime, datetime]] = []
    for a, b in sorted(blocks):
        if result and a <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], b))
        else:
            result.append((a, b))
    return result
