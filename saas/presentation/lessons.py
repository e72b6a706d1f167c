"""One short lesson per alignment rule: the strategy question it asks, why it matters for the
company's goals, how to answer it, and an example.

Presentation, not domain: the words are translated with gettext.  Linked from every finding
(review page, PDF report) so a finding teaches as well as flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from saas.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Lesson:
    """Lazy strings: render them in the request's (or the report's) language."""

    question: str
    why: str
    how: str
    example: str


LESSONS: dict[str, Lesson] = {
    "campaign_without_goal": Lesson(
        _l("Which company goal does this campaign move?"),
        _l(
            "Work that serves no goal spends budget and the team's time without bringing the "
            "company closer to what it promised itself."
        ),
        _l("Name the goal before the idea: link the campaign to the goal it serves, or drop it."),
        _l(
            "“Ramadan recipes” is linked to “Grow online orders by 20 %” and measures visits to"
            " the menu."
        ),
    ),
    "goal_uncovered": Lesson(
        _l("Which campaign will deliver this goal?"),
        _l(
            "A goal with no campaign behind it is reached only by luck, and nobody will know "
            "what worked."
        ),
        _l(
            "For each active goal, point at the campaign that serves it; if there is none, add "
            "one or link an existing one."
        ),
        _l(
            "The goal “Answer every customer within an hour” gets a customer care campaign on "
            "WhatsApp."
        ),
    ),
    "audience_missing": Lesson(
        _l("Who exactly is this campaign for?"),
        _l(
            "Networks, formats and messages can only be chosen on purpose once you know whom "
            "you are speaking to."
        ),
        _l(
            "Describe the target audience (who they are, where they are, what they care about) "
            "and attach it to the campaign."
        ),
        _l(
            "“Students in Riyadh, 18–24, on TikTok and Snapchat, looking for a place to study "
            "late.”"
        ),
    ),
    "network_not_used_by_audience": Lesson(
        _l("Is the audience actually on this network?"),
        _l(
            "Content on a network your audience does not use reaches nobody you planned for, "
            "however good it is."
        ),
        _l("Check the audience's share per network and put the effort where most of them are."),
        _l(
            "Families use Facebook and WhatsApp, not LinkedIn: the family offer moves to those two."
        ),
    ),
    "kpi_objective_mismatch": Lesson(
        _l("Does this KPI measure what the campaign is for?"),
        _l(
            "A KPI that measures something else cannot tell you whether the campaign served its"
            " goal."
        ),
        _l(
            "Start from the objective and pick a KPI from its list: views or reach for "
            "awareness, visits for traffic, conversions for sales."
        ),
        _l("An awareness video measures reach, not link clicks."),
    ),
    "story_focus": Lesson(
        _l("What should a story make people do?"),
        _l(
            "Stories are watched, answered or tapped through; measuring anything else hides "
            "whether they worked."
        ),
        _l(
            "Measure views for awareness, replies for engagement and community, visits for "
            "traffic and sales."
        ),
        _l("Story polls for engagement measure replies, not views."),
    ),
    "kpi_not_measurable": Lesson(
        _l("How will you know at the end that it worked?"),
        _l(
            "Without a KPI, a starting value and a target, success is a matter of opinion and "
            "the goal cannot be tracked."
        ),
        _l(
            "Choose the KPI, write down today's value as the baseline and the number you aim "
            "for as the target."
        ),
        _l("Replies per story: baseline 40, target 120 by the end of April."),
    ),
    "duration_unjustified": Lesson(
        _l("Why does the campaign last this long?"),
        _l(
            "A length chosen by habit is either too short for the audience to notice or too "
            "long for the budget."
        ),
        _l(
            "Tie the length to something real: the buying cycle, a season, how often the "
            "audience needs to see the message."
        ),
        _l("“Four weeks: the school holidays, and families decide on weekend plans weekly.”"),
    ),
    "duration_out_of_range": Lesson(
        _l("Is this long enough to work, and short enough to stay fresh?"),
        _l(
            "Too short and the audience never sees the message often enough; too long and it "
            "wears out and the budget thins."
        ),
        _l("Keep the campaign within the usual range for its objective, or split it into phases."),
        _l("A three-day engagement campaign becomes three weeks with a weekly poll."),
    ),
    "campaign_after_goal_due": Lesson(
        _l("Will the results arrive in time for the goal?"),
        _l(
            "Results after the due date do not count, and the goal is reported as missed while "
            "the work is still running."
        ),
        _l("End the campaign by the goal's due date, or link it to a goal that is due later."),
        _l("The summer campaign ends on 30 June, the day the sales goal is due."),
    ),
    "outside_plan_period": Lesson(
        _l("Does this work belong to this plan?"),
        _l(
            "Work outside the plan's period is not budgeted, reviewed or reported with it, so "
            "nobody owns it."
        ),
        _l(
            "Move the dates inside the period, or plan the campaign in the plan for its own period."
        ),
        _l("A teaser that starts in March moves to 1 April, the start of the second-quarter plan."),
    ),
    "engagers_unknown": Lesson(
        _l("Who in this audience comments, shares and replies, and why?"),
        _l(
            "The people who engage spread the message; knowing what moves them tells you what "
            "to make."
        ),
        _l(
            "Look at last month's comments and replies and describe the people and topics "
            "behind them."
        ),
        _l(
            "“Mothers who share weekend outings; they reply to polls about places to take "
            "children.”"
        ),
    ),
    "calendar_gap": Lesson(
        _l("Is there content behind every network of the campaign, all the way through?"),
        _l("A brand that goes quiet is forgotten, and the network stops showing its posts."),
        _l(
            "Put items in the content calendar on each network at least every two weeks while "
            "the campaign runs."
        ),
        _l("Two TikTok videos a week from 1 to 30 April, scheduled in the calendar."),
    ),
    "customer_care_missing": Lesson(
        _l("Who answers the questions and complaints?"),
        _l(
            "People ask and complain on social networks whatever you plan; unanswered, they "
            "leave while others watch."
        ),
        _l("Plan customer care as a campaign with a response-time target and a person on duty."),
        _l("Replies on Instagram and WhatsApp within one hour, 9:00 to 23:00, measured weekly."),
    ),
    "capability_gap": Lesson(
        _l("Can the team actually deliver what this plan asks for?"),
        _l(
            "A well-aligned plan still fails if nobody on the team can make the content or run "
            "the channel it depends on."
        ),
        _l(
            "List the skills each campaign needs, compare them with the team's ratings, and "
            "close each gap before the campaign starts: a partner-led session, a course, "
            "shadowing an expert, or a change of plan."
        ),
        _l(
            "Nobody is past “aware” in TikTok, so the partner runs a two-hour short-video "
            "session and one member shadows the first shoot."
        ),
    ),
}


def lesson_for(rule: str) -> Lesson | None:
    """The rule's lesson, or None for a rule id this module does not know."""
    return LESSONS.get(rule)
