"""The plan workflow table, without a database: who may move a plan from where to where."""

from __future__ import annotations

import pytest

from saas.domain import plan_workflow as wf

OWNER, CONSULTANT, LEADER, TEAM = "owner", "consultant", "client_leader", "client_team"


@pytest.mark.parametrize(
    ("current", "to", "role", "expected"),
    [
        ("draft", "submitted", TEAM, None),
        ("draft", "submitted", CONSULTANT, None),  # staff drafting for the client
        ("draft", "submitted", LEADER, wf.ROLE),
        ("submitted", "in_review", CONSULTANT, wf.VIA_REVIEW),  # opening a review does it
        ("submitted", "in_review", TEAM, wf.ROLE),
        ("in_review", "approved", CONSULTANT, wf.VIA_REVIEW),  # only a completed review
        ("in_review", "changes_requested", OWNER, wf.VIA_REVIEW),
        ("in_review", "approved", TEAM, wf.ROLE),
        ("changes_requested", "submitted", TEAM, None),
        ("approved", "archived", OWNER, None),
        ("draft", "archived", CONSULTANT, None),
        ("draft", "archived", TEAM, wf.ROLE),
        ("archived", "draft", OWNER, wf.NOT_A_MOVE),
        ("archived", "archived", OWNER, wf.NOT_A_MOVE),
        ("draft", "approved", OWNER, wf.NOT_A_MOVE),
        ("submitted", "approved", CONSULTANT, wf.NOT_A_MOVE),
        ("approved", "draft", OWNER, wf.NOT_A_MOVE),
        ("draft", "unknown", OWNER, wf.NOT_A_MOVE),
    ],
)
def test_workflow_table(current, to, role, expected):
    assert wf.check(current, to, role) == expected


def test_a_completed_review_approves_but_never_the_revisions_author():
    assert wf.check("submitted", "in_review", CONSULTANT, via_review=True) is None
    assert wf.check("in_review", "approved", CONSULTANT, via_review=True) is None
    assert (
        wf.check("in_review", "approved", CONSULTANT, via_review=True, is_author=True)
        == wf.OWN_REVISION
    )
    # Requesting changes on one's own revision is allowed (only approval is guarded).
    assert (
        wf.check("in_review", "changes_requested", CONSULTANT, via_review=True, is_author=True)
        is None
    )


def test_resubmitting_needs_a_new_revision():
    assert (
        wf.check("changes_requested", "submitted", TEAM, has_new_revision=False)
        == wf.NO_NEW_REVISION
    )
    assert wf.check("changes_requested", "submitted", TEAM, has_new_revision=True) is None


def test_buttons_offered_per_role_leave_out_review_only_moves():
    assert wf.available("draft", TEAM) == ["submitted"]
    assert wf.available("draft", OWNER) == ["submitted", "archived"]
    assert wf.available("submitted", CONSULTANT) == ["archived"]
    assert wf.available("in_review", CONSULTANT) == ["archived"]
    assert wf.available("in_review", TEAM) == []
    assert wf.available("changes_requested", TEAM, has_new_revision=False) == []
    assert wf.available("archived", OWNER) == []
    assert wf.available("approved", LEADER) == []


@pytest.mark.parametrize("status", wf.STATUSES)
def test_leaders_see_only_decided_plans(status):
    assert wf.can_view(status, LEADER) is (status in ("approved", "archived"))
    assert wf.can_view(status, TEAM) is True
    assert wf.can_view(status, "stranger") is False


def test_only_open_plans_are_editable_and_never_by_leaders():
    assert wf.can_edit("draft", TEAM)
    assert wf.can_edit("changes_requested", CONSULTANT)
    assert not wf.can_edit("in_review", OWNER)
    assert not wf.can_edit("approved", OWNER)
    assert not wf.can_edit("archived", OWNER)
    assert not wf.can_edit("draft", LEADER)
