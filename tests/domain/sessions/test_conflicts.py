"""Clashes name the sessions the caller may see and, for the others, only that the person is
busy then: no id, no title, no real start or end, no count."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saas.domain.sessions import BusyInterval, Conflict, find_conflicts, overlaps


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return utc(2027, 3, 15, hour, minute)


CANDIDATE = (at(10), at(11))


@pytest.mark.parametrize(
    ("b", "expected"),
    [
        ((at(9), at(10)), False),  # ends as the candidate starts
        ((at(11), at(12)), False),  # starts as it ends
        ((at(9), at(10, 1)), True),
        ((at(10, 59), at(12)), True),
        ((at(10, 15), at(10, 45)), True),  # inside
        ((at(9), at(12)), True),  # around
        ((at(10), at(11)), True),  # the same
        ((at(7), at(8)), False),
    ],
)
def test_overlaps_is_half_open(b, expected):
    assert overlaps(*CANDIDATE, *b) is expected
    assert overlaps(*b, *CANDIDATE) is expected


def test_overlaps_compares_instants_whatever_the_offset():
    from zoneinfo import ZoneInfo

    riyadh = datetime(2027, 3, 15, 13, 30, tzinfo=ZoneInfo("Asia/Riyadh"))  # 10:30Z
    assert overlaps(*CANDIDATE, riyadh, riyadh.replace(hour=14))
    assert overlaps(*CANDIDATE, datetime(2027, 3, 15, 10, 30), datetime(2027, 3, 15, 12))


def test_a_visible_clash_names_the_session_once_for_everyone_in_it():
    qbr = BusyInterval(7, "Q1 review", at(10, 30), at(12), visible=True)
    found = find_conflicts(CANDIDATE, {"amal@x.sa": [qbr], "ben@y.uk": [qbr]})
    assert found == [
        Conflict(
            starts_at=at(10, 30),
            ends_at=at(12),
            people=("amal@x.sa", "ben@y.uk"),
            visible=True,
            id=7,
            title="Q1 review",
        )
    ]


def test_a_hidden_clash_says_only_that_the_person_is_busy_then():
    secret = BusyInterval(99, "Acquisition talks", at(9), at(10, 30), visible=False)
    (conflict,) = find_conflicts(CANDIDATE, {"amal@x.sa": [secret]})
    assert (conflict.id, conflict.title, conflict.visible) == (None, None, False)
    # clipped to the proposed time: the hidden session's real start (09:00) is not told
    assert (conflict.starts_at, conflict.ends_at) == (at(10), at(10, 30))
    assert conflict.people == ("amal@x.sa",)
    assert "Acquisition" not in repr(conflict) and "99" not in repr(conflict)


def test_several_hidden_sessions_of_one_person_merge_into_one_busy_block():
    hidden = [
        BusyInterval(1, "a", at(10), at(10, 20), visible=False),
        BusyInterval(2, "b", at(10, 20), at(10, 40), visible=False),  # touches the first
        BusyInterval(3, "c", at(10, 30), at(10, 35), visible=False),  # inside the second
    ]
    found = find_conflicts(CANDIDATE, {"amal@x.sa": hidden})
    assert [(c.starts_at, c.ends_at, c.visible) for c in found] == [(at(10), at(10, 40), False)]


def test_separate_hidden_blocks_and_people_stay_separate():
    found = find_conflicts(
        CANDIDATE,
        {
            "amal@x.sa": [
                BusyInterval(1, "a", at(10), at(10, 10), visible=False),
                BusyInterval(2, "b", at(10, 50), at(13), visible=False),
            ],
            "ben@y.uk": [BusyInterval(1, "a", at(10), at(10, 10), visible=False)],
        },
    )
    assert [(c.starts_at, c.ends_at, c.people) for c in found] == [
        (at(10), at(10, 10), ("amal@x.sa",)),
        (at(10), at(10, 10), ("ben@y.uk",)),
        (at(10, 50), at(11), ("amal@x.sa",)),
    ]


def test_a_session_is_visible_only_if_every_entry_says_so():
    found = find_conflicts(
        CANDIDATE,
        {
            "amal@x.sa": [BusyInterval(5, "Board", at(10), at(11), visible=True)],
            "ben@y.uk": [BusyInterval(5, "Board", at(10), at(11), visible=False)],
        },
    )
    assert all(not c.visible and c.title is None for c in found)
    assert {c.people for c in found} == {("amal@x.sa",), ("ben@y.uk",)}


def test_conflicts_come_earliest_first_visible_before_hidden_at_the_same_time():
    found = find_conflicts(
        CANDIDATE,
        {
            "amal@x.sa": [
                BusyInterval(3, "later", at(10, 45), at(11, 30), visible=True),
                BusyInterval(4, "hidden", at(10), at(10, 15), visible=False),
            ],
            "ben@y.uk": [BusyInterval(2, "first", at(9, 30), at(10, 15), visible=True)],
        },
    )
    assert [(c.title, c.starts_at) for c in found] == [
        ("first", at(9, 30)),
        (None, at(10)),
        ("later", at(10, 45)),
    ]


def test_touching_and_far_sessions_and_the_session_itself_are_not_conflicts():
    own = BusyInterval(42, "This one", at(10), at(11), visible=True)
    before = BusyInterval(1, "Before", at(9), at(10), visible=True)
    after = BusyInterval(2, "After", at(11), at(12), visible=False)
    busy = {"amal@x.sa": [own, before, after]}
    assert find_conflicts(CANDIDATE, busy, ignore_ids={42}) == []
    assert [c.id for c in find_conflicts(CANDIDATE, busy)] == [42]


def test_no_attendees_no_conflicts_and_iterables_are_read_once():
    assert find_conflicts(CANDIDATE, {}) == []
    once = iter([BusyInterval(1, "x", at(10), at(11), visible=False)])
    assert len(find_conflicts(CANDIDATE, {"amal@x.sa": once})) == 1
