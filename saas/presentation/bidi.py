"""People's text inside the other script: keep numbers joined by dashes in their order.

In an Arabic paragraph the bidi algorithm lays "18–30" out as "30–18" (the dash between two
numbers takes the paragraph's direction).  Wrapping such runs in a left-to-right isolate
keeps them as typed.  Plain text in, plain text out: the template escapes it as before.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# "18–30", "9-17", "2.5–4", "2026-12-08": numbers joined by dashes in people's text.
_RANGE = re.compile(r"(?<![\d\u2066])\d+(?:[.,]\d+)?(?:\s?[–—-]\s?\d+(?:[.,]\d+)?)+")


def isolate_ranges(text: str | None) -> str:
    """People's text with each numeric range in a left-to-right isolate, so "18–30" stays
    "18–30" inside Arabic instead of turning into "30–18" (plain text, escaped later)."""
    if not text:
        return text or ""
    return _RANGE.sub(lambda m: f"\u2066{m.group(0)}\u2069", text)


_STRONG = re.compile(r"[A-Za-z\u00c0-\u024f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def dir_of(text: str | None) -> str:
    """The direction, rtl or ltr, by the first strong letter (HTML's dir="auto", which
    WeasyPrint does not implement); "auto" when the text has no letter at all."""
    match = _STRONG.search(text or "")
    if match is None:
        return "auto"
    return "rtl" if _RTL.match(match.group(0)) else "ltr"


def isolated(text: str | None) -> Markup:
    """People's text as ``<bdi dir="…">``: isolated from the sentence around it, in its own
    direction, its numeric ranges kept in order (escaped)."""
    value = isolate_ranges(text)
    return Markup('<bdi dir="%s">%s</bdi>') % (dir_of(value), value)
