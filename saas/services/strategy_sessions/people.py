"""Who an attendee is: a member of this agency with access to the brand, or a guest.

An email that belongs to anyone else (a stranger, or a user of another agency) is a plain
guest, stored and answered exactly like any other guest: no name, no user id, nothing read
from their account.  A user id that is not a member of this agency with access to the brand
is refused as unknown, with the same words whether or not such a user exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import select

from saas.domain.sessions import (
    SchedulingError,
    WorkingHours,
    default_working_hours,
    pick_zone,
    validate_attendees,
)
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, BrandAccess, Membership, User
from saas.services.strategy_sessions.messages import add_problems


@dataclass(frozen=True)
class Person:
    """A resolved attendee: ``user`` is set only for a member of this agency and brand."""

    email: str
    part: str
    user: User | None = None
    name: str | None = None


def members_with_access(brand: Brand, user_ids: Iterable[int]) -> dict[int, Membership]:
    """This agency's memberships (the tenant scope decides the agency) of ``user_ids`` that
    may see ``brand``, by user id."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    memberships = list(db.session.scalars(select(Membership).where(Membership.user_id.in_(ids))))
    linked = set(
        db.session.scalars(
            select(BrandAccess.membership_id).where(
                BrandAccess.brand_id == brand.id,
                BrandAccess.membership_id.in_([m.id for m in memberships]),
            )
        )
    )
    return {m.user_id: m for m in memberships if m.sees_all_brands or m.id in linked}


def resolve(brand: Brand, raw: Any, errors: dict[str, str]) -> list[Person]:
    """The attendee list of an API body or form as ``Person`` rows; problems into ``errors``.

    Entries are ``{"email", "role" | "part", "name"?}`` or ``{"user_id", "role"}``."""
    entries = list(raw) if isinstance(raw, list | tuple) else raw
    names: dict[str, str] = {}
    if isinstance(entries, list):
        entries = _user_ids_to_emails(brand, entries, errors)
        for entry in entries:
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                names.setdefault(str(entry.get("email", "")).strip().lower(), entry["name"][:120])
        entries = [
            {k: v for k, v in e.items() if k in ("email", "part", "role")}
            if isinstance(e, Mapping)
            else e
            for e in entries
        ]
    try:
        attendees = validate_attendees(entries if entries is not None else [])
    except SchedulingError as err:
        add_problems(err, errors)
        return []
    users = (
        {
            u.email.lower(): u
            for u in db.session.scalars(
                select(User).where(User.email.in_([a.email for a in attendees]))
            )
        }
        if attendees
        else {}
    )
    members = members_with_access(brand, [u.id for u in users.values()])
    people = []
    for a in attendees:
        user = users.get(a.email)
        if user is not None and user.id in members:
            people.append(Person(a.email, a.part, user, user.name))
        else:
            people.append(Person(a.email, a.part, None, (names.get(a.email) or "").strip() or None))
    return people


def _user_ids_to_emails(brand: Brand, entries: list[Any], errors: dict[str, str]) -> list[Any]:
    """Entries naming a ``user_id`` get that member's email; an id that is not a member of
    this agency with access to the brand is "unknown" (never "belongs to someone else")."""
    wanted = {
        i: e["user_id"]
        for i, e in enumerate(entries)
        if isinstance(e, Mapping) and e.get("user_id") is not None
    }
    if not wanted:
        return entries
    ints = [v for v in wanted.values() if isinstance(v, int) and not isinstance(v, bool)]
    members = members_with_access(brand, ints)
    out = list(entries)
    for index, user_id in wanted.items():
        membership = members.get(user_id) if isinstance(user_id, int) else None
        if membership is None:
            errors[f"attendees.{index}.user_id"] = _("No member of this brand has this id.")
            out[index] = {"email": f"unknown-{index}@invalid.invalid", "part": "guest"}
            continue
        entry = dict(entries[index])
        entry.pop("user_id")
        entry["email"] = membership.user.email
        out[index] = entry
    return out


def zone_of(user: User | None, fallback: str | None) -> str:
    """The person's zone: their setting, else ``fallback`` (the browser's or brand's)."""
    return pick_zone(getattr(user, "timezone", None), fallback)


def working_hours_of(user: User, fallback_zone: str | None) -> WorkingHours:
    """The person's own working hours, else the default for their locale, on their clock."""
    zone = zone_of(user, fallback_zone)
    stored = user.working_hours
    if isinstance(stored, Mapping):
        try:
            return WorkingHours(
                days=frozenset(int(d) for d in stored["days"]),
                start=time.fromisoformat(str(stored["start"])),
                end=time.fromisoformat(str(stored["end"])),
                zone=zone,
            )
        except (KeyError, TypeError, ValueError):
            pass  # a stale or hand-edited value falls back to the default
    return default_working_hours(user.locale, zone)


def emails_of(people: Sequence[Person]) -> list[str]:
    return [p.email for p in people]
