"""A small in-memory cache for what is derived from a plan revision's content.

The caller's key must name every input of what it keeps (see ``revision_key`` for the
content part); this class only bounds memory: least recently used entries go first once
there are ``max_entries`` of them or their weights (rows, say) add up past ``max_weight``.
Per process and thread-safe; a miss costs what it did without the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from saas.models import Plan, PlanRevision

V = TypeVar("V")


def revision_key(plan: Plan, revision: PlanRevision) -> tuple[Hashable, ...]:
    """What identifies a revision's content: every save of it claims the plan's next
    ``version`` (``versions.claim_version``), and the creation times keep an id reused by
    another database (a test's) from matching an entry made for the old row."""
    return (plan.id, plan.created_at, plan.version, revision.id, revision.created_at)


class BoundedCache(Generic[V]):
    """Least recently used, at most ``max_entries`` entries and ``max_weight`` in all."""

    def __init__(self, max_entries: int, max_weight: int) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V], weigh: Callable[[V], int]) -> V:
        """The value kept for ``key``, else ``make()`` (kept when it fits)."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[0]
        value = make()
        weight = max(1, weigh(value))
        if self.max_entries <= 0 or weight > self.max_weight:
            return value
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._entries[key] = (value, weight)
            self._weight += weight
            while len(self._entries) > self.max_entries or self._weight > self.max_weight:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._weight -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)
