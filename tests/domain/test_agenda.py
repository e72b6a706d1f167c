"""The agenda drafting rule: order, time boxes that fit the session, and overflow."""

from __future__ import annotations

from saas.domain.sessions import agenda as rules
from saas.domain.sessions.agenda import Candidate, draft


def kinds(d: rules.Draft) -> list[str]:
    return [i.kind for i in d.items]


def test_items_come_in_the_documented_order_whatever_the_input_order():
    """Does the agenda raise what was promised before what the data found?"""
    cands = [
        Candidate(rules.PLAN_WAITING, 1, "Plan"),
        Candidate(rules.OPEN_FINDING, 2, "Warning", weight=-1),
        Candidate(rules.OPEN_FINDING, 3, "Error", weight=0),
        Candidate(rules.GOAL_AT_RISK, 4, "At risk"),
        Candidate(rules.GOAL_BEHIND, 5, "Behind a little", weight=30),
        Candidate(rules.GOAL_BEHIND, 6, "Behind a lot", weight=60),
        Candidate(rules.OPEN_ACTION, 7, "Open"),
        Candidate(rules.OVERDUE_ACTION, 8, "Late", weight=3),
        Candidate(rules.PENDING_DECISION, 9, "Decide"),
    ]
    d = draft(cands, 120)
    assert d.items[0].kind == rules.OPENING and d.items[-1].kind == rules.CLOSING
    assert [i.source_id for i in d.items[1:-1]] == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert d.left_out == 0
    assert d.total_minutes == 120


def test_minutes_fill_the_session_exactly_and_each_item_has_the_minimum():
    for duration in (15, 30, 45, 60, 90, 480):
        cands = [Candidate(rules.OPEN_FINDING, i, f"F{i}") for i in range(3)]
        d = draft(cands, duration)
        assert d.total_minutes == duration, duration
        assert all(i.minutes >= rules.MIN_MINUTES for i in d.items[1:-1])
        assert all(i.minutes <= rules.MAX_ITEM_MINUTES for i in d.items if i.source_id)
    # Little to raise in a day-long workshop: the rest is open discussion, not padding.
    assert kinds(d)[-2] == rules.DISCUSSION


def test_a_longer_session_gives_each_item_more_time():
    cands = [Candidate(rules.GOAL_BEHIND, 1, "G"), Candidate(rules.OPEN_ACTION, 2, "A")]
    short, long = draft(cands, 30), draft(cands, 90)
    s_goal, l_goal = (next(i for i in d.items if i.kind == rules.GOAL) for d in (short, long))
    l_action = next(i for i in long.items if i.kind == rules.ACTION_ITEM)
    assert s_goal.minutes < l_goal.minutes
    # A goal behind needs more time than an action item's status.
    assert l_goal.minutes > l_action.minutes
    assert long.total_minutes == 90


def test_too_many_candidates_leave_the_lowest_out_and_say_how_many():
    cands = [Candidate(rules.PLAN_WAITING, 100, "Plan")] + [
        Candidate(rules.GOAL_BEHIND, 200 + i, f"G{i}", weight=-i) for i in range(30)
    ]
    d = draft(cands, 30)
    body = d.items[1:-1]
    assert body[-1].kind == rules.OVERFLOW and body[-1].count == d.left_out
    shown = [i.source_id for i in body[:-1]]
    assert shown == [200 + i for i in range(len(shown))]  # the furthest behind, in order
    assert 100 not in shown  # the plan waiting ranks last, so it is left out first
    assert len(shown) + d.left_out == 31
    assert d.total_minutes == 30


def test_only_the_most_serious_findings_are_drafted_the_rest_are_counted():
    cands = [Candidate(rules.PLAN_WAITING, 100, "Plan")] + [
        Candidate(rules.OPEN_FINDING, i, f"F{i}", weight=-i) for i in range(30)
    ]
    d = draft(cands, 90)
    body = d.items[1:-1]
    findings = [i.source_id for i in body if i.kind == rules.FINDING]
    assert findings == list(range(rules.MAX_PER_REASON[rules.OPEN_FINDING]))
    assert 100 in [i.source_id for i in body]  # the plan still gets its time
    assert body[-1].kind == rules.OVERFLOW and body[-1].count == 30 - len(findings)
    assert d.total_minutes == 90


def test_reserved_time_of_peoples_items_shrinks_the_drafted_ones():
    cands = [Candidate(rules.OPEN_FINDING, i, "F") for i in range(4)]
    free, busy = draft(cands, 60), draft(cands, 60, reserved=40)
    assert free.total_minutes == 60
    assert busy.total_minutes + 40 == 60
    assert busy.left_out > 0 or sum(i.minutes for i in busy.items) < free.total_minutes


def test_nothing_to_raise_gives_an_open_discussion_and_removed_frames_stay_out():
    assert kinds(draft([], 60)) == [rules.OPENING, rules.DISCUSSION, rules.CLOSING]
    assert kinds(draft([], 60, opening=False, discussion=False)) == [rules.CLOSING]


def test_offsets_run_one_after_another():
    assert rules.offsets([5, 10, 3]) == [(0, 5), (5, 15), (15, 18)]
