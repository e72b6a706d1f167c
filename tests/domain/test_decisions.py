"""The one rule for what leadership should decide (board report and leader landing): actions
from the brand's own data, each with its figures, ranked, never padded."""

from __future__ import annotations

from datetime import date

from saas.domain.decisions import CampaignFix, GoalFacts, NetworkMiss, decisions_needed

DUE = date(2027, 3, 31)


def goal(
    title="Reach", *, priority="medium", status="on_track", covered=True, done=50.0, gone=50.0
):
    return GoalFacts(
        title=title,
        priority=priority,
        status=status,
        baseline=9.0,
        latest=8.2,
        target=2.0,
        due=DUE,
        percent_complete=done,
        percent_elapsed=gone,
        unit="hours",
        covered=covered,
    )


def test_nothing_to_decide_when_all_is_well_and_never_padded():
    assert decisions_needed([goal(), goal("Sales", status="achieved")]) == []
    one = decisions_needed([goal(status="behind", done=11, gone=60)], limit=3)
    assert len(one) == 1  # fewer than three when the data has fewer


def test_uncovered_high_priority_goal_asks_to_fund_a_campaign_with_its_figures():
    [d] = decisions_needed([goal("Faster complaint replies", priority="high", covered=False)])
    assert d.kind == "fund_goal" and d.subject == "Faster complaint replies"
    assert d.figures["priority"] == "high"
    assert (d.figures["baseline"], d.figures["latest"], d.figures["target"]) == (9.0, 8.2, 2.0)
    assert d.figures["due"] == DUE


def test_goal_behind_asks_for_effort_with_baseline_latest_target_and_due_date():
    [d] = decisions_needed([goal("Replies", status="behind", done=11, gone=60)])
    assert d.kind == "catch_up"
    assert d.figures["percent_complete"] == 11 and d.figures["percent_elapsed"] == 60
    assert d.figures["unit"] == "hours" and d.figures["due"] == DUE


def test_goal_at_risk_asks_to_shift_budget():
    [d] = decisions_needed([goal("Club", status="at_risk", done=31, gone=50)])
    assert d.kind == "at_risk" and d.subject == "Club"


def test_audience_off_network_moves_budget_to_where_the_audience_is():
    miss = NetworkMiss(
        campaign="B2B thought leadership",
        network="linkedin",
        audience="Gen Z students",
        shares={"tiktok": 70.0, "instagram": 25.0, "linkedin": 0.0},
        budget=5000.0,
    )
    [d] = decisions_needed([], misses=[miss])
    assert d.kind == "move_budget" and d.subject == "B2B thought leadership"
    assert d.figures["network"] == "linkedin" and d.figures["share"] == 0.0
    assert d.figures["to_network"] == "tiktok" and d.figures["to_share"] == 70.0
    assert d.figures["audience"] == "Gen Z students" and d.figures["budget"] == 5000.0


def test_one_budget_move_per_campaign_even_on_two_wrong_networks():
    shares = {"tiktok": 70.0, "x": 5.0}
    misses = [
        NetworkMiss("Launch", "x", "Students", shares),
        NetworkMiss("Launch", "linkedin", "Students", shares),
    ]
    found = decisions_needed([], misses=misses)
    assert [(d.kind, d.figures["network"]) for d in found] == [("move_budget", "linkedin")]


def test_duration_out_of_range_asks_to_shorten_or_extend_with_the_range():
    long = CampaignFix(
        "duration_out_of_range",
        "Summer",
        {"days": 120, "min_days": 14, "max_days": 90, "objective": "awareness"},
    )
    short = CampaignFix(
        "duration_out_of_range",
        "Flash",
        {"days": 3, "min_days": 7, "max_days": 60, "objective": "traffic"},
    )
    found = decisions_needed([], fixes=[short, long])
    assert [(d.kind, d.subject, d.figures["direction"]) for d in found] == [
        ("fix_duration", "Summer", "shorten"),  # 30 days too long before 4 days too short
        ("fix_duration", "Flash", "lengthen"),
    ]
    assert found[0].figures["days"] == 120 and found[0].figures["max_days"] == 90


def test_kpi_findings_name_the_kpi_to_use():
    mismatch = CampaignFix(
        "kpi_objective_mismatch",
        "Reels",
        {"kpi": "link_clicks", "objective": "awareness", "expected": ["views", "reach"]},
    )
    story = CampaignFix(
        "story_focus", "Stories", {"kpi": "views", "objective": "engagement", "expected": "replies"}
    )
    missing = CampaignFix("kpi_not_measurable", "Care", {"missing": ["baseline", "target"]})
    found = decisions_needed([], fixes=[mismatch, story, missing])
    assert [d.kind for d in found] == ["fix_kpi"] * 3
    assert found[0].figures["expected"] == ("views", "reach") and found[0].figures["kpi"] == (
        "link_clicks"
    )
    assert found[1].figures["expected"] == ("replies",)
    assert found[2].figures["missing"] == ("baseline", "target")


def test_campaign_without_goal_asks_to_tie_it_or_stop_it():
    [d] = decisions_needed([], orphans=[("Giveaway", 1200.0)])
    assert d.kind == "link_campaign" and d.figures["budget"] == 1200.0


def test_ranked_most_pressing_first_and_cut_at_the_limit():
    found = decisions_needed(
        [
            goal("Low uncovered", priority="low", covered=False),
            goal("Risky", status="at_risk", done=30, gone=50),
            goal("Far behind", priority="high", status="behind", done=5, gone=80),
            goal("Behind", priority="medium", status="behind", done=10, gone=60),
            goal("Care", priority="high", covered=False),
        ],
        misses=[NetworkMiss("Launch", "linkedin", "Students", {"tiktok": 70.0})],
        orphans=[("Giveaway", None)],
        fixes=[CampaignFix("kpi_not_measurable", "Care", {"missing": ["kpi"]})],
    )
    assert [(d.kind, d.subject) for d in found] == [
        ("fund_goal", "Care"),
        ("catch_up", "Far behind"),
        ("move_budget", "Launch"),
        ("catch_up", "Behind"),
        ("link_campaign", "Giveaway"),
        ("fund_goal", "Low uncovered"),
        ("at_risk", "Risky"),
        ("fix_kpi", "Care"),
    ]
    assert [d.subject for d in decisions_needed([goal("A", covered=False)] * 5, limit=3)] == [
        "A"
    ]  # one decision per subject, however often it is reported


def test_goals_behind_are_ranked_by_how_far_behind_schedule():
    found = decisions_needed(
        [
            goal("Near", status="behind", done=40, gone=70),
            goal("Far", status="behind", done=5, gone=90),
        ]
    )
    assert [d.subject for d in found] == ["Far", "Near"]


def test_an_uncovered_goal_is_one_decision_not_two():
    found = decisions_needed([goal("Care", priority="high", status="behind", covered=False)])
    assert [d.kind for d in found] == ["fund_goal"]


def test_unreviewed_plan_is_a_decision_only_when_nothing_else_is_asked_first():
    assert [d.kind for d in decisions_needed([], reviewed=False)] == ["no_review"]
    found = decisions_needed([goal("X", status="behind")], reviewed=False)
    assert [d.kind for d in found] == ["catch_up", "no_review"]
