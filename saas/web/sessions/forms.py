"""The scheduling form of strategy sessions: it parses what a person typed into the body the
sessions service takes (the same as the API's), and puts the service's refusals back next to
the fields.  Every rule (times, zones, durations, attendees, clashes) is the service's.

Attendees are the brand's members (a checkbox and a part each, rendered by the template)
and a textarea of outside email addresses, one per line, ``Name <email>`` allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import get_locale
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from saas.domain.sessions import KINDS, PARTS, as_utc, is_time_zone
from saas.i18n import gettext as _
from saas.i18n import lazy_gettext as _l
from saas.models import Membership, StrategySession
from saas.presentation import timezones
from saas.presentation.labels.sessions import KIND_LABELS, PART_LABELS, STATUS_BADGES, STATUS_LABELS  # noqa: F401
from saas.services.errors import ServiceError
from saas.services.strategy_sessions.scheduling import LOCATION_MAX, TITLE_MAX
from saas.web.forms import TandemForm, coerce_id, show_errors

REPEAT_LABELS = {
    "": _l("Does not repeat"),
    "week": _l("Every week"),
    "month": _l("Every month"),
    "quarter": _l("Every quarter"),
}
# A member's usual part in a session, from their Tandem role (the organiser can change it).
DEFAULT_PARTS = {
    "owner": "consultant",
    "consultant": "consultant",
    "client_leader": "leader",
    "client_team": "senior_social",
}

# "Name <email>" or a bare address; anything else goes to the service as typed (and is
# refused there with the same words as in the API).
_NAMED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>$")
_SLOT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z$")


def default_part(membership: Membership) -> str:
    return DEFAULT_PARTS.get(membership.role, "guest")


def _digits_or_raw(value: str | None) -> Any:
    raw = (value or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else (raw or None)


def guest_lines(text: str | None) -> list[tuple[int, str, str | None]]:
    """(line number, email, name) for each non-blank line of the guests textarea."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        named = _NAMED.match(line)
        if named:
            out.append((number, named["email"].strip(), named["name"].strip().strip('"') or None))
        else:
            out.append((number, line, None))
    return out


def slot_value(start: datetime) -> str:
    """A suggested slot as the radio's value: its UTC start to the minute."""
    return as_utc(start).strftime("%Y-%m-%dT%H:%MZ")


