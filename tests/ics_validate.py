#!/usr/bin/python3
"""Check an .ics file more strictly than the ``icalendar`` library does: with libical.

Run with Debian's Python, which has PyGObject (``python3-gi``) and libical's introspection data
(``gir1.2-ical-3.0``), not with the project's virtualenv:

    /usr/bin/python3 tests/ics_validate.py invite.ics      # or the file on stdin
    /usr/bin/python3 tests/ics_validate.py --times < invite.ics

Exit 0 when the file is clean, 1 with one message a line on stderr otherwise, 2 when libical
cannot be loaded.  ``--times`` prints, as JSON on stdout, each VEVENT's UID, SEQUENCE,
RECURRENCE-ID and start and end **as libical converts them to UTC** through the file's own
VTIMEZONEs, so a test can compare them with zoneinfo's.

What fails:
- bytes that are not UTF-8, lines not ended by CRLF, lines over 75 octets (RFC 5545 3.1);
- anything libical's parser flags (it inserts X-LIC-ERROR properties for malformed lines,
  unknown value types, bad parameters...);
- libical's iTIP restriction check (``icalrestriction_check``, RFC 5546 section 3): the
  properties each METHOD requires or forbids in each component;
- our own rules: VERSION:2.0 and PRODID; every VEVENT has UID and a UTC DTSTAMP; every TZID used
  has its VTIMEZONE; DTEND after DTSTART; an iTIP message is about one UID; REQUEST has an
  ORGANIZER, at least one ATTENDEE and no STATUS:CANCELLED; CANCEL has STATUS:CANCELLED and a
  SEQUENCE (and it must be above the request's, which only the caller knows).
"""

from __future__ import annotations

import json
import sys

try:
    import gi

    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib as ICal
except (ImportError, ValueError) as exc:  # pragma: no cover - depends on the machine
    print(
        f"libical unavailable ({exc}): apt-get install gir1.2-ical-3.0 python3-gi", file=sys.stderr
    )
    sys.exit(2)

