"""Drafting a session's agenda from what the brand's data says needs leadership's time.

Pure Python: the service hands in *candidates* (what could be discussed, each with its
source and a weight) and the session's length; this module answers an ordered,
time-boxed agenda that fits.  The order, for people who will argue with it:

1. an **opening** of a few minutes;
2. **decisions pending** from earlier sessions (they were promised an answer);
3. **action items** from earlier sessions still open, **overdue** ones first;
4. company goals **behind**, then goals **at risk** (the rule of ``saas.domain.progress``);
5. **capability gaps** that put a high-priority goal at risk (the team lacks a skill the
   current plan needs), the lowest-rated first;
6. open **findings** of the latest review of each plan, most serious first;
7. **plans waiting for approval** (submitted or in review);
8. a **closing** of a few minutes (decisions and next steps).

Within a tier the bigger weight comes first (days overdue, points behind, days waiting);
ties keep the input order.  Every item gets at least ``MIN_MINUTES``; the time left after
the opening, the closing and the items people added by hand is shared out by each kind's
usual length, scaled to the session.  At most ``MAX_PER_REASON`` findings are drafted (the
most serious); when more candidates remain than fit, the lowest in the order are left out
too, and one "more open items" entry says how many.

Besides the sources (``SOURCE_KINDS``) an agenda holds structural entries
(``STRUCTURE_KINDS``): the opening, the closing, an open discussion when the data has
nothing (or too little) to raise, and the overflow entry (its ``count`` is how many were left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

# Sources an item can be drafted from (``AgendaItem.source_kind``).
DECISION = "decision"
ACTION_ITEM = "action_item"
GOAL = "goal"
FINDING = "finding"
PLAN = "plan"
CAPABILITY = "capability"  # source_id: the skill of the agency's catalogue
SOURCE_KINDS = (GOAL, FINDING, PLAN, ACTION_ITEM, DECISION, CAPABILITY)

# Structural entries: no source of their own.
OPENING = "opening"
CLOSING = "closing"
DISCUSSION = "discussion"
OVERFLOW = "overflow"
STRUCTURE_KINDS = (OPENING, CLOSING, DISCUSSION, OVERFLOW)

# Why a candidate is on the agenda: its tier, in the module docstring's order.
PENDING_DECISION = "pending_decision"
OVERDUE_ACTION = "overdue_action"
OPEN_ACTION = "open_action"
GOAL_BEHIND = "goal_behind"
GOAL_AT_RISK = "goal_at_risk"
CAPABILITY_GAP = "capability_gap"
OPEN_FINDING = "open_finding"
PLAN_WAITING = "plan_waiting"
REASONS = (
    PENDING_DECISION,
    OVERDUE_ACTION,
    OPEN_ACTION,
    GOAL_BEHIND,
    GOAL_AT_RISK,
    CAPABILITY_GAP,
    OPEN_FINDING,
    PLAN_WAITING,
)
_TIER = {reason: rank for rank, reason in enumerate(REASONS)}
_KIND_OF = {
    PENDING_DECISION: DECISION,
    OVERDUE_ACTION: ACTION_ITEM,
    OPEN_ACTION: ACTION_ITEM,
    GOAL_BEHIND: GOAL,
    GOAL_AT_RISK: GOAL,
    CAPABILITY_GAP: CAPABILITY,
    OPEN_FINDING: FINDING,
    PLAN_WAITING: PLAN,
}
# The usual length of each kind in a one-hour session, in minutes: the shares the time is
# split by (a goal behind needs a conversation, an action item a status).
_BASE_MINUTES = {
    PENDING_DECISION: 8,
    OVERDUE_ACTION: 4,
    OPEN_ACTION: 3,
    GOAL_BEHIND: 8,
    GOAL_AT_RISK: 6,
    CAPABILITY_GAP: 6,
    OPEN_FINDING: 5,
    PLAN_WAITING: 8,
    DISCUSSION: 10,
    OVERFLOW: 3,
}

# At most this many items of a reason are drafted; the rest count in the overflow entry.  A
# review can raise a score of findings, and leadership's time goes to the worst few.
MAX_PER_REASON = {OPEN_FINDING: 5, CAPABILITY_GAP: 3}

MIN_MINUTES = 3  # no item is shorter than this when drafted
MAX_ITEM_MINUTES = 60  # nor longer than an hour, however long the session
ITEM_MINUTES_RANGE = (1, 480)  # what a person may set by hand
TITLE_MAX = 300


@dataclass(frozen=True)
class Candidate:
    """Something the data says could be discussed.

    ``weight`` orders candidates of the same reason (bigger first); ``title`` is a sensible
    name for the row, in whatever language the caller drafts in."""

    reason: str
    source_id: int
    title: str
    weight: float = 0.0

    @property
    def kind(self) -> str:
        return _KIND_OF[self.reason]

    @property
    def overdue(self) -> bool:
        return self.reason == OVERDUE_ACTION

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.kind, self.source_id)


@dataclass(frozen=True)
class DraftItem:
    """One entry of a drafted agenda, in order.  Structural entries have no ``source_id``;
    the overflow entry's ``count`` is how many candidates it stands for."""

    kind: str
    minutes: int
    source_id: int | None = None
    reason: str | None = None
    title: str = ""
    count: int = 0

    @property
    def key(self) -> tuple[str, int | None]:
        """The identity regenerating matches rows by: a source, or the structural kind."""
        return (self.kind, self.source_id if self.kind in SOURCE_KINDS else None)


@dataclass(frozen=True)
class Draft:
    items: tuple[DraftItem, ...]
    left_out: int  # candidates not on the agenda (the overflow entry's count)

    @property
    def total_minutes(self) -> int:
        return sum(i.minutes for i in self.items)


