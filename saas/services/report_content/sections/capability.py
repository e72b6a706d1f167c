"""Team capability, for the client's leaders: what the team is strong in, the skills the
current plan needs that nobody has yet (and which goals that puts at risk), the protected
learning time used this month against what the client committed, and the lesson behind
the ``capability_gap`` rule.

Reads ``saas.services.capability.summary`` (a fixed number of queries) as a client leader
would: the report goes to the client's leaders, so only approved plans' campaigns count (a
plan still in review is not theirs to read yet).  The template gets plain values.  The
month is the one of the report's "as of" day (the end of the period, or today if that is
earlier).
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list

from saas.presentation.labels.goals import PRIORITY_LABELS
from saas.presentation.lessons import lesson_for
from saas.services.capability.assessments import LEVELS
from saas.services.capability.summary import capability_summary
from saas.services.report_content.data import ReportData

READER = "client_leader"  # whose view of the plans the report shows
CAPABILITY_GAPS_MAX = 6
CAPABILITY_STRENGTHS_MAX = 8
GOALS_PER_GAP = 3
CAMPAIGNS_PER_GAP = 4


def _level(rating: int) -> str:
    return str(LEVELS.get(rating, rating))


def build_capability(d: ReportData) -> dict[str, Any] | None:
    if d.brand is None:
        return None
    summary = capability_summary(d.brand, READER, today=d.as_of)
    lesson = lesson_for("capability_gap")
    gaps = [
        {
            "skill": d.text(gap.skill.name(d.locale)),
            "level": _level(gap.rating),
            "needed": _level(gap.threshold),
            "goals": [
                {
                    "title": d.text(goal.title),
                    "priority": str(PRIORITY_LABELS.get(goal.priority, goal.priority)),
                    "high": goal.high,
                }
                for goal in gap.goals[:GOALS_PER_GAP]
            ],
            "campaigns": [d.text(c.name) for c in gap.campaigns[:CAMPAIGNS_PER_GAP]],
            "campaigns_more": (
                d.number(len(gap.campaigns) - CAMPAIGNS_PER_GAP)
                if len(gap.campaigns) > CAMPAIGNS_PER_GAP
                else None
            ),
        }
        for gap in summary.gaps[:CAPABILITY_GAPS_MAX]
    ]
    hours = summary.hours
    return {
        "empty": summary.empty,
        "members": d.number(summary.members),
        "members_n": summary.members,
        "strengths": [
            {"skill": d.text(s.skill.name(d.locale)), "level": _level(s.rating)}
            for s in summary.strengths[:CAPABILITY_STRENGTHS_MAX]
        ],
        "gaps": gaps,
        "gaps_more": (
            d.number(len(summary.gaps) - len(gaps)) if len(summary.gaps) > len(gaps) else None
        ),
        "rule_enabled": summary.rule_enabled,
        "hours": (
            {
                "done": d.number(hours.done),
                "committed": d.number(hours.committed),
                "planned": d.number(hours.planned),
                "per_person": d.number(hours.per_person),
                "percent": hours.percent,
                "month": d.day(d.as_of, "MMMM y"),
            }
            if hours is not None and hours.per_person
            else None
        ),
        "learning": format_list(
            [d.text(s.name(d.locale)) for s in summary.learning], locale=d.locale
        )
        if summary.learning
        else "",
        "lesson": (
            {"question": str(lesson.question), "how": str(lesson.how)} if lesson and gaps else None
        ),
    }
