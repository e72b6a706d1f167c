"""Rendering the review page's repeated pieces once per request.

The page prints every finding twice (under its campaign with the accept and dismiss forms,
under its goal as a reference) and a comment form under every campaign and goal.  A piece
that is the same each time is rendered once and reused; a piece that differs between its
copies only by one integer id (a finding's forms, a campaign's comment box) is rendered
once with a placeholder id and the real id is put in its place, as ``_id_url`` does for
URLs.

A finding's card body (everything but its id attribute and its forms) is also kept across
requests (``Reuse.kept``), keyed by every input it prints: the finding's own columns that
show (state, reason, decider's name, rule, severity, brand), its text and lesson URL, and
the page's language, role (staff or not), whether the reader may create learning items,
the learning URL's shape and the macro that renders it.  A decision, a rename or another
language is a new key; the store is bounded (``KEPT_MAX`` entries, then it starts afresh).

The three findings sections as a whole (by campaign, by goal, the whole plan: every card,
comment and comment box) are kept the same way (``Reuse.whole``, ``sections``), keyed by
everything they print: the card keys, the campaigns' and goals' names, the scores, the
comments with their authors' names, the reader's remembered sharing choice, role and
language (``views._sections_key``).  The forms in them carry the reader's CSRF token, which
is never kept: the sections print ``CSRF_SLOT`` where it goes, a random text that differs
in every process, and ``fill_csrf`` puts the reader's token in place as the page leaves.
A page that shows a form's errors is rendered afresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup

from saas.services.plans.cache import BoundedCache

# An id no row has (as ``views._ID_SLOT``): a piece rendered for it differs from the piece
# of a real row only where that id is printed.
SLOT = 2_147_483_645
_SLOT_TEXT = str(SLOT)

KEPT_MAX = 4096
_kept: dict[Hashable, str] = {}

# Whole findings sections: a review's are tens of kilobytes, so the store is weighed by
# characters (about twice the text: the key holds the comments it printed).
sections: BoundedCache[str] = BoundedCache(max_entries=512, max_weight=64 * 1024 * 1024)

# Printed where a form's CSRF token goes in anything kept across requests; letters and
# digits only, so escaping leaves it as it is, and unguessable, so no text a user writes
# can ask for the reader's token to be put in its place.
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


def fill_csrf(text: str, token: str) -> str:
    """``text`` with the reader's CSRF token where ``CSRF_SLOT`` was printed."""
    return text.replace(CSRF_SLOT, token)


def kept_size() -> int:
    """How many card bodies are kept across requests (for tests)."""
    return len(_kept)


def forget_kept() -> None:
    """Empty the stores kept across requests (for tests)."""
    _kept.clear()
    sections.clear()


class Reuse:
    """A memo of rendered pieces for one request (``reuse`` in the review templates)."""

    __slots__ = ("_done",)

    def __init__(self) -> None:
        self._done: dict[Hashable, Any] = {}

    def once(self, key: Hashable, render: Callable[..., Any], *args: Any) -> Any:
        """``render(*args)`` the first time ``key`` is asked for, the same text after."""
        try:
            return self._done[key]
        except KeyError:
            out = self._done[key] = render(*args)
            return out

    def kept(self, key: Hashable, render: Callable[..., Any], *args: Any) -> Markup:
        """``render(*args)`` as ``once``, and remembered across requests under ``key``,
        which must hold every input the rendered text shows (see the module's docstring).
        The macro's compiled code is part of the key (the same object on every render of
        one compiled template), so a reloaded template renders afresh."""
        func = getattr(render, "_func", render)
        full = (getattr(func, "__code__", func), key)
        try:
            return self._done[full]  # type: ignore[no-any-return]
        except KeyError:
            pass
        text = _kept.get(full)
        if text is None:
            text = str(render(*args))
            if len(_kept) >= KEPT_MAX:  # bounded: start afresh rather than grow
                _kept.clear()
            _kept[full] = text
        out = self._done[full] = Markup(text)  # noqa: S704 - rendered by our template
        return out

    def whole(self, key: Hashable, render: Callable[[], Any]) -> Markup:
        """``render()``, kept across requests under ``key`` in ``sections`` (which must
        hold every input the text shows, and no reader's secret: see the module's
        docstring).  The macro's code is part of the key, as in ``kept``."""
        func = getattr(render, "_func", render)
        full = (getattr(func, "__code__", func), key)
        text = sections.get_or_make(full, lambda: str(render()), lambda t: 2 * len(t))
        return Markup(text)  # noqa: S704 - rendered by our template

    def stamped(self, key: Hashable, render: Callable[..., Any], value: int, *args: Any) -> Markup:
        """``render(SLOT, *args)`` once per ``key``, with ``value`` where SLOT was printed.

        Only for pieces in which the id is the sole thing that varies with ``value``: the
        caller renders the exceptional copy (the one showing a form's errors) directly."""
        text = self.once(key, lambda: str(render(SLOT, *args)))
        # Digits for digits in markup that was already escaped: still safe.
        return Markup(text.replace(_SLOT_TEXT, str(int(value))))  # noqa: S704