MAX_OCTETS = 75
# Parameter values libical lets through as unknown ("PARTSTAT=MAYBE"), checked here.
ALLOWED_PARAMS = {
    "PARTSTAT": {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"},
    "ROLE": {"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"},
    "RSVP": {"TRUE", "FALSE"},
    "CUTYPE": {"INDIVIDUAL", "GROUP", "RESOURCE", "ROOM", "UNKNOWN"},
}


def _components(component):
    """The component and everything inside it, depth first."""
    yield component
    child = component.get_first_component(ICal.ComponentKind.ANY_COMPONENT)
    while child is not None:
        yield from _components(child)
        child = component.get_next_component(ICal.ComponentKind.ANY_COMPONENT)


def _properties(component, kind=None):
    kind = ICal.PropertyKind.ANY_PROPERTY if kind is None else kind
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def _name(component) -> str:
    return ICal.Component.kind_to_string(component.isa())


def _value(component, name: str) -> str | None:
    kind = ICal.Property.kind_from_string(name)
    prop = component.get_first_property(kind)
    return None if prop is None else prop.get_value_as_string()


def _lines(data: bytes) -> list[str]:
    errors = []
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    for line in unfolded.split(b"\r\n"):
        # libical reads "SEQUENCE:one" as 0 without a word
        if line.startswith(b"SEQUENCE") and not line.partition(b":")[2].isdigit():
            errors.append(
                f"SEQUENCE is not a non-negative integer: {line.decode('utf-8', 'replace')}"
            )
    if not data.endswith(b"\r\n"):
        errors.append("the file does not end with CRLF")
    for number, line in enumerate(data.split(b"\r\n")[:-1], start=1):
        if b"\n" in line or b"\r" in line:
            errors.append(f"line {number}: a bare LF or CR (lines end with CRLF)")
        if len(line) > MAX_OCTETS:
            errors.append(f"line {number}: {len(line)} octets, over {MAX_OCTETS} (not folded)")
    return errors


def _libical_errors(calendar) -> list[str]:
    errors = []
    for component in _components(calendar):
        for prop in _properties(component, ICal.PropertyKind.XLICERROR_PROPERTY):
            errors.append(f"libical: {_name(component)}: {prop.get_xlicerror()}")
    return errors


def _own_rules(calendar) -> list[str]:
    errors = []
    if _name(calendar) != "VCALENDAR":
        return [f"the top component is {_name(calendar)}, not VCALENDAR"]
    if _value(calendar, "VERSION") != "2.0":
        errors.append("VCALENDAR: VERSION:2.0 missing")
    if not _value(calendar, "PRODID"):
        errors.append("VCALENDAR: PRODID missing")
    method = _value(calendar, "METHOD")
    zones = {
        _value(component, "TZID")
        for component in _components(calendar)
        if _name(component) == "VTIMEZONE"
    }
    events = [component for component in _components(calendar) if _name(component) == "VEVENT"]
    for component in _components(calendar):
        for prop in _properties(component):
            tzid = prop.get_parameter_as_string("TZID")
            for param, allowed in ALLOWED_PARAMS.items():
                value = prop.get_parameter_as_string(param)
                if value is not None and value.upper() not in allowed:
                    errors.append(f"{prop.get_property_name()}: {param}={value} is not RFC 5545's")
            if prop.get_property_name() in ("ORGANIZER", "ATTENDEE"):
                address = prop.get_value_as_string() or ""
                if not address.lower().startswith("mailto:") or "@" not in address:
                    errors.append(f"{prop.get_property_name()}: not a mailto: address: {address}")
            if tzid and tzid not in zones:
                errors.append(
                    f"{_name(component)} {prop.get_property_name()}: TZID={tzid} has no VTIMEZONE"
                )
    uids = set()
    for event in events:
        uid = _value(event, "UID")
        label = f"VEVENT {uid or '(no UID)'}"
        if not uid:
            errors.append("VEVENT: UID missing")
        uids.add(uid)
        stamp = event.get_first_property(ICal.PropertyKind.DTSTAMP_PROPERTY)
        if stamp is None:
            errors.append(f"{label}: DTSTAMP missing")
        elif not stamp.get_dtstamp().is_utc():
            errors.append(f"{label}: DTSTAMP is not in UTC")
        start, end = _utc_span(event)
        if start and end and end <= start:
            errors.append(f"{label}: DTEND is not after DTSTART")
        status = (_value(event, "STATUS") or "").upper()
        if method == "REQUEST":
            if _value(event, "ORGANIZER") is None:
                errors.append(f"{label}: a REQUEST needs an ORGANIZER")
            if event.count_properties(ICal.PropertyKind.ATTENDEE_PROPERTY) == 0:
                errors.append(f"{label}: a REQUEST needs at least one ATTENDEE")
            if status == "CANCELLED":
                errors.append(f"{label}: STATUS:CANCELLED in a REQUEST (send METHOD:CANCEL)")
        if method == "CANCEL":
            if status != "CANCELLED":
                errors.append(f"{label}: a CANCEL needs STATUS:CANCELLED")
            if event.get_first_property(ICal.PropertyKind.SEQUENCE_PROPERTY) is None:
                errors.append(f"{label}: a CANCEL needs a SEQUENCE above the request's")
    if method in ("REQUEST", "CANCEL", "REPLY", "COUNTER") and len(uids) > 1:
        errors.append(f"METHOD:{method} carries {len(uids)} UIDs; an iTIP message is about one")
    if method and not events:
        errors.append(f"METHOD:{method} without a VEVENT")
    return errors


def _utc(time) -> str | None:
    if time is None or time.is_null_time():
        return None
    utc = time.convert_to_zone(ICal.Timezone.get_utc_timezone())
    return (
        f"{utc.get_year():04d}-{utc.get_month():02d}-{utc.get_day():02d}"
        f"T{utc.get_hour():02d}:{utc.get_minute():02d}:{utc.get_second():02d}Z"
    )


def _zoned(calendar, prop, time):
    """The time with its TZID's VTIMEZONE attached (libical leaves RECURRENCE-ID bare)."""
    tzid = prop.get_parameter_as_string("TZID")
    if tzid and not time.is_utc():
        zone = calendar.get_timezone(tzid)
        if zone is not None:
            time.set_timezone(zone)
    return time


def _utc_span(event) -> tuple[str | None, str | None]:
    return _utc(event.get_dtstart()), _utc(event.get_dtend())


def _times(calendar) -> list[dict]:
    out = []
    for event in _components(calendar):
        if _name(event) != "VEVENT":
            continue
        start, end = _utc_span(event)
        rid = event.get_first_property(ICal.PropertyKind.RECURRENCEID_PROPERTY)
        out.append(
            {
                "uid": _value(event, "UID"),
                "sequence": event.get_sequence(),
                "status": _value(event, "STATUS"),
                "recurrence_id": None
                if rid is None
                else _utc(_zoned(calendar, rid, rid.get_recurrenceid())),
                "start": start,
                "end": end,
            }
        )
    return out


def validate(data: bytes) -> tuple[list[str], list[dict]]:
    """The problems found (empty when the file is clean) and each event's times in UTC."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8: {exc}"], []
    errors = _lines(data)
    calendar = ICal.Component.new_from_string(text)
    if calendar is None:
        return errors + ["libical could not parse the file"], []
    # The parser's X-LIC-ERRORs first, then the iTIP check, which adds its own.
    ICal.restriction_check(calendar)
    errors += _libical_errors(calendar)
    errors += _own_rules(calendar)
    # libical repeats one restriction failure once per value it compared
    return list(dict.fromkeys(errors)), _times(calendar)


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if arg != "--times"]
    if len(args) > 1:
        print("usage: ics_validate.py [--times] [FILE]", file=sys.stderr)
        return 2
    if args:
        with open(args[0], "rb") as handle:
            data = handle.read()
    else:
        data = sys.stdin.buffer.read()
    errors, times = validate(data)
    if "--times" in argv:
        json.dump(times, sys.stdout)
        print()
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
