"""Whole plans: the broken sample, its correction, scoring, settings and determinism."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date

import pytest

from saas.domain.alignment import (
    RULES,
    RuleConfig,
    Settings,
    evaluate,
    merge_settings,
    rescore,
    validate_settings,
)
from saas.domain.alignment.samples import GOAL_CARE, GOAL_SALES, broken_plan, corrected_plan
from saas.domain.alignment.types import GoalLinkIn
from tests.domain.util import clean, of_rule, run, with_campaign


def test_broken_plan_gets_every_finding_and_is_misaligned():
    result = run(*broken_plan())

    assert {f.rule for f in result.findings} == set(RULES)
    assert result.verdict == "misaligned"
    assert result.score < 80
    assert all(f.message and f.fix for f in result.findings)


def test_corrected_plan_is_aligned_with_no_findings():
    result = run(*corrected_plan())

    assert result.findings == ()
    assert result.verdict == "aligned"
    assert result.score >= 80
    assert set(result.campaign_scores.values()) == {100}
    # every active goal has a row; the achieved goal (4) has none
    assert result.coverage == {1: {202: 1.0, 203: 1.0}, 2: {201: 1.0}, 3: {204: 1.0}}
    assert result.goal_scores == {1: 100, 2: 100, 3: 100}


def test_finding_params_survive_a_json_round_trip():
    for locale in ("en", "ar"):
        for finding in run(*broken_plan(), locale=locale).findings:
            assert json.loads(json.dumps(finding.params)) == finding.params


# --- scores ---------------------------------------------------------------------------------


def test_a_warning_costs_its_campaign_ten_points_and_the_plan_the_average():
    goals, audiences, plan = clean()
    result = run(goals, audiences, with_campaign(plan, 202, duration_rationale=""))

    assert result.campaign_scores[202] == 90
    # campaigns (97.5 on average) and goals (100) count half each: 98.75 → 99
    assert result.score == 99
    assert result.verdict == "aligned"  # warnings alone, score ≥ 80


def test_an_error_halves_the_coverage_of_the_goals_its_campaign_serves():
    goals, audiences, plan = clean()
    # 204 alone serves the care goal; make its missing rationale an error
    settings = Settings(rules={"duration_unjustified": RuleConfig(severity="error")})
    result = run(goals, audiences, with_campaign(plan, 204, duration_rationale=" "), settings)

    assert result.coverage[GOAL_CARE] == {204: 0.5}
    assert result.goal_scores[GOAL_CARE] == 50
    assert result.campaign_scores[204] == 75
    assert result.verdict == "needs_changes"  # any error, even with a good score


def test_rule_weight_multiplies_the_penalty():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 202, duration_rationale="")
    settings = Settings(rules={"duration_unjustified": RuleConfig(weight=2.5)})

    assert run(goals, audiences, plan, settings).campaign_scores[202] == 75


def test_goal_weight_replaces_priority_in_the_overall_score():
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 201, goal_links=(GoalLinkIn(GOAL_SALES),))  # awareness uncovered
    heavy = [replace(g, weight=10.0) if g.id == 2 else g for g in goals]

    # campaigns 100; goals (high 3·100 + medium 2·0 + high 3·100) / 8 = 75 → (100 + 75) / 2
    assert run(goals, audiences, plan).score == 88  # 87.5 rounds half up
    # goals (3·100 + 10·0 + 3·100) / 16 = 37.5 → (100 + 37.5) / 2 = 68.75
    assert run(heavy, audiences, plan).score == 69


def test_rescore_without_dismissed_findings_raises_the_score():
    goals, audiences, plan = broken_plan()
    result = run(goals, audiences, plan)
    kept = [f for f in result.findings if f.rule != "calendar_gap"]  # both dismissed

    again = rescore(kept, goals, plan.campaigns)
    assert again.campaign_scores[103] == result.campaign_scores[103] + 10
    assert again.score > result.score
    assert rescore(result.findings, goals, plan.campaigns).score == result.score


def test_empty_plan_scores_zero_and_is_misaligned():
    goals, audiences, plan = clean()
    result = run(goals, audiences, replace(plan, campaigns=(), calendar=()))

    assert result.score == 0
    assert result.verdict == "misaligned"
    assert {f.rule for f in result.findings} == {"goal_uncovered", "customer_care_missing"}


# --- settings -------------------------------------------------------------------------------


def test_disabled_rules_emit_nothing():
    off = Settings(rules={rule: RuleConfig(enabled=False) for rule in RULES})
    result = run(*broken_plan(), settings=off)

    assert result.findings == ()
    assert result.verdict == "aligned"


def test_severity_override_applies_and_changes_the_verdict():
    settings = Settings(
        rules={
            "goal_uncovered": RuleConfig(severity="info"),
            "campaign_without_goal": RuleConfig(severity="warning"),
        }
    )
    goals, audiences, plan = clean()
    plan = with_campaign(plan, 204, goal_links=(GoalLinkIn(GOAL_SALES),))  # care goal uncovered

    assert run(goals, audiences, plan).verdict == "misaligned"
    result = run(goals, audiences, plan, settings)
    assert [(f.rule, f.severity) for f in result.findings] == [("goal_uncovered", "info")]
    assert result.verdict == "aligned"


def test_malformed_settings_fall_back_to_defaults_rather_than_fail():
    settings = Settings(
        rules={
            "calendar_gap": RuleConfig(severity="fatal", weight=-3, params={"max_gap_days": "x"}),
            "not_a_rule": RuleConfig(enabled=False),
        }
    )
    default = run(*broken_plan())
    tolerant = run(*broken_plan(), settings=settings)

    assert tolerant == default


def test_validate_settings_names_each_problem():
    settings = Settings(
        rules={
            "calendar_gap": RuleConfig(severity="fatal", weight=-3, params={"max_gap_days": 0}),
            "duration_out_of_range": RuleConfig(params={"ranges": {"awareness": [30, 10]}}),
            "nope": RuleConfig(),
        }
    )

    assert set(validate_settings(settings)) == {
        "rules.calendar_gap.severity",
        "rules.calendar_gap.weight",
        "rules.calendar_gap.params.max_gap_days",
        "rules.duration_out_of_range.params.ranges.awareness",
        "rules.nope",
    }
    assert validate_settings(Settings()) == {}


def test_brand_override_wins_over_agency_default_field_by_field():
    agency = {
        "calendar_gap": {"severity": "error", "params": {"max_gap_days": 7}},
        "duration_out_of_range": {"params": {"ranges": {"awareness": [7, 30]}}},
    }
    brand = {
        "calendar_gap": {"severity": None, "weight": 2, "params": {"max_gap_days": 21}},
        "duration_out_of_range": {"params": {"ranges": {"traffic": [3, 10]}}},
    }
    settings = merge_settings(agency, brand)

    gap = settings.rules["calendar_gap"]
    assert (gap.enabled, gap.severity, gap.weight, gap.params) == (
        True,
        "error",
        2.0,
        {"max_gap_days": 21},
    )
    assert settings.rules["duration_out_of_range"].params == {
        "ranges": {"awareness": [7, 30], "traffic": [3, 10]}
    }


# --- determinism ----------------------------------------------------------------------------


def _shuffled(world, seed: int):
    rng = random.Random(seed)
    goals, audiences, plan = world

    def mix(seq):
        seq = list(seq)
        rng.shuffle(seq)
        return seq

    campaigns = tuple(
        replace(c, networks=tuple(mix(c.networks)), goal_links=tuple(mix(c.goal_links)))
        for c in mix(plan.campaigns)
    )
    audiences = [replace(a, networks=dict(mix(a.networks.items()))) for a in mix(audiences)]
    plan = replace(plan, campaigns=campaigns, calendar=tuple(mix(plan.calendar)))
    return mix(goals), audiences, plan


@pytest.mark.parametrize("sample", [broken_plan, corrected_plan])
def test_shuffled_inputs_give_an_identical_result(sample):
    reference = run(*sample())
    for seed in range(15):
        again = run(*_shuffled(sample(), seed))
        assert again == reference
        assert list(again.coverage) == list(reference.coverage)
        assert list(again.campaign_scores) == list(reference.campaign_scores)


def test_result_does_not_depend_on_the_day_it_runs():
    world = broken_plan()
    goals, audiences, plan = world

    assert evaluate(goals, audiences, plan) == evaluate(
        goals, audiences, plan, today=date(2030, 1, 1)
    )
    assert of_rule(run(*world), "goal_uncovered")[0].goal_id == GOAL_CARE
