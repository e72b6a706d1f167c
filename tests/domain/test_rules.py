"""Each rule fires when its condition holds and stays quiet just short of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from saas.domain.alignment import KPIS_FOR_OBJECTIVE, STORY_KPI, RuleConfig, Settings
from saas.domain.alignment.samples import (
    AUDIENCE_FAMILIES,
    AUDIENCE_YOUNG,
    GOAL_AWARENESS,
    GOAL_CARE,
    GOAL_SALES,
)
from saas.domain.alignment.types import CalendarItemIn, GoalLinkIn
from tests.domain.util import (
    campaign,
    clean,
    items,
    of_rule,
    run,
    solo_campaign,
    with_audience,
    with_campaign,
)

D = date


def test_the_clean_sample_has_no_findings_at_all():
    assert run(*clean()).findings == ()


# --- campaign_without_goal ------------------------------------------------------------------


def test_campaign_linked_to_no_goal_is_an_error():
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 202, goal_links=()))

    [finding] = of_rule(result, "campaign_without_goal")
    assert (finding.campaign_id, finding.severity) == (202, "error")
    assert "Story polls" in finding.message


def test_campaign_serving_only_an_achieved_goal_serves_no_goal():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, goal_links=(GoalLinkIn(4),))  # goal 4 is achieved

    assert [
        f.campaign_id for f in of_rule(run(goals, audiences, plan), "campaign_without_goal")
    ] == [202]


def test_campaign_linked_to_an_active_goal_is_fine():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, goal_links=(GoalLinkIn(4), GoalLinkIn(GOAL_SALES)))

    assert of_rule(run(goals, audiences, plan), "campaign_without_goal") == []


# --- goal_uncovered -------------------------------------------------------------------------


def test_uncovered_high_priority_goal_is_an_error_and_misaligns_the_plan():
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 204, goal_links=(GoalLinkIn(GOAL_SALES),)))

    [finding] = of_rule(result, "goal_uncovered")
    assert (finding.goal_id, finding.campaign_id, finding.severity) == (GOAL_CARE, None, "error")
    assert result.verdict == "misaligned"
    assert result.goal_scores[GOAL_CARE] == 0


def test_uncovered_medium_priority_goal_is_a_warning():
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 201, goal_links=(GoalLinkIn(GOAL_SALES),)))

    [finding] = of_rule(result, "goal_uncovered")
    assert (finding.goal_id, finding.severity) == (GOAL_AWARENESS, "warning")


def test_achieved_and_dropped_goals_need_no_campaign():
    goals, audiences, plan = clean()
    goals = [*goals, replace(goals[0], id=9, title="Old goal", status="dropped")]

    assert of_rule(run(goals, audiences, plan), "goal_uncovered") == []


# --- audience_missing -----------------------------------------------------------------------


@pytest.mark.parametrize("audience_id", [None, 999])
def test_campaign_without_a_known_audience_is_flagged(audience_id):
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 202, audience_id=audience_id))

    assert [f.campaign_id for f in of_rule(result, "audience_missing")] == [202]
    # the audience's own rules cannot judge a missing audience
    assert of_rule(result, "network_not_used_by_audience") == []
    assert of_rule(result, "engagers_unknown") == []


def test_campaign_with_an_audience_is_fine():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, audience_id=AUDIENCE_FAMILIES)

    assert of_rule(run(goals, audiences, plan), "audience_missing") == []


# --- network_not_used_by_audience -----------------------------------------------------------


def _tiktok_share(share: float | None):
    goals, audiences, plan = clean()
    networks = {"instagram": 60.0, "x": 10.0}
    if share is not None:
        networks["tiktok"] = share
    return goals, with_audience(audiences, AUDIENCE_YOUNG, networks=networks), plan


def test_network_used_by_exactly_the_threshold_share_is_fine():
    assert of_rule(run(*_tiktok_share(10.0)), "network_not_used_by_audience") == []


def test_network_used_by_just_under_the_threshold_is_flagged():
    [finding] = of_rule(run(*_tiktok_share(9.9)), "network_not_used_by_audience")

    assert finding.campaign_id == 201
    assert finding.params["network"] == "tiktok"
    assert finding.params["share"] == 9.9
    assert "9.9 %" in finding.message and "TikTok" in finding.message


def test_network_the_audience_does_not_list_counts_as_zero():
    [finding] = of_rule(run(*_tiktok_share(None)), "network_not_used_by_audience")

    assert finding.params["share"] == 0.0
    assert finding.params["kind"] == "absent"
    assert "does not use" in finding.message


def test_network_threshold_is_configurable():
    settings = Settings(
        rules={"network_not_used_by_audience": RuleConfig(params={"threshold_percent": 35})}
    )
    result = run(*_tiktok_share(30.0), settings=settings)

    found = [
        (f.campaign_id, f.params["network"])
        for f in of_rule(result, "network_not_used_by_audience")
    ]
    # 30 % TikTok for the young audience; the families' Instagram 30 % and WhatsApp 20 %
    assert found == [(201, "tiktok"), (203, "instagram"), (204, "whatsapp")]


# --- kpi_objective_mismatch -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("objective", "kpi"),
    [(objective, kpi) for objective, kpis in KPIS_FOR_OBJECTIVE.items() for kpi in kpis],
)
def test_kpi_from_the_objectives_table_is_accepted(objective, kpi):
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 203, objective=objective, kpi=kpi)

    assert of_rule(run(goals, audiences, plan), "kpi_objective_mismatch") == []


@pytest.mark.parametrize(
    ("objective", "kpi"),
    [("awareness", "link_clicks"), ("traffic", "reach"), ("conversions", "followers")],
)
def test_kpi_that_does_not_measure_the_objective_is_flagged(objective, kpi):
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 203, objective=objective, kpi=kpi)

    [finding] = of_rule(run(goals, audiences, plan), "kpi_objective_mismatch")
    assert finding.params["expected"] == list(KPIS_FOR_OBJECTIVE[objective])


def test_story_mismatch_is_reported_once_by_story_focus_unless_it_is_switched_off():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, kpi="link_clicks")  # engagement story measuring clicks

    result = run(goals, audiences, plan)
    assert [f.rule for f in result.findings] == ["story_focus"]

    off = Settings(rules={"story_focus": RuleConfig(enabled=False)})
    result = run(goals, audiences, plan, off)
    assert [f.rule for f in result.findings] == ["kpi_objective_mismatch"]


# --- story_focus ----------------------------------------------------------------------------


@pytest.mark.parametrize(("objective", "kpi"), sorted(STORY_KPI.items()))
def test_story_measuring_the_kpi_for_its_objective_is_fine(objective, kpi):
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, objective=objective, kpi=kpi)

    assert of_rule(run(goals, audiences, plan), "story_focus") == []


@pytest.mark.parametrize(
    ("objective", "kpi", "expected"),
    [
        ("awareness", "reach", "views"),
        ("engagement", "views", "replies"),
        ("traffic", "link_clicks", "visits"),
        ("customer_care", "response_time", "replies"),
    ],
)
def test_story_measuring_anything_else_is_told_which_kpi_to_use(objective, kpi, expected):
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, objective=objective, kpi=kpi)

    [finding] = of_rule(run(goals, audiences, plan), "story_focus")
    assert finding.params["expected"] == expected
    assert "Stories are watched, answered or tapped through" in finding.fix


def test_story_rule_ignores_other_formats():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, format="post", kpi="comments")  # fine for engagement

    assert of_rule(run(goals, audiences, plan), "story_focus") == []


# --- kpi_not_measurable ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"kpi": None}, ["kpi"]),
        ({"kpi_baseline": None}, ["baseline"]),
        ({"kpi_target": None}, ["target"]),
        ({"kpi_target": float("nan")}, ["target"]),
        ({"kpi": "", "kpi_baseline": None, "kpi_target": None}, ["kpi", "baseline", "target"]),
    ],
)
def test_campaign_missing_kpi_baseline_or_target_cannot_be_measured(changes, missing):
    goals, audiences, plan = clean()
    [finding] = of_rule(
        run(goals, audiences, with_campaign(plan, 203, **changes)), "kpi_not_measurable"
    )

    assert finding.params["missing"] == missing


def test_a_zero_baseline_is_a_real_number():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 203, kpi_baseline=0.0, kpi_target=10.0)

    assert of_rule(run(goals, audiences, plan), "kpi_not_measurable") == []


# --- duration_unjustified -------------------------------------------------------------------


@pytest.mark.parametrize("rationale", [None, "", "   \n\t"])
def test_empty_duration_rationale_is_flagged(rationale):
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 202, duration_rationale=rationale))

    [finding] = of_rule(result, "duration_unjustified")
    assert finding.params["days"] == 30


def test_any_written_rationale_is_accepted():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, duration_rationale="A month of polls.")

    assert of_rule(run(goals, audiences, plan), "duration_unjustified") == []


# --- duration_out_of_range ------------------------------------------------------------------


def _awareness_for(days: int):
    goals, audiences, plan = clean()
    start = D(2026, 4, 1)
    return goals, audiences, with_campaign(plan, 201, end_date=start + timedelta(days=days - 1))


@pytest.mark.parametrize("days", [14, 45, 90])
def test_duration_within_the_objectives_range_is_fine(days):
    assert of_rule(run(*_awareness_for(days)), "duration_out_of_range") == []


@pytest.mark.parametrize("days", [13, 91, 0])
def test_duration_outside_the_objectives_range_is_flagged(days):
    [finding] = of_rule(run(*_awareness_for(days)), "duration_out_of_range")

    assert finding.params | {"campaign": None} == {
        "campaign": None,
        "objective": "awareness",
        "days": days,
        "min_days": 14,
        "max_days": 90,
    }


def test_duration_ranges_are_configurable_per_objective():
    settings = Settings(
        rules={"duration_out_of_range": RuleConfig(params={"ranges": {"awareness": [7, 30]}})}
    )
    assert of_rule(run(*_awareness_for(10), settings=settings), "duration_out_of_range") == []
    [finding] = of_rule(run(*_awareness_for(31), settings=settings), "duration_out_of_range")
    assert finding.params["max_days"] == 30


# --- campaign_after_goal_due ----------------------------------------------------------------


def test_campaign_ending_on_the_goals_due_date_is_fine():
    goals, audiences, plan = clean()  # 201 ends on 15 May, the awareness goal's due date

    assert campaign(plan, 201).end_date == D(2026, 5, 15)
    assert of_rule(run(goals, audiences, plan), "campaign_after_goal_due") == []


def test_campaign_ending_a_day_after_the_goal_is_due_is_flagged_on_both():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 201, end_date=D(2026, 5, 16))

    [finding] = of_rule(run(goals, audiences, plan), "campaign_after_goal_due")
    assert (finding.campaign_id, finding.goal_id) == (201, GOAL_AWARENESS)
    assert finding.params["days_late"] == 1
    assert finding.params["due_date"] == "2026-05-15"


# --- outside_plan_period --------------------------------------------------------------------


def test_campaign_spanning_exactly_the_plan_period_is_fine():
    goals, audiences, plan = clean()  # 204 runs 1 April to 30 June, the whole period

    assert of_rule(run(goals, audiences, plan), "outside_plan_period") == []


@pytest.mark.parametrize(
    "changes",
    [{"start_date": D(2026, 3, 31)}, {"end_date": D(2026, 7, 1)}],
)
def test_campaign_starting_before_or_ending_after_the_period_is_flagged(changes):
    goals, audiences, plan = clean()
    [finding] = of_rule(
        run(goals, audiences, with_campaign(plan, 204, **changes)), "outside_plan_period"
    )

    assert finding.campaign_id == 204
    assert finding.params["period_start"] == "2026-04-01"


# --- engagers_unknown -----------------------------------------------------------------------


@pytest.mark.parametrize("engages", [None, "", "  "])
def test_audience_that_does_not_say_who_engages_is_flagged_per_campaign(engages):
    goals, audiences, plan = clean()
    audiences = with_audience(audiences, AUDIENCE_FAMILIES, engages=engages)

    found = of_rule(run(goals, audiences, plan), "engagers_unknown")
    assert [(f.campaign_id, f.severity) for f in found] == [(203, "info"), (204, "info")]


def test_audience_describing_its_engagers_is_fine():
    assert of_rule(run(*clean()), "engagers_unknown") == []


# --- calendar_gap ---------------------------------------------------------------------------


def _gaps(result):
    return [
        (f.params["network"], f.params.get("kind"), f.params.get("gap_days"))
        for f in of_rule(result, "calendar_gap")
        if f.campaign_id == 1
    ]


def test_gaps_of_exactly_the_limit_are_fine():
    # 30 days, 1–30 April: items on the 1st, 15th and 29th; the last gap to 30 April is 1 day.
    world = solo_campaign(
        calendar=items("instagram", D(2026, 4, 1), D(2026, 4, 15), D(2026, 4, 29))
    )

    assert _gaps(run(*world)) == []


def test_a_gap_one_day_over_the_limit_is_flagged_with_its_dates():
    world = solo_campaign(
        calendar=items("instagram", D(2026, 4, 1), D(2026, 4, 16), D(2026, 4, 30))
    )

    [finding] = of_rule(run(*world), "calendar_gap")
    assert finding.params["kind"] == "gap"
    assert (finding.params["gap_days"], finding.params["gap_start"], finding.params["gap_end"]) == (
        15,
        "2026-04-01",
        "2026-04-16",
    )


def test_silence_at_the_start_of_a_campaign_is_a_gap():
    world = solo_campaign(calendar=items("instagram", D(2026, 4, 16), D(2026, 4, 30)))

    assert _gaps(run(*world)) == [("instagram", "gap", 15)]


def test_a_network_with_no_content_in_the_campaign_dates_is_flagged_empty():
    # items on instagram, but before the campaign and for another campaign: neither counts
    calendar = (
        items("instagram", D(2026, 3, 20))
        + items("instagram", D(2026, 4, 5), key="someone-else")
        + items("tiktok", D(2026, 4, 1), D(2026, 4, 14), D(2026, 4, 28))
    )
    world = solo_campaign(networks=("instagram", "tiktok"), calendar=calendar)

    assert _gaps(run(*world)) == [("instagram", "empty", None)]


def test_items_without_a_campaign_key_count_for_every_campaign_on_that_network():
    unkeyed = items("instagram", D(2026, 4, 10), D(2026, 4, 24), key=None)
    own = items("instagram", D(2026, 4, 1), D(2026, 4, 30))

    assert _gaps(run(*solo_campaign(calendar=own + unkeyed))) == []  # 9, 14, 6
    assert _gaps(run(*solo_campaign(calendar=own))) == [("instagram", "gap", 29)]
    # a campaign with no key sees only the unkeyed items: 1→10→24→30 April is 9, 14, 6 days
    assert _gaps(run(*solo_campaign(key=None, calendar=own + unkeyed))) == []


def test_campaign_without_key_is_judged_on_unkeyed_items_only():
    own = items("instagram", D(2026, 4, 1), D(2026, 4, 15), D(2026, 4, 30))
    unkeyed = items("instagram", D(2026, 4, 1), D(2026, 4, 20), key=None)

    # keyed items exist but the campaign has no key: only 1 and 20 April count (gap 19)
    assert _gaps(run(*solo_campaign(key=None, calendar=own + unkeyed))) == [
        ("instagram", "gap", 19)
    ]


def test_max_gap_days_is_configurable():
    world = solo_campaign(
        calendar=items("instagram", D(2026, 4, 1), D(2026, 4, 11), D(2026, 4, 21), D(2026, 4, 30))
    )
    settings = Settings(rules={"calendar_gap": RuleConfig(params={"max_gap_days": 7})})

    assert _gaps(run(*world)) == []
    assert _gaps(run(*world, settings=settings)) == [("instagram", "gap", 10)]


def test_many_overlapping_campaigns_share_unkeyed_items_correctly():
    """The sparse-table path: compare against a direct scan for many windows."""
    goals, audiences, plan = solo_campaign()
    days = [D(2026, 4, 1) + timedelta(days=n) for n in (0, 3, 9, 30, 31, 47, 48, 70, 88, 90)]
    calendar = tuple(CalendarItemIn(d, "x", "post") for d in days)
    base = plan.campaigns[0]
    campaigns = tuple(
        replace(
            base,
            id=10 + i,
            key=None,
            networks=("x",),
            start_date=D(2026, 4, 1) + timedelta(days=i * 3),
            end_date=D(2026, 4, 1) + timedelta(days=i * 3 + 20 + i),
        )
        for i in range(25)
    )
    plan = replace(
        plan, campaigns=campaigns + plan.campaigns[1:], calendar=calendar + plan.calendar
    )
    got = {
        f.campaign_id: f.params.get("gap_days", "empty")
        for f in of_rule(run(goals, audiences, plan), "calendar_gap")
        if f.campaign_id in {c.id for c in campaigns}
    }

    expected = {}
    for c in campaigns:
        inside = [d for d in days if c.start_date <= d <= c.end_date]
        if not inside:
            expected[c.id] = "empty"
            continue
        points = [c.start_date, *inside, c.end_date]
        gap = max((b - a).days for a, b in zip(points, points[1:], strict=False))
        if gap > 14:
            expected[c.id] = gap
    assert got == expected


# --- customer_care_missing ------------------------------------------------------------------


def test_plan_without_customer_care_gets_one_plan_level_finding():
    goals, audiences, plan = clean()
    plan = replace(plan, campaigns=tuple(c for c in plan.campaigns if c.id != 204))

    [finding] = of_rule(run(goals, audiences, plan), "customer_care_missing")
    assert (finding.campaign_id, finding.goal_id) == (None, None)


def test_a_response_time_kpi_on_any_campaign_counts_as_customer_care():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 204, objective="engagement", kpi="response_time")

    assert of_rule(run(goals, audiences, plan), "customer_care_missing") == []


@pytest.mark.parametrize("seed", range(5))
def test_calendar_gaps_match_a_direct_scan_on_random_plans(seed):
    """Keyed and unkeyed items, overlapping campaigns: the indexed check equals brute force."""
    import random

    rng = random.Random(seed)
    goals, audiences, plan = solo_campaign()
    base = plan.campaigns[0]
    campaigns = []
    for i in range(40):
        start = D(2026, 4, 1) + timedelta(days=rng.randrange(0, 60))
        campaigns.append(
            replace(
                base,
                id=100 + i,
                key=None if i % 7 == 0 else f"k{i % 9}",  # shared keys and no keys
                networks=tuple(rng.sample(["x", "tiktok", "youtube"], rng.randrange(1, 3))),
                start_date=start,
                end_date=start + timedelta(days=rng.randrange(0, 50)),
            )
        )
    calendar = tuple(
        CalendarItemIn(
            D(2026, 3, 25) + timedelta(days=rng.randrange(0, 120)),
            rng.choice(["x", "tiktok", "youtube"]),
            "post",
            rng.choice([None, *(f"k{n}" for n in range(9))]),
        )
        for _ in range(150)
    )
    plan = replace(plan, campaigns=tuple(campaigns), calendar=calendar)
    got = {
        (f.campaign_id, f.params["network"]): f.params.get("gap_days", "empty")
        for f in of_rule(run(goals, audiences, plan), "calendar_gap")
    }

    expected = {}
    for c in campaigns:
        for network in set(c.networks):
            inside = sorted(
                {
                    i.date
                    for i in calendar
                    if i.network == network
                    and c.start_date <= i.date <= c.end_date
                    and (i.campaign_key is None or i.campaign_key == c.key)
                }
            )
            if not inside:
                expected[(c.id, network)] = "empty"
                continue
            points = [c.start_date, *inside, c.end_date]
            gap = max((b - a).days for a, b in zip(points, points[1:], strict=False))
            if gap > 14:
                expected[(c.id, network)] = gap
    assert got == expected
