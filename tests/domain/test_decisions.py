"""The one rule for what leadership should decide (board report and leader landing)."""

from __future__ import annotations

from saas.domain.decisions import Decision, decisions_needed


def test_most_pressing_first_and_names_kept_in_goal_order():
    found = decisions_needed(
        [("Reach", "at_risk"), ("Sales", "behind"), ("Care", "on_track"), ("Buzz", "behind")],
        ["Loyalty"],
        2,
        reviewed=True,
    )
    assert [d.kind for d in found] == ["behind", "uncovered", "errors", "at_risk"]
    assert found[0] == Decision("behind", names=("Sales", "Buzz"))
    assert found[0].n == 2 and found[2].n == 2 and found[3].names == ("Reach",)


def test_nothing_to_decide_when_all_is_well():
    assert decisions_needed([("Reach", "on_track")], [], 0, reviewed=True) == []


def test_unreviewed_plan_is_a_question():
    assert [d.kind for d in decisions_needed([], [], 0, reviewed=False)] == ["no_review"]


def test_report_pads_with_standing_questions_and_keeps_three():
    padded = decisions_needed([], [], 0, reviewed=True, standing=True, limit=3)
    assert [d.kind for d in padded] == ["continue", "budget", "next_review"]
    urgent = decisions_needed(
        [("A", "behind"), ("B", "at_risk")], ["C"], 1, reviewed=True, standing=True, limit=3
    )
    assert [d.kind for d in urgent] == ["behind", "uncovered", "errors"]
