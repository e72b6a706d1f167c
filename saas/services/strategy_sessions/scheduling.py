"""Scheduling, rescheduling and cancelling sessions: the writing use cases.

Every rule of time, series and attendees is the domain's (``saas.domain.sessions``); this
module loads what the rules need, translates their refusals, checks clashes with the
attendees' other sessions, writes, and audits.  Nothing is written unless everything is
valid and either nothing clashes or the caller confirmed the clashes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from saas.domain import ics
from saas.domain.sessions import (
    Conflict as Clash,
)
from saas.domain.sessions import (
    SchedulingError,
    as_utc,
    check_kind,
    find_conflicts,
    parse_recurrence,
    parse_starts_at,
    resolve_forward,
    series,
    validate_duration,
    validate_start_not_past,
    zone_info,
)
from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Brand, Membership, SessionAttendee, StrategySession
from saas.permissions import can
from saas.services import audit, validation
from saas.services.entitlements import limits
from saas.services.errors import Conflict, Forbidden, ValidationFailed
from saas.services.strategy_sessions import queries
from saas.services.strategy_sessions.effects import (
    CANCELLED,
    SCHEDULED,
    UPDATED,
    Change,
    after_change,
)
from saas.services.strategy_sessions.messages import add_problems
from saas.services.strategy_sessions.people import Person, resolve
from saas.services.validation import unknown_fields
from saas.transactions import use_case
from tenants.models import utcnow

TITLE_MAX = 200
LOCATION_MAX = 500
CREATE_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "timezone",
    "duration_minutes",
    "location",
    "attendees",
    "recurrence",
    "confirm_conflicts",
)
UPDATE_FIELDS = (*CREATE_FIELDS, "scope")
SCOPES = ("one", "series")
# A change of any of these moves the event in calendars: SEQUENCE goes up.
TIME_OR_PLACE = ("starts_at", "duration_minutes", "location", "timezone")


class SessionConflict(Conflict):
    """The proposed time clashes with attendees' other sessions (409 with ``conflicts``)."""

    code = "conflict"

    def __init__(self, message: str, conflicts: list[dict[str, Any]]):
        super().__init__(message)
        self.conflicts = conflicts
        self.extra = {"conflicts": conflicts}


def can_edit(role: str | None) -> bool:
    return role is not None and can(role, "session.edit")


def ensure_can_edit(actor: Membership) -> None:
    if not can_edit(actor.role):
        raise Forbidden(_("Your role can see sessions but not schedule them."))


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else datetime.now(UTC)


def _naive(instant: datetime) -> datetime:
    return as_utc(instant).replace(tzinfo=None)


def _domain(fn: Any, errors: dict[str, str]) -> Any:
    """Call a domain check; its refusal becomes translated ``errors``, the result None."""
    try:
        return fn()
    except SchedulingError as err:
        add_problems(err, errors)
        return None


def new_uid() -> str:
    """A UID that no edit changes (RFC 5545): random, so it reveals no count of sessions."""
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname or "tandem.invalid"
    return ics.uid_for(secrets.token_hex(12), host)


# --- create -------------------------------------------------------------------------------


@use_case
def create(
    actor: Membership, brand: Brand, data: Mapping[str, Any], *, now: datetime | None = None
) -> list[StrategySession]:
    """Schedule a session, or a series (``recurrence``): every occurrence, in order."""
    ensure_can_edit(actor)
    clock = _now(now)
    errors: dict[str, str] = {}
    unknown_fields(data, CREATE_FIELDS, errors)
    title = validation.text(
        data.get("title"), "title", errors, limit=TITLE_MAX, required=_("Name the session.")
    )
    location = validation.text(data.get("location"), "location", errors, limit=LOCATION_MAX)
    kind = _domain(lambda: check_kind(data.get("kind", "ad_hoc")), errors)
    zone = data.get("timezone") or brand.timezone or "UTC"
    zone_ok = _domain(lambda: zone_info(zone), errors) is not None
    duration = _domain(lambda: validate_duration(data.get("duration_minutes")), errors)
    recurrence = _domain(lambda: parse_recurrence(data.get("recurrence")), errors)
    starts: list[datetime] = []
    if zone_ok:
        first = _domain(lambda: parse_starts_at(data.get("starts_at"), zone), errors)
        if (
            first is not None
            and _domain(lambda: validate_start_not_past(first, clock), errors) is not None
        ):
            got = _domain(lambda: series(first, zone, recurrence), errors)
            starts = [o.starts_at for o in got or []]
    people = resolve(brand, data.get("attendees", []), errors)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)
    # Every occurrence of a series is a session of the plan's monthly allowance.
    limits.check(brand.agency_id, "sessions_per_month", adding=len(starts), actor=actor)

    if not data.get("confirm_conflicts"):
        _refuse_clashes(actor, [(s, s + timedelta(minutes=duration)) for s in starts], people)

    rows = [
        StrategySession(
            agency_id=brand.agency_id,
            brand_id=brand.id,
            title=title,
            kind=kind,
            starts_at=_naive(start),
            duration_minutes=duration,
            timezone=zone,
            location=location,
            status="scheduled",
            sequence=0,
            uid=new_uid(),
            created_by_id=actor.user_id,
            attendees=_attendee_rows(brand, people),
        )
        for start in starts
    ]
    db.session.add_all(rows)
    db.session.flush()
    if len(rows) > 1:
        for row in rows:
            row.series_id = rows[0].id
    audit.record(
        "session.scheduled",
        rows[0],
        brand_id=brand.id,
        kind=kind,
        starts_at=rows[0].starts_at.isoformat(),
        timezone=zone,
        occurrences=len(rows),
        attendees=len(people),
        confirmed_conflicts=bool(data.get("confirm_conflicts")) or None,
    )
    after_change([Change(row, SCHEDULED) for row in rows], now=clock)
    return rows