def frame_minutes(duration: int) -> int:
    """The opening's (and the closing's) length: a few minutes, less in a short session."""
    return max(2, min(5, duration // 12))


def ordered(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates in the agenda's order (module docstring): tier, then weight, then input."""
    indexed = list(enumerate(candidates))
    indexed.sort(key=lambda pair: (_TIER[pair[1].reason], -pair[1].weight, pair[0]))
    return [c for _i, c in indexed]


def share(
    total: int,
    bases: Sequence[int],
    *,
    floor: int = MIN_MINUTES,
    caps: Sequence[int] | None = None,
) -> list[int]:
    """Split ``total`` minutes by ``bases``: each at least ``floor`` and at most its cap
    (``MAX_ITEM_MINUTES`` by default); whole minutes that add up to ``total`` when the caps
    allow (largest remainders get the odd minutes, earlier items first on a tie)."""
    if not bases:
        return []
    limits = [max(c, floor) for c in caps] if caps is not None else [MAX_ITEM_MINUTES] * len(bases)
    if total <= floor * len(bases):
        return [floor] * len(bases)
    spare = total - floor * len(bases)
    weights = [max(b - floor, 0) + 1 for b in bases]
    scale = spare / sum(weights)
    exact = [w * scale for w in weights]
    whole = [min(int(x), limit - floor) for x, limit in zip(exact, limits, strict=True)]
    left = spare - sum(whole)
    order = sorted(range(len(bases)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    while left > 0:
        moved = False
        for i in order:
            if left <= 0:
                break
            if whole[i] < limits[i] - floor:
                whole[i] += 1
                left -= 1
                moved = True
        if not moved:
            break
    return [floor + w for w in whole]


def _within_limits(ranked: Sequence[Candidate]) -> tuple[list[Candidate], int]:
    """``ranked`` without what ``MAX_PER_REASON`` leaves out, and how many that was."""
    seen: dict[str, int] = {}
    kept: list[Candidate] = []
    for candidate in ranked:
        seen[candidate.reason] = seen.get(candidate.reason, 0) + 1
        if seen[candidate.reason] <= MAX_PER_REASON.get(candidate.reason, len(ranked)):
            kept.append(candidate)
    return kept, len(ranked) - len(kept)


def cap(reason: str, duration: int) -> int:
    """The longest a drafted item of ``reason`` gets: half again its usual length, scaled to
    the session (a long session with little to raise keeps the rest as open discussion)."""
    return min(MAX_ITEM_MINUTES, max(MIN_MINUTES, -(-_BASE_MINUTES[reason] * duration * 3 // 120)))


def draft(
    candidates: Iterable[Candidate],
    duration: int,
    *,
    reserved: int = 0,
    opening: bool = True,
    closing: bool = True,
    discussion: bool = True,
) -> Draft:
    """An ordered, time-boxed agenda for a session of ``duration`` minutes.

    ``reserved`` is the time already taken by items people keep (added or edited by hand);
    ``opening``/``closing``/``discussion`` False leave that structural entry out (a person
    removed it).  The drafted items fill what is left; the total may still exceed the
    duration when people's own items already do (every drafted item keeps its minimum)."""
    ranked, left_out = _within_limits(ordered(candidates))
    frame = frame_minutes(duration)
    frames = frame * (int(opening) + int(closing))
    available = max(duration - frames - max(reserved, 0), 0)
    capacity = available // MIN_MINUTES - (1 if left_out else 0)
    if len(ranked) > capacity:
        keep = max(capacity - (0 if left_out else 1), 0)
        left_out += len(ranked) - keep
        ranked = ranked[:keep]
    bases = [_BASE_MINUTES[c.reason] for c in ranked]
    extra: list[str] = []
    if left_out:
        extra.append(OVERFLOW)
    elif not ranked and discussion and available >= MIN_MINUTES:
        extra.append(DISCUSSION)
    caps = [cap(c.reason, duration) for c in ranked]
    caps += [available if e == DISCUSSION else cap(e, duration) for e in extra]
    minutes = share(available, bases + [_BASE_MINUTES[e] for e in extra], caps=caps)
    body = [
        DraftItem(c.kind, m, source_id=c.source_id, reason=c.reason, title=c.title)
        for c, m in zip(ranked, minutes, strict=False)
    ]
    for kind, m in zip(extra, minutes[len(ranked) :], strict=True):
        body.append(DraftItem(kind, m, count=left_out if kind == OVERFLOW else 0))
    spare = available - sum(minutes)
    if spare >= MIN_MINUTES and discussion and DISCUSSION not in extra:
        # A long session with little to raise: the rest is open time, not padded items.
        body.append(DraftItem(DISCUSSION, spare))
    elif spare > 0 and body:
        # A few minutes the caps left over: one more each, from the top, so the time fits.
        grown = [b.minutes for b in body]
        for step in range(spare):
            grown[step % len(grown)] += 1
        body = [replace(b, minutes=m) for b, m in zip(body, grown, strict=True)]
    items: list[DraftItem] = []
    if opening:
        items.append(DraftItem(OPENING, frame))
    items.extend(body)
    if closing:
        items.append(DraftItem(CLOSING, frame))
    return Draft(tuple(items), left_out)


def offsets(minutes: Iterable[int]) -> list[tuple[int, int]]:
    """Each item's (start, end) in minutes from the session's start, one after another."""
    out: list[tuple[int, int]] = []
    at = 0
    for m in minutes:
        out.append((at, at + m))
        at += m
    return out
