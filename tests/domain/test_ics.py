"""Invitations calendars accept: every file the domain builds passes libical's strict check.

The times are read back twice: by the ``icalendar`` library and by libical through the file's
own VTIMEZONE (tests/ics_validate.py ``--times``), and both must agree with zoneinfo.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from saas.domain import ics
from tests.ics_check import InvalidICS, assert_valid_ics, run_validator

RIYADH = ZoneInfo("Asia/Riyadh")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
UID = ics.uid_for(42, "tandem.example")


def _invite(**changes) -> ics.Invite:
    base = ics.Invite(
        uid=UID,
        sequence=0,
        title="Quarterly business review",
        description="Goals at risk, plans waiting for approval.",
        location="Riyadh office, room 3",
        starts_at_utc=datetime(2026, 3, 12, 10, tzinfo=RIYADH).astimezone(UTC),
        duration_minutes=60,
        timezone="Asia/Riyadh",
        organiser_email="nour@agency.example",
        organiser_name="Nour Al-Harbi",
        attendees=(
            ics.InviteAttendee("leader@client.example", "Sara Leader", "leader"),
            ics.InviteAttendee("guest@elsewhere.example", "Guest, External", "guest", "ACCEPTED"),
        ),
        url="https://tandem.example/sessions/42",
        dtstamp_utc=STAMP,
    )
    return dataclasses.replace(base, **changes)


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _unfolded(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "")


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- REQUEST ----------------------------------------------------------------------------------


def test_request_is_an_itip_request_that_libical_accepts():
    data = ics.request(_invite())
    (times,) = assert_valid_ics(data)
    calendar, event = _event(data)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["PRODID"] == ics.PRODID
    assert event["UID"] == UID and times["uid"] == UID
    assert event["SEQUENCE"] == 0 and times["sequence"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Quarterly business review"
    assert event["URL"] == "https://tandem.example/sessions/42"
    text = _unfolded(data)
    assert "DTSTAMP:20260201T093000Z\r\n" in text
    assert "DTSTART;TZID=Asia/Riyadh:20260312T100000\r\n" in text
    assert "DTEND;TZID=Asia/Riyadh:20260312T110000\r\n" in text
    assert 'ORGANIZER;CN="Nour Al-Harbi":mailto:nour@agency.example\r\n' in text
    assert "COMMENT" not in text  # not allowed in a VTIMEZONE
    # the VTIMEZONE comes before the event that uses it
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "TZID:Asia/Riyadh\r\n" in text


def test_ten_in_riyadh_is_seven_utc_for_icalendar_and_for_libical():
    data = ics.request(_invite())
    (times,) = assert_valid_ics(data)
    _, event = _event(data)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.tzinfo.key) == (10, "Asia/Riyadh")
    assert start.astimezone(UTC) == datetime(2026, 3, 12, 7, tzinfo=UTC)
    assert end - start == timedelta(minutes=60)
    assert (times["start"], times["end"]) == ("2026-03-12T07:00:00Z", "2026-03-12T08:00:00Z")


def test_every_attendee_is_asked_to_answer():
    _, event = _event(ics.request(_invite()))
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:leader@client.example",
        "mailto:guest@elsewhere.example",
    ]
    for attendee in attendees:
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert [a.params["PARTSTAT"] for a in attendees] == ["NEEDS-ACTION", "ACCEPTED"]
    assert attendees[1].params["CN"] == "Guest, External"
    assert ';CN="Guest, External";' in _unfolded(ics.request(_invite()))


def test_a_cancelled_session_is_never_sent_as_a_request():
    with pytest.raises(ValueError, match="cancel"):
        ics.request(_invite(status="cancelled", sequence=2))


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at_utc": datetime(2026, 3, 12, 10)},  # naive
        {"dtstamp_utc": datetime(2026, 3, 12, 10)},
        {"timezone": "Mars/Olympus_Mons"},
        {"duration_minutes": 0},
        {"uid": " "},
        {"sequence": -1},
        {"organiser_email": "nobody"},
        {"attendees": (ics.InviteAttendee("a@b.example", "A", "guest", "MAYBE"),)},
    ],
)
def test_an_invite_that_calendars_would_misread_is_refused(changes):
    with pytest.raises((ValueError, KeyError)):
        ics.request(_invite(**changes))


# --- reschedule and cancel --------------------------------------------------------------------


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence():
    first = ics.request(_invite())
    moved = ics.request(
        _invite(
            sequence=1,
            starts_at_utc=datetime(2026, 3, 19, 11, tzinfo=RIYADH).astimezone(UTC),
            location="Video call",
            dtstamp_utc=STAMP + timedelta(days=1),
        )
    )
    (before,) = assert_valid_ics(first)
    (after,) = assert_valid_ics(moved)
    assert before["uid"] == after["uid"] == UID
    assert after["sequence"] > before["sequence"]
    assert after["start"] == "2026-03-19T08:00:00Z"
    _, event = _event(moved)
    assert event["LOCATION"] == "Video call"
    assert _event(moved)[0]["METHOD"] == "REQUEST"


def test_cancel_is_method_cancel_with_the_same_uid_and_a_higher_sequence():
    last_request = _invite(sequence=1)
    request_times = assert_valid_ics(ics.request(last_request))
    data = ics.cancel(dataclasses.replace(last_request, sequence=2, status="cancelled"))
    (times,) = assert_valid_ics(data)
    calendar, event = _event(data)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED" and times["status"] == "CANCELLED"
    assert event["UID"] == UID == request_times[0]["uid"]
    assert times["sequence"] == 2 > request_times[0]["sequence"]
    # the attendees it is cancelled for, and the organiser
    assert [str(a) for a in event["ATTENDEE"]] == [
        "mailto:leader@client.example",
        "mailto:guest@elsewhere.example",
    ]
    assert str(event["ORGANIZER"]) == "mailto:nour@agency.example"


def test_cancel_for_one_removed_attendee_only():
    data = ics.cancel(_invite(sequence=3, attendees=(_invite().attendees[1],)))
    assert_valid_ics(data)
    _, event = _event(data)
    assert str(event["ATTENDEE"]) == "mailto:guest@elsewhere.example"


def test_a_cancel_cannot_carry_the_first_sequence():
    with pytest.raises(ValueError, match="SEQUENCE"):
        ics.cancel(_invite(sequence=0))


def test_one_occurrence_of_a_series_is_moved_and_cancelled_by_its_recurrence_id():
    first = datetime(2026, 3, 5, 10, tzinfo=RIYADH).astimezone(UTC)
    series = ics.request(_invite(starts_at_utc=first, recurrence=ics.Recurrence("week", 6)))
    assert_valid_ics(series)
    assert "RRULE:FREQ=WEEKLY;COUNT=6\r\n" in _unfolded(series)
    original = first + timedelta(weeks=2)
    moved = ics.request(
        _invite(
            sequence=1,
            starts_at_utc=original + timedelta(hours=2),
            occurrence_recurrence_id_utc=original,
            recurrence=ics.Recurrence("week", 6),
        )
    )
    (times,) = assert_valid_ics(moved)
    assert times["recurrence_id"] == _z(original)
    assert times["start"] == _z(original + timedelta(hours=2))
    assert "RRULE" not in _unfolded(moved)  # an override carries no rule of its own
    cancelled = ics.cancel(_invite(sequence=2, occurrence_recurrence_id_utc=original))
    (times,) = assert_valid_ics(cancelled)
    assert times["recurrence_id"] == _z(original) and times["status"] == "CANCELLED"


@pytest.mark.parametrize(
    ("every", "rule"),
    [
        ("week", "FREQ=WEEKLY;COUNT=4"),
        ("month", "FREQ=MONTHLY;COUNT=4"),
        ("quarter", "FREQ=MONTHLY;COUNT=4;INTERVAL=3"),
    ],
)
def test_series_rules(every, rule):
    data = ics.request(_invite(recurrence=ics.Recurrence(every, 4)))
    assert_valid_ics(data)
    assert f"RRULE:{rule}\r\n" in _unfolded(data)


# --- text -------------------------------------------------------------------------------------


def test_arabic_text_is_utf8_escaped_and_folded_at_75_octets():
    title = "مراجعة الأعمال الفصلية، الربع الأول; الخطة, والقرارات"
    description = "جدول الأعمال:\n١. الأهداف المعرضة للخطر\n٢. الخطط بانتظار الموافقة، " * 3
    data = ics.request(_invite(title=title, description=description, location="الرياض, القاعة ٣"))
    assert_valid_ics(data)
    _, event = _event(data)
    assert event["SUMMARY"] == title
    assert event["DESCRIPTION"] == description
    assert event["LOCATION"] == "الرياض, القاعة ٣"
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    text = _unfolded(data)
    assert "SUMMARY:مراجعة الأعمال الفصلية، الربع الأول\\; الخطة\\, والقرارات\r\n" in text
    assert "\\n١. الأهداف" in text and "LOCATION:الرياض\\, القاعة ٣\r\n" in text


def test_names_with_quotes_and_line_breaks_stay_one_valid_parameter():
    attendee = ics.InviteAttendee("x@client.example", 'Sara "the boss"\nLeader; CEO', "leader")
    data = ics.request(_invite(attendees=(attendee,), organiser_name="نور الحربي"))
    assert_valid_ics(data)
    _, event = _event(data)
    assert event["ATTENDEE"].params["CN"] == "Sara 'the boss' Leader; CEO"
    assert event["ORGANIZER"].params["CN"] == "نور الحربي"


# --- time zones and daylight saving -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "new_york_hour"),
    [(5, 2), (12, 3)],  # the US moves to summer time on 8 March 2026
)
def test_riyadh_ten_o_clock_is_two_then_three_in_new_york(day, new_york_hour):
    data = ics.request(
        _invite(starts_at_utc=datetime(2026, 3, day, 10, tzinfo=RIYADH).astimezone(UTC))
    )
    (times,) = assert_valid_ics(data)
    assert times["start"] == f"2026-03-{day:02d}T07:00:00Z"
    _, event = _event(data)
    assert event.decoded("DTSTART").astimezone(NEW_YORK).hour == new_york_hour


@pytest.mark.parametrize("day", [5, 8, 12])
def test_new_york_organiser_across_the_spring_change(day):
    """libical reads the generated VTIMEZONE the way zoneinfo does, on both sides of the change."""
    start = datetime(2026, 3, day, 10, tzinfo=NEW_YORK)
    data = ics.request(_invite(timezone="America/New_York", starts_at_utc=start.astimezone(UTC)))
    (times,) = assert_valid_ics(data)
    assert times["start"] == _z(start)
    assert times["end"] == _z(start + timedelta(hours=1))
    assert f"DTSTART;TZID=America/New_York:202603{day:02d}T100000\r\n" in _unfolded(data)
    calendar, _ = _event(data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 8, 6, 30, tzinfo=UTC),  # 01:30 EST, just before the gap
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT, just after it
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # 03:00 EDT, the first minute of summer time
        datetime(2026, 11, 1, 7, 0, tzinfo=UTC),  # 02:00 EST, the first unambiguous time after
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # the first 01:30 of the fall-back night
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # the second 01:30
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # a local date in the year before the UTC one
    ],
)
def test_times_next_to_a_change_mean_the_same_moment_to_libical(moment):
    data = ics.request(
        _invite(timezone="America/New_York", starts_at_utc=moment, duration_minutes=45)
    )
    (times,) = assert_valid_ics(data)
    assert (times["start"], times["end"]) == (_z(moment), _z(moment + timedelta(minutes=45)))
    _, event = _event(data)
    assert event.decoded("DTSTART") == moment


def test_an_ambiguous_fall_back_time_is_written_in_utc():
    """``01:30`` with a TZID names two moments (libical picks the second): say which one."""
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)  # fold=0: EDT, 05:30Z
    data = ics.request(_invite(timezone="America/New_York", starts_at_utc=first.astimezone(UTC)))
    assert "DTSTART:20261101T053000Z\r\n" in _unfolded(data)
    (times,) = assert_valid_ics(data)
    assert times["start"] == "2026-11-01T05:30:00Z"


def test_a_series_crossing_the_change_keeps_its_local_hour():
    start = datetime(2026, 3, 1, 10, tzinfo=NEW_YORK)
    data = ics.request(
        _invite(
            timezone="America/New_York",
            starts_at_utc=start.astimezone(UTC),
            recurrence=ics.Recurrence("week", 4),
        )
    )
    assert_valid_ics(data)
    calendar, event = _event(data)
    assert "DTSTART;TZID=America/New_York:20260301T100000\r\n" in _unfolded(data)
    # the rule repeats 10:00 local: 15:00Z before the change, 14:00Z after it
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [4]
    later = (start + timedelta(weeks=2)).astimezone(UTC)
    assert later.hour == 14 and start.astimezone(UTC).hour == 15


def test_a_utc_organiser_gets_z_times_and_no_vtimezone():
    data = ics.request(_invite(timezone="UTC"))
    assert_valid_ics(data)
    assert "BEGIN:VTIMEZONE" not in _unfolded(data)
    assert "DTSTART:20260312T070000Z\r\n" in _unfolded(data)


# --- feed, mail part, uid ---------------------------------------------------------------------


def test_feed_is_a_plain_calendar_with_a_vtimezone_per_zone():
    events = [
        _invite(),
        _invite(
            uid=ics.uid_for(43, "tandem.example"),
            timezone="America/New_York",
            starts_at_utc=datetime(2027, 1, 10, 15, tzinfo=UTC),
        ),
        _invite(uid=ics.uid_for(44, "tandem.example"), status="cancelled", sequence=1),
    ]
    data = ics.feed(events, "Tandem: سارة")
    times = assert_valid_ics(data)
    calendar = Calendar.from_ical(data)
    assert "METHOD" not in calendar
    assert calendar["X-WR-CALNAME"] == "Tandem: سارة"
    assert sorted(z["TZID"] for z in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Asia/Riyadh",
    ]
    assert [t["uid"] for t in times] == [e.uid for e in events]
    assert [t["status"] for t in times] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert times[1]["start"] == "2027-01-10T15:00:00Z"
    # read-only: nothing a client would offer to answer
    assert not any("ATTENDEE" in e or "ORGANIZER" in e for e in calendar.walk("VEVENT"))


def test_an_empty_feed_is_still_a_valid_calendar():
    assert_valid_ics(ics.feed([], "Tandem"))


def test_mime_part_headers():
    assert ics.mime_part_headers("REQUEST") == {
        "Content-Type": "text/calendar; method=REQUEST; charset=UTF-8"
    }
    assert (
        ics.mime_part_headers("cancel")["Content-Type"]
        == "text/calendar; method=CANCEL; charset=UTF-8"
    )
    with pytest.raises(ValueError):
        ics.mime_part_headers("PUBLISH")


def test_uid_is_stable_and_depends_only_on_the_session():
    assert ics.uid_for(42, "Tandem.Example") == ics.uid_for("42", "tandem.example") == UID
    assert ics.uid_for(42, "tandem.example") != ics.uid_for(43, "tandem.example")
    assert re.fullmatch(r"[\w.-]+@[\w.-]+", UID)
    with pytest.raises(ValueError):
        ics.uid_for(42, "a@b")


# --- the validator can fail -------------------------------------------------------------------


def _without_line(data: bytes, prefix: bytes) -> bytes:
    lines = data.split(b"\r\n")
    kept = [line for line in lines if not line.startswith(prefix)]
    assert len(kept) < len(lines), prefix
    return b"\r\n".join(kept)


def _rejected(data: bytes) -> str:
    with pytest.raises(InvalidICS) as caught:
        assert_valid_ics(data)
    return str(caught.value)


def test_the_validator_rejects_a_missing_uid():
    message = _rejected(_without_line(ics.request(_invite()), b"UID:"))
    assert "UID" in message


def test_the_validator_rejects_a_tzid_without_its_vtimezone():
    data = ics.request(_invite())
    start, end = (
        data.index(b"BEGIN:VTIMEZONE"),
        data.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n"),
    )
    message = _rejected(data[:start] + data[end:])
    assert "TZID=Asia/Riyadh has no VTIMEZONE" in message


def test_the_validator_rejects_a_cancel_without_sequence():
    message = _rejected(_without_line(ics.cancel(_invite(sequence=2)), b"SEQUENCE:"))
    assert "SEQUENCE" in message and "libical" in message


def test_the_validator_rejects_a_cancel_sent_as_a_request():
    """The bug the issue names: METHOD:REQUEST with STATUS:CANCELLED leaves the event in place."""
    data = ics.request(_invite(sequence=2)).replace(b"STATUS:CONFIRMED", b"STATUS:CANCELLED")
    assert "send METHOD:CANCEL" in _rejected(data)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # icalendar parses each of these without an exception; libical's iTIP check refuses them
        (b"STATUS:CONFIRMED", b"STATUS:DONE", "Failed iTIP restrictions for STATUS"),
        (
            b"SEQUENCE:0\r\n",
            b"SEQUENCE:0\r\nSEQUENCE:1\r\n",
            "Failed iTIP restrictions for SEQUENCE",
        ),
        (b"ORGANIZER;", b"X-ORGANIZER;", "Failed iTIP restrictions for ORGANIZER"),
        # and these our own rules catch (libical reads "one" as 0 and lets MAYBE through)
        (b"SEQUENCE:0", b"SEQUENCE:one", "SEQUENCE is not a non-negative integer"),
        (b"PARTSTAT=NEEDS-ACTION", b"PARTSTAT=MAYBE", "PARTSTAT=MAYBE"),
        (b"DTSTAMP:20260201T093000Z", b"DTSTAMP:20260201T093000", "DTSTAMP is not in UTC"),
    ],
)
def test_the_validator_is_stricter_than_icalendar(old, new, expected):
    data = ics.request(_invite())
    assert old in data
    broken = data.replace(old, new, 1)
    Calendar.from_ical(broken)  # the library takes it
    assert expected in _rejected(broken)


def test_the_validator_rejects_an_unfolded_long_line_and_bare_newlines():
    data = ics.request(_invite(description="x" * 200))
    unfolded = data.replace(b"\r\n ", b"")
    assert "octets" in _rejected(unfolded)
    assert "CRLF" in _rejected(data.replace(b"\r\n", b"\n"))


def test_the_validator_runs_here_or_says_what_to_install():
    status, _, messages = run_validator(ics.request(_invite()))
    assert status == 0, messages
