"""What leadership should decide: one rule shared by the board report and the leader's landing.

Pure: it takes goal titles by progress status, the goals no campaign serves, the count of
open serious findings and whether a review exists, and answers the most pressing questions
first.  The report pads its list with standing questions; the landing page shows only the
real ones, so "nothing needs your decision" can be true there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# The most pressing first: goals behind, uncovered goals, open errors, goals at risk.
ORDER = {"behind": 0, "uncovered": 1, "errors": 2, "at_risk": 3, "no_review": 4}
STANDING = ("continue", "budget", "next_review")


@dataclass(frozen=True)
class Decision:
    """One question for leadership; ``names`` are user-entered goal titles, ``count`` a number."""

    kind: str
    names: tuple[str, ...] = field(default=())
    count: int = 0

    @property
    def n(self) -> int:
        """How many things the question is about (for plural forms)."""
        return len(self.names) or self.count


def decisions_needed(
    goal_statuses: Iterable[tuple[str, str]],
    uncovered: Iterable[str],
    open_errors: int,
    *,
    reviewed: bool,
    standing: bool = False,
    limit: int | None = None,
) -> list[Decision]:
    """The questions, most pressing first.

    ``goal_statuses`` pairs a goal's title with its progress status (``behind``,
    ``at_risk``…); ``standing`` appends the report's standing questions after the real ones.
    """
    pairs = list(goal_statuses)
    found: list[Decision] = []
    for kind in ("behind", "at_risk"):
        names = tuple(title for title, status in pairs if status == kind)
        if names:
            found.append(Decision(kind, names=names))
    uncovered_names = tuple(uncovered)
    if uncovered_names:
        found.append(Decision("uncovered", names=uncovered_names))
    if open_errors:
        found.append(Decision("errors", count=open_errors))
    if not reviewed:
        found.append(Decision("no_review"))
    found.sort(key=lambda d: ORDER.get(d.kind, 9))
    if standing:
        found.extend(Decision(kind) for kind in STANDING)
    return found[:limit] if limit is not None else found