def _attendee_rows(
    brand: Brand, people: Sequence[Person], keep: Mapping[str, SessionAttendee] | None = None
) -> list[SessionAttendee]:
    rows = []
    for p in people:
        old = (keep or {}).get(p.email)
        rows.append(
            SessionAttendee(
                agency_id=brand.agency_id,
                brand_id=brand.id,
                user_id=p.user.id if p.user is not None else None,
                email=p.email,
                name=p.name,
                part=p.part,
                rsvp=old.rsvp if old is not None else "needs_action",
                responded_at=old.responded_at if old is not None else None,
            )
        )
    return rows


# --- clashes ------------------------------------------------------------------------------


def clashes(
    actor: Membership,
    slots: Sequence[tuple[datetime, datetime]],
    emails: Sequence[str],
    *,
    ignore_ids: Sequence[int] = (),
) -> list[Clash]:
    """Every clash of the proposed slots with the attendees' other sessions."""
    if not slots or not emails:
        return []
    start = min(s for s, _e in slots)
    end = max(e for _s, e in slots)
    busy = queries.busy(actor, emails, start, end, ignore_ids=ignore_ids)
    found: list[Clash] = []
    for slot in slots:
        found += find_conflicts(slot, busy)
    return found


def conflict_json(clash: Clash) -> dict[str, Any]:
    """One clash as the API and the form show it: a hidden session is only "busy then"."""

    def z(value: datetime) -> str:
        return as_utc(value).isoformat().removesuffix("+00:00") + "Z"

    return {
        "id": clash.id if clash.visible else None,
        "title": clash.title if clash.visible else None,
        "starts_at": z(clash.starts_at),
        "ends_at": z(clash.ends_at),
        "busy": sorted(str(p) for p in clash.people),
    }


def _refuse_clashes(
    actor: Membership,
    slots: Sequence[tuple[datetime, datetime]],
    people: Sequence[Person],
    *,
    ignore_ids: Sequence[int] = (),
) -> None:
    found = clashes(actor, slots, [p.email for p in people], ignore_ids=ignore_ids)
    if found:
        raise SessionConflict(
            _(
                "Some attendees are busy then. Choose another time, or confirm to "
                "schedule it anyway."
            ),
            [conflict_json(c) for c in found],
        )


# --- update -------------------------------------------------------------------------------


