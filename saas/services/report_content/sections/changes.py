"""What changed since the last review: findings resolved and raised, and the score's move.

Two reviews are compared finding by finding on what a finding is about: its rule and its
campaign (by the campaign's key, stable across revisions) or goal.  A finding in the
earlier review and not the later one was resolved; the other way round, it was raised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

from saas.services.report_content.data import ReportData

CHANGES_MAX = 6
T = TypeVar("T")


def diff_by_key(
    before: Sequence[tuple[Hashable, T]], after: Sequence[tuple[Hashable, T]]
) -> tuple[list[T], list[T]]:
    """(resolved, raised): items whose key is in ``before`` and not ``after``, and back.

    Keys are counted, so a campaign with two gaps of which one was fixed shows one resolved."""
    left = Counter(k for k, _item in after)
    resolved = []
    for key, item in before:
        if left[key]:
            left[key] -= 1
        else:
            resolved.append(item)
    right = Counter(k for k, _item in before)
    raised = []
    for key, item in after:
        if right[key]:
            right[key] -= 1
        else:
            raised.append(item)
    return resolved, raised


def build_changes(d: ReportData) -> dict[str, Any] | None:
    """The comparison with the previous reviewed revision, or None on a first review."""
    current, previous = d.review, d.previous_review
    if current is None or previous is None or current.status != "completed":
        return None

    def keyed(review: Any) -> list[tuple[Hashable, Any]]:
        return [((f.rule, key, f.goal_id), f) for f, key in d.counted_findings(review)]

    resolved, raised = diff_by_key(keyed(previous), keyed(current))

    def messages(findings: list[Any]) -> list[str]:
        return [d.render_finding(f)[0] for f in findings[:CHANGES_MAX]]

    revisions = dict(d.revision_numbers([previous.revision_id, current.revision_id]))
    return {
        "score_from": d.number(previous.score),
        "score_to": d.number(current.score),
        "moved": int(current.score) - int(previous.score),
        "revision_from": d.number(revisions.get(previous.revision_id)),
        "revision_to": d.number(revisions.get(current.revision_id)),
        "date_from": d.day(previous.completed_at),
        "resolved_count": len(resolved),
        "raised_count": len(raised),
        "resolved_n": d.number(len(resolved)),
        "raised_n": d.number(len(raised)),
        "resolved": messages(resolved),
        "raised": messages(raised),
        "resolved_more": d.number(max(0, len(resolved) - CHANGES_MAX)),
        "raised_more": d.number(max(0, len(raised) - CHANGES_MAX)),
    }
