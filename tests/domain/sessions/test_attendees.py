"""The attendee list's shape, the fixed vocabularies and the error contract."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import saas.domain.sessions as sessions
from saas.domain.sessions import (
    CODES,
    KINDS,
    MAX_ATTENDEES,
    PARTS,
    STATUSES,
    Attendee,
    InvalidAttendees,
    SchedulingError,
    check_kind,
    check_status,
    normalise_email,
    validate_attendees,
)

PACKAGE = Path(sessions.__file__).parent


def test_the_vocabularies_of_the_issue():
    assert KINDS == (
        "quarterly_business_review",
        "campaign_kickoff",
        "strategy_workshop",
        "training",
        "ad_hoc",
    )
    assert PARTS == ("leader", "senior_social", "consultant", "guest")
    assert STATUSES == ("scheduled", "done", "cancelled")
    assert MAX_ATTENDEES == 100
    assert check_kind("training") == "training" and check_status("done") == "done"
    for bad in ("meeting", "", None, 1):
        with pytest.raises(SchedulingError) as caught:
            check_kind(bad)
        assert (caught.value.code, caught.value.field) == ("invalid_kind", "kind")
        with pytest.raises(SchedulingError) as caught:
            check_status(bad)
        assert (caught.value.code, caught.value.field) == ("invalid_status", "status")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Amal@Example.SA", "amal@example.sa"),
        ("  ben.smith+qbr@agency.co.uk ", "ben.smith+qbr@agency.co.uk"),
        ("o'neil@example.ie", "o'neil@example.ie"),
        ("أمل@مثال.السعودية", "أمل@مثال.السعودية"),
        ("a@b-c.d1", "a@b-c.d1"),
    ],
)
def test_well_formed_emails_are_lower_cased(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "amal",
        "amal@",
        "@example.sa",
        "amal@example",
        "amal@@example.sa",
        "amal@ex@ample.sa",
        "am al@example.sa",
        "amal@exa mple.sa",
        "Amal <amal@example.sa>",
        ".amal@example.sa",
        "amal.@example.sa",
        "am..al@example.sa",
        "amal@-example.sa",
        "amal@example-.sa",
        "amal@example..sa",
        "amal@ex_ample.sa",
        "a,b@example.sa",
        "amal\n@example.sa",
        "amal\u202e@example.sa",  # a bidi override hides the real address
        "a" * 65 + "@example.sa",
        "a@" + "b" * 250 + ".sa",
        None,
        42,
    ],
)
def test_malformed_emails_are_refused(raw):
    assert normalise_email(raw) is None


def test_attendees_are_normalised_merged_and_kept_in_order():
    result = validate_attendees(
        [
            {"email": "Amal@Example.SA", "part": "guest"},
            {"email": "ben@agency.test", "role": "consultant"},  # the API's spelling
            {"email": "amal@example.sa", "part": "leader"},  # the same person again
            {"email": "chris@example.com"},  # no part: a guest
            {"email": "ben@agency.test", "part": "guest"},
        ]
    )
    assert result == [
        Attendee("amal@example.sa", "leader"),
        Attendee("ben@agency.test", "consultant"),
        Attendee("chris@example.com", "guest"),
    ]


def test_every_bad_entry_is_reported_with_its_own_field():
    with pytest.raises(InvalidAttendees) as caught:
        validate_attendees(
            [
                {"email": "ok@example.sa", "part": "leader"},
                {"email": "not-an-email", "part": "leader"},
                {"email": "x@example.sa", "part": "owner"},  # a Tandem role, not a part
                "someone@example.sa",
                {"email": "y@example.sa", "part": "guest", "role": "leader"},
                {"email": None, "part": 3},
            ]
        )
    error = caught.value
    assert (error.code, error.field) == ("invalid_attendees", "attendees")
    assert [(p.field, p.code) for p in error.problems] == [
        ("attendees.1.email", "invalid_email"),
        ("attendees.2.part", "invalid_part"),
        ("attendees.3", "invalid_attendee"),
        ("attendees.4.part", "invalid_part"),
        ("attendees.5.email", "invalid_email"),
        ("attendees.5.part", "invalid_part"),
    ]
    assert error.params["count"] == 6


@pytest.mark.parametrize("raw", ["amal@example.sa", {"email": "amal@example.sa"}, None, 5, b"x"])
def test_a_list_is_required(raw):
    with pytest.raises(SchedulingError) as caught:
        validate_attendees(raw)
    assert (caught.value.code, caught.value.field) == ("invalid_attendees", "attendees")
    assert caught.value.problems == (caught.value,)


def test_at_most_100_people_and_duplicates_do_not_count():
    hundred = [{"email": f"p{i}@example.sa", "part": "guest"} for i in range(100)]
    assert len(validate_attendees(hundred + hundred)) == 100
    with pytest.raises(SchedulingError) as caught:
        validate_attendees(hundred + [{"email": "one.more@example.sa"}])
    assert (caught.value.code, caught.value.field) == ("too_many_attendees", "attendees")
    assert caught.value.params["max"] == 100


def test_500_attendees_are_refused_without_reading_them_all():
    read = []

    def entries():
        for i in range(500):
            read.append(i)
            yield {"email": f"p{i}@example.sa", "part": "guest"}

    with pytest.raises(SchedulingError) as caught:
        validate_attendees(entries())
    assert caught.value.code == "too_many_attendees" and len(read) == 101


def test_an_empty_list_is_the_service_s_decision():
    assert validate_attendees([]) == []


# --- the error contract -------------------------------------------------------------------


def _codes_raised_in_the_package() -> set[str]:
    """String literals passed as ``code=`` or assigned to a ``code`` class attribute."""
    codes = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword):
                names, value = [node.arg], node.value
            elif isinstance(node, ast.Assign):
                names, value = [getattr(t, "id", None) for t in node.targets], node.value
            elif isinstance(node, ast.AnnAssign):
                names, value = [getattr(node.target, "id", None)], node.value
            else:
                continue
            if "code" not in names:
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                codes.add(value.value)
    return codes


def test_every_code_the_package_raises_is_listed_for_the_translators():
    raised = _codes_raised_in_the_package()
    assert raised <= set(CODES), raised - set(CODES)
    assert set(CODES) <= raised, set(CODES) - raised  # no stale entries either
    assert len(CODES) == len(set(CODES))


def test_errors_are_value_errors_with_code_field_params_and_an_english_message():
    error = SchedulingError("Bad.", field="x", code="invalid", params={"n": 1})
    assert isinstance(error, ValueError) and str(error) == "Bad." == error.message
    assert (error.field, error.code, dict(error.params)) == ("x", "invalid", {"n": 1})
    with pytest.raises(TypeError):
        error.params["n"] = 2  # type: ignore[index]
    assert repr(error) == "SchedulingError(code='invalid', field='x')"