@use_case
def update(
    actor: Membership,
    session: StrategySession,
    brand: Brand,
    data: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> list[StrategySession]:
    """Change one occurrence (``scope: "one"``, the default) or every occurrence of its
    series that has not started (``"series"``).  A new start moves each occurrence by the
    same change of *local* wall time, so a series keeps its hour across clock changes."""
    ensure_can_edit(actor)
    clock = _now(now)
    if session.status == "cancelled":
        raise Conflict(_("This session was cancelled; schedule a new one."), code="cancelled")
    errors: dict[str, str] = {}
    unknown_fields(data, UPDATE_FIELDS, errors)
    if "recurrence" in data and data["recurrence"] is not None:
        errors["recurrence"] = _("A series cannot be repeated again; edit it with scope.")
    scope = data.get("scope") or "one"
    if scope not in SCOPES:
        errors["scope"] = _("Choose “one” or “series”.")
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = validation.text(
            data["title"], "title", errors, limit=TITLE_MAX, required=_("Name the session.")
        )
    if "location" in data:
        values["location"] = validation.text(
            data["location"], "location", errors, limit=LOCATION_MAX
        )
    if "kind" in data:
        values["kind"] = _domain(lambda: check_kind(data["kind"]), errors)
    if "duration_minutes" in data:
        values["duration_minutes"] = _domain(
            lambda: validate_duration(data["duration_minutes"]), errors
        )
    zone = data.get("timezone") or session.timezone
    zone_ok = _domain(lambda: zone_info(zone), errors) is not None
    if "timezone" in data and zone_ok:
        values["timezone"] = zone
    new_start: datetime | None = None
    if "starts_at" in data and zone_ok:
        new_start = _domain(lambda: parse_starts_at(data["starts_at"], zone), errors)
        if new_start is not None:
            _domain(lambda: validate_start_not_past(new_start, clock), errors)
    people: list[Person] | None = None
    if "attendees" in data:
        people = resolve(brand, data["attendees"], errors)
    if errors:
        raise ValidationFailed(_("Please correct the highlighted fields."), errors)

    targets = (
        queries.series_of(session, not_before=_naive(clock)) if scope == "series" else [session]
    )
    starts = _moved_starts(session, targets, new_start, zone)
    duration = values.get("duration_minutes") or session.duration_minutes
    if (
        new_start is not None or "duration_minutes" in values or people is not None
    ) and not data.get("confirm_conflicts"):
        emails = (
            [p.email for p in people]
            if people is not None
            else sorted({a.email for t in targets for a in t.attendees})
        )
        slots = [(starts[t.id], starts[t.id] + timedelta(minutes=duration)) for t in targets]
        with db.session.no_autoflush:
            found = clashes(actor, slots, emails, ignore_ids=[t.id for t in targets])
        if found:
            raise SessionConflict(
                _(
                    "Some attendees are busy then. Choose another time, or confirm to "
                    "schedule it anyway."
                ),
                [conflict_json(c) for c in found],
            )

    changed: set[str] = set()
    effects: list[Change] = []
    for target in targets:
        moved = {**values}
        if new_start is not None:
            moved["starts_at"] = _naive(starts[target.id])
        diff = {k: v for k, v in moved.items() if getattr(target, k) != v}
        for key, value in diff.items():
            setattr(target, key, value)
        invited = {a.email for a in target.attendees}
        if people is not None and _replace_attendees(brand, target, people):
            diff["attendees"] = True
        if set(diff) & set(TIME_OR_PLACE):
            target.sequence += 1
        changed |= set(diff)
        if diff:
            still = {a.email for a in target.attendees}
            effects.append(Change(target, UPDATED, frozenset(diff), tuple(sorted(invited - still))))
    if changed:
        audit.record(
            "session.updated",
            session,
            brand_id=session.brand_id,
            scope=scope,
            changed=sorted(changed),
            occurrences=len(targets),
            starts_at=session.starts_at.isoformat() if "starts_at" in changed else None,
            confirmed_conflicts=bool(data.get("confirm_conflicts")) or None,
        )
    db.session.flush()
    after_change(effects, now=clock)
    return targets


def _moved_starts(
    session: StrategySession,
    targets: Sequence[StrategySession],
    new_start: datetime | None,
    zone: str,
) -> dict[int, datetime]:
    """Each target's new UTC start: the edited occurrence at ``new_start``, the others moved
    by the same change of local wall time (a generated time in a gap moves forward)."""
    current = {t.id: as_utc(t.starts_at) for t in targets}
    if new_start is None:
        return current
    old_zone = zone_info(session.timezone)
    new_zone = zone_info(zone)
    old_local = current[session.id].astimezone(old_zone).replace(tzinfo=None)
    new_local = as_utc(new_start).astimezone(new_zone).replace(tzinfo=None)
    delta = new_local - old_local
    out = {}
    for t in targets:
        if t.id == session.id:
            out[t.id] = as_utc(new_start)
            continue
        local = current[t.id].astimezone(old_zone).replace(tzinfo=None) + delta
        out[t.id] = resolve_forward(local, zone)[0]
    return out


def _replace_attendees(brand: Brand, session: StrategySession, people: Sequence[Person]) -> bool:
    """Replace the list, keeping each remaining person's answer; True when it changed."""
    before = {a.email: a for a in session.attendees}
    if [(a.email, a.part, a.user_id) for a in session.attendees] == [
        (p.email, p.part, p.user.id if p.user else None) for p in people
    ]:
        return False
    session.attendees.clear()
    db.session.flush()
    session.attendees.extend(_attendee_rows(brand, people, before))
    return True


# --- cancel -------------------------------------------------------------------------------


@use_case
def cancel(
    actor: Membership, session: StrategySession, *, scope: str = "one", now: datetime | None = None
) -> list[StrategySession]:
    """Cancel one occurrence or the rest of its series; cancelling twice changes nothing.

    SEQUENCE goes up, so the CANCEL replaces the last REQUEST in every calendar."""
    ensure_can_edit(actor)
    if scope not in SCOPES:
        raise ValidationFailed(
            _("Please correct the highlighted fields."), {"scope": _("Choose “one” or “series”.")}
        )
    clock = _now(now)
    targets = (
        queries.series_of(session, not_before=_naive(clock)) if scope == "series" else [session]
    )
    done = []
    for target in targets:
        if target.status == "cancelled":
            continue
        target.status = "cancelled"
        target.cancelled_at = utcnow()
        target.sequence += 1
        done.append(target)
    if done:
        audit.record(
            "session.cancelled",
            session,
            brand_id=session.brand_id,
            scope=scope,
            occurrences=len(done),
        )
        db.session.flush()
    after_change([Change(t, CANCELLED) for t in done], now=clock)
    return targets
