"""Each kind of leadership decision as the reader sees it, in English and Arabic: an action
with its figures (the shared macro in templates/_decisions.html)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from saas.domain.decisions import CampaignFix, GoalFacts, NetworkMiss, decisions_needed
from saas.presentation.decisions import for_template

_ISOLATES = re.compile("[\u2066-\u2069\u200f]")
GOAL = dict(baseline=9.0, latest=8.2, target=2.0, due=date(2027, 3, 31), unit="hours")


def _text(app, decisions, locale):
    with app.test_request_context(), force_locale(locale):
        template = app.jinja_env.from_string(
            '{% from "_decisions.html" import decision_text %}'
            "{% for d in ds %}{{ decision_text(d) }}|{% endfor %}"
        )
        out = template.render(ds=for_template(decisions, locale))
    return [" ".join(_ISOLATES.sub("", t).split()) for t in out.split("|")[:-1]]


CASES = {
    "fund_goal": (
        dict(
            goals=[
                GoalFacts("Care", "high", "on_track", covered=False, percent_complete=11.6, **GOAL)
            ]
        ),
        "Fund a campaign for “Care”: no campaign serves it (priority high; 12% of the way, "
        "9 → 8.2 → 2 hours, due Mar 31, 2027).",
        ["موّلوا حملة للهدف «Care»", "الأولوية عالية", "12%", "9 ← 8.2 ← 2 hours"],
    ),
    "catch_up": (
        dict(
            goals=[
                GoalFacts(
                    "Replies", "medium", "behind", percent_complete=11, percent_elapsed=60, **GOAL
                )
            ]
        ),
        "Add effort to “Replies” or reset its target: it is 11% of the way with 60% of the "
        "time gone (9 → 8.2 → 2 hours, due Mar 31, 2027).",
        ["ضاعفوا الجهد في الهدف «Replies»", "11%", "60%"],
    ),
    "at_risk": (
        dict(
            goals=[
                GoalFacts("Club", "low", "at_risk", percent_complete=31, percent_elapsed=50, **GOAL)
            ]
        ),
        "Shift budget towards “Club” now: it is 31% of the way with 50% of the time gone "
        "(9 → 8.2 → 2 hours, due Mar 31, 2027).",
        ["حوّلوا جزءًا من الميزانية إلى الهدف «Club»", "31%", "50%"],
    ),
    "move_budget": (
        dict(
            misses=[NetworkMiss("B2B", "linkedin", "Gen Z students", {"tiktok": 70, "linkedin": 0})]
        ),
        "Move the LinkedIn effort of “B2B” to TikTok, where 70% of “Gen Z students” are; "
        "only 0% are on LinkedIn.",
        ["انقلوا جهد لينكدإن في الحملة «B2B» إلى تيك توك", "70%", "«Gen Z students»"],
    ),
    "link_campaign": (
        dict(orphans=[("Giveaway", 1200.0)]),
        "Tie “Giveaway” to a goal or stop it: its budget of 1,200 serves none of the brand's "
        "goals.",
        ["اربطوا الحملة «Giveaway» بهدف أو أوقفوها", "1,200"],
    ),
    "fix_duration": (
        dict(
            fixes=[
                CampaignFix(
                    "duration_out_of_range",
                    "Summer",
                    {"days": 120, "min_days": 14, "max_days": 90, "objective": "awareness"},
                )
            ]
        ),
        "Shorten “Summer” from 120 to at most 90 days: awareness campaigns run 14–90 days.",
        ["اختصروا الحملة «Summer» من 120 إلى 90", "14–90"],
    ),
    "fix_kpi": (
        dict(
            fixes=[
                CampaignFix(
                    "kpi_objective_mismatch",
                    "Reels",
                    {
                        "kpi": "link_clicks",
                        "objective": "awareness",
                        "expected": ["views", "reach"],
                    },
                )
            ]
        ),
        "Measure “Reels” by views or reach instead of link clicks: those are the KPIs of "
        "awareness.",
        ["قيسوا الحملة «Reels»"],
    ),
    "no_review": (
        dict(reviewed=False),
        "Have the agency review the plan: nothing has been reviewed yet.",
        ["اطلبوا من الوكالة مراجعة الخطة"],
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_reads_as_an_action_with_its_figures(app, kind):
    inputs, english, arabic = CASES[kind]
    inputs = dict(inputs)
    decisions = decisions_needed(inputs.pop("goals", []), **inputs)
    assert [d.kind for d in decisions] == [kind]
    assert _text(app, decisions, "en") == [english]
    [text] = _text(app, decisions, "ar")
    for part in arabic:
        assert part in text, (part, text)


def test_an_arabic_range_stays_in_reading_order(app):
    """ "14–90" must not turn into "90–14" inside Arabic: it is a left-to-right isolate."""
    fix = CampaignFix(
        "duration_out_of_range",
        "S",
        {"days": 3, "min_days": 14, "max_days": 90, "objective": "awareness"},
    )
    with app.test_request_context():
        [d] = for_template(decisions_needed([], fixes=[fix]), "ar")
    assert d["range"] == "\u206614–90\u2069"
    assert d["variant"] == "lengthen"


def test_names_are_escaped(app):
    decisions = decisions_needed([GoalFacts("<b>x</b>", "high", "behind", **GOAL)])
    with app.test_request_context():
        out = app.jinja_env.from_string(
            '{% from "_decisions.html" import decision_text %}{{ decision_text(d) }}'
        ).render(d=for_template(decisions, "en")[0])
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
