"""capability_gap: a campaign needs skills the team has at least "practising with help"."""

from __future__ import annotations

from dataclasses import replace

from saas.domain.alignment import RuleConfig, Settings
from saas.domain.alignment.rules import skills_needed, validate_settings
from tests.domain.util import clean, of_rule, run

STRONG = {
    skill: 3
    for skill in (
        "instagram",
        "tiktok",
        "facebook",
        "short_video",
        "content_creation",
        "paid_social",
        "customer_care",
        "community_management",
        "social_commerce",
        "x",
        "linkedin",
        "whatsapp",
    )
}


def _with_team(team):
    goals, audiences, plan = clean()
    return goals, audiences, replace(plan, team_skills=team)


def test_a_tiktok_short_video_needs_tiktok_short_video_and_paid_social():
    assert skills_needed(("tiktok",), "short_video", "awareness", 500.0) == (
        "paid_social",
        "short_video",
        "tiktok",
    )
    assert skills_needed(("instagram",), "post", "customer_care", None) == (
        "content_creation",
        "customer_care",
        "instagram",
    )
    assert skills_needed(("facebook",), "ad", "conversions", 0) == (
        "facebook",
        "paid_social",
        "social_commerce",
    )


def test_fires_below_the_threshold_naming_skill_and_campaign():
    findings = of_rule(run(*_with_team(STRONG | {"tiktok": 1})), "capability_gap")
    assert [(f.campaign_id, f.params["skill"], f.params["rating"]) for f in findings] == [
        (201, "tiktok", 1)
    ]
    finding = findings[0]
    assert finding.severity == "warning"
    assert "TikTok" in finding.message and "Spring teaser" in finding.message
    assert "partner-led session" in finding.fix and "course" in finding.fix
    assert "shadow" in finding.fix and "change the plan" in finding.fix


def test_a_skill_nobody_is_rated_in_counts_as_zero():
    team = {k: v for k, v in STRONG.items() if k != "tiktok"}
    (finding,) = of_rule(run(*_with_team(team)), "capability_gap")
    assert finding.params["skill"] == "tiktok" and finding.params["rating"] == 0


def test_silent_at_or_above_the_threshold():
    assert of_rule(run(*_with_team(STRONG | {"tiktok": 2})), "capability_gap") == []
    assert of_rule(run(*_with_team(STRONG)), "capability_gap") == []


def test_silent_when_the_brand_has_no_team_recorded():
    assert of_rule(run(*clean()), "capability_gap") == []
    assert run(*clean()).findings == ()


def test_an_empty_team_lacks_every_skill():
    findings = of_rule(run(*_with_team({})), "capability_gap")
    assert {f.params["skill"] for f in findings} >= {"tiktok", "short_video", "instagram"}


def test_arabic_names_the_skill_and_the_campaign():
    (finding,) = of_rule(run(*_with_team(STRONG | {"tiktok": 1}), locale="ar"), "capability_gap")
    assert "تيك توك" in finding.message and "Spring teaser" in finding.message
    assert "جلسة يقودها الشريك" in finding.fix


def test_settings_threshold_severity_and_switch_are_respected():
    team = STRONG | {"tiktok": 2}
    strict = Settings(rules={"capability_gap": RuleConfig(params={"min_rating": 3})})
    (finding,) = of_rule(run(*_with_team(team), settings=strict), "capability_gap")
    assert finding.params["threshold"] == 3
    lenient = Settings(rules={"capability_gap": RuleConfig(params={"min_rating": 1})})
    assert (
        of_rule(run(*_with_team(STRONG | {"tiktok": 1}), settings=lenient), "capability_gap") == []
    )
    severe = Settings(rules={"capability_gap": RuleConfig(severity="error")})
    (finding,) = of_rule(
        run(*_with_team(STRONG | {"tiktok": 0}), settings=severe), "capability_gap"
    )
    assert finding.severity == "error"
    off = Settings(rules={"capability_gap": RuleConfig(enabled=False)})
    assert of_rule(run(*_with_team({}), settings=off), "capability_gap") == []


def test_an_out_of_range_threshold_is_refused_and_ignored():
    bad = Settings(rules={"capability_gap": RuleConfig(params={"min_rating": 7})})
    assert "rules.capability_gap.params.min_rating" in validate_settings(bad)
    (finding,) = of_rule(run(*_with_team(STRONG | {"tiktok": 1}), settings=bad), "capability_gap")
    assert finding.params["threshold"] == 2