class SessionForm(TandemForm):
    """Schedule (``new``) or change (``edit``) a session; ``members`` are the brand's."""

    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX})
    kind = SelectField(
        _l("Kind of session"),
        choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS],
        default="quarterly_business_review",
        validate_choice=False,
    )
    date = StringField(_l("Date"), render_kw={"type": "date"})
    time = StringField(_l("Start time"), render_kw={"type": "time", "step": "300"})
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    duration_minutes = StringField(
        _l("Duration in minutes"),
        default="60",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    location = StringField(
        _l("Location or video link"),
        render_kw={"maxlength": LOCATION_MAX, "placeholder": "https://"},
    )
    members = SelectField(_l("People of this brand"), validate_choice=False)  # see __init__
    guests = TextAreaField(
        _l("Guests from outside"),
        render_kw={"rows": 3, "dir": "ltr", "spellcheck": "false"},
    )
    repeat = SelectField(
        _l("Repeats"),
        choices=[SelectChoice(k, v) for k, v in REPEAT_LABELS.items()],
        default="",
        validate_choice=False,
    )
    count = StringField(
        _l("Number of sessions"),
        default="4",
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 2},
    )
    scope = RadioField(
        _l("Change"),
        choices=[
            SelectChoice("one", _l("This session only")),
            SelectChoice("series", _l("This and the later sessions of the series")),
        ],
        default="one",
        validate_choice=False,
    )
    slot = StringField(_l("Suggested times"))
    confirm_conflicts = BooleanField(_l("Schedule anyway"))
    suggest = SubmitField(_l("Suggest times"))

    def __init__(
        self, *args: Any, people: Sequence[Membership] = (), zone: str = "UTC", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {m.user_id: m for m in people}
        self.timezone.choices = timezones.grouped_choices(
            str(get_locale()), extra=self.timezone.data
        )
        if not self.timezone.data:
            self.timezone.data = zone
        # Checked members, and each member's part, from the POST (else set by fill/defaults).
        self.chosen: list[int] = []
        self.parts: dict[int, str] = {m.user_id: default_part(m) for m in people}
        self.member_errors: dict[int, str] = {}
        self.guest_parts: dict[str, str] = {}
        if self.is_submitted():
            self._read_members(request.form)

    # --- what was sent --------------------------------------------------------------------

    def _read_members(self, formdata: Mapping[str, Any]) -> None:
        getlist = getattr(formdata, "getlist", None)
        raw = getlist("member") if getlist else []
        chosen = []
        for value in raw:
            try:
                ident = coerce_id(value)
            except ValueError:
                continue
            if ident in self.people and ident not in chosen:
                chosen.append(ident)
        self.chosen = chosen
        for ident in self.people:
            part = formdata.get(f"part-{ident}")
            if isinstance(part, str) and part in PARTS:
                self.parts[ident] = part

    @property
    def suggesting(self) -> bool:
        return bool(self.suggest.data)

    def starts_at(self) -> str:
        """The local wall time in the chosen zone; a chosen suggested slot wins (sent with
        its offset, so the fall-back hour's second occurrence stays itself)."""
        slot = (self.slot.data or "").strip()
        zone = self.timezone.data
        if slot and _SLOT.fullmatch(slot) and is_time_zone(zone):
            instant = datetime.fromisoformat(slot.replace("Z", "+00:00"))
            local = instant.astimezone(ZoneInfo(zone))
            self.date.data = local.strftime("%Y-%m-%d")
            self.time.data = local.strftime("%H:%M")
            return local.isoformat(timespec="minutes")
        date, time = (self.date.data or "").strip(), (self.time.data or "").strip()
        return f"{date}T{time}" if date or time else ""

    def attendees(self) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
        """The body's attendee list, and where each entry came from."""
        entries: list[dict[str, Any]] = []
        origin: list[tuple[str, int]] = []
        for ident in self.chosen:
            entries.append({"user_id": ident, "part": self.parts.get(ident, "guest")})
            origin.append(("member", ident))
        keep = self.guest_parts
        for number, email, name in guest_lines(self.guests.data):
            entry: dict[str, Any] = {"email": email, "part": keep.get(email.lower(), "guest")}
            if name:
                entry["name"] = name
            entries.append(entry)
            origin.append(("guest", number))
        return entries, origin

    def guest_emails(self) -> list[str]:
        return [email for _n, email, _name in guest_lines(self.guests.data)]

    def body(self) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        """The create body (the API's fields) and the attendees' origins."""
        attendees, origin = self.attendees()
        body: dict[str, Any] = {
            "title": self.title.data or "",
            "kind": self.kind.data,
            "starts_at": self.starts_at(),
            "timezone": self.timezone.data,
            "duration_minutes": _digits_or_raw(self.duration_minutes.data),
            "location": (self.location.data or "").strip() or None,
            "attendees": attendees,
            "confirm_conflicts": bool(self.confirm_conflicts.data),
        }
        if self.repeat.data:
            body["recurrence"] = {
                "every": self.repeat.data,
                "count": _digits_or_raw(self.count.data),
            }
        return body, origin

    # --- what the service said ------------------------------------------------------------

    def show(self, err: ServiceError, origin: Sequence[tuple[str, int]] = ()) -> None:
        """The service's field errors next to the fields (attendee rows by member or line)."""
        fields = dict(err.fields)
        guest_errors: list[str] = []
        for key in list(fields):
            if key.startswith("attendees."):
                message = fields.pop(key)
                index = key.split(".")[1]
                where = origin[int(index)] if index.isdigit() and int(index) < len(origin) else None
                if where is None:
                    self.members.errors = [*self.members.errors, message]
                elif where[0] == "member":
                    self.member_errors[where[1]] = message
                    self.members.errors = [*self.members.errors, message]
                else:
                    guest_errors.append(
                        _("Line %(line)s: %(message)s", line=where[1], message=message)
                    )
            elif key.startswith("recurrence"):
                fields["count" if key.endswith("count") else "repeat"] = fields.pop(key)
        self.guests.errors = [*self.guests.errors, *guest_errors]
        rename = {"starts_at": "date", "attendees": "members", "body": "title"}
        err.fields = fields
        show_errors(self, err, rename)

    # --- filling from a session -----------------------------------------------------------

    def fill(self, session: StrategySession) -> None:
        """Show a session's values: its local time in its own zone, its attendees."""
        local = as_utc(session.starts_at).astimezone(ZoneInfo(session.timezone))
        self.title.data = session.title
        self.kind.data = session.kind
        self.date.data = local.strftime("%Y-%m-%d")
        self.time.data = local.strftime("%H:%M")
        self.timezone.data = session.timezone
        self.timezone.choices = timezones.grouped_choices(str(get_locale()), extra=session.timezone)
        self.duration_minutes.data = str(session.duration_minutes)
        self.location.data = session.location or ""
        self.chosen = [a.user_id for a in session.attendees if a.user_id in self.people]
        for a in session.attendees:
            if a.user_id in self.people:
                self.parts[a.user_id] = a.part
        self.guests.data = "\n".join(
            f"{a.name} <{a.email}>" if a.name else a.email
            for a in session.attendees
            if a.user_id not in self.people
        )

    def remember_guests(self, session: StrategySession) -> None:
        """Guests keep the part the API gave them when the list is saved from this form."""
        self.guest_parts = {
            a.email: a.part for a in session.attendees if a.user_id not in self.people
        }

    def changes(self, session: StrategySession) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        """The update body: only what differs from the session, so a title edit does not
        move the session (nor re-check its start, which may be past)."""
        body, origin = self.body()
        local = as_utc(session.starts_at).astimezone(ZoneInfo(session.timezone))
        was_start = local.strftime("%Y-%m-%dT%H:%M")
        out: dict[str, Any] = {
            "scope": self.scope.data if self.scope.data in ("one", "series") else "one",
            "confirm_conflicts": body["confirm_conflicts"],
        }
        if body["title"] != session.title:
            out["title"] = body["title"]
        if body["kind"] != session.kind:
            out["kind"] = body["kind"]
        if body["duration_minutes"] != session.duration_minutes:
            out["duration_minutes"] = body["duration_minutes"]
        if body["location"] != (session.location or None):
            out["location"] = body["location"]
        if body["timezone"] != session.timezone or body["starts_at"][:16] != was_start:
            out["starts_at"] = body["starts_at"]
            out["timezone"] = body["timezone"]
        was = [(a.email, a.part) for a in session.attendees]
        now = []
        for entry in body["attendees"]:
            if "user_id" in entry:
                member = self.people[entry["user_id"]]
                now.append((member.user.email.lower(), entry["part"]))
            else:
                now.append((str(entry["email"]).strip().lower(), entry["part"]))
        if sorted(was) != sorted(now):
            out["attendees"] = body["attendees"]
        return out, origin


class CancelForm(TandemForm):
    """The confirmation of a cancellation: which sessions (a series asks)."""

    scope = RadioField(
        _l("Cancel"),
        choices=[
            SelectChoice("one", _l("This session only")),
            SelectChoice("series", _l("This and the later sessions of the series")),
        ],
        default="one",
        validate_choice=False,
    )
