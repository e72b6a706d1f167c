"""Punctuation and signs that depend on the reader's language.

Arabic has its own comma (،), semicolon (؛) and question mark (؟), and a signed number
must keep its sign on the number's left even inside right-to-left text.  Pages, emails and
the PDF all build lists and signed figures through these helpers, so a generated sentence
never mixes a Latin comma into Arabic.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.numbers import format_decimal
from flask_babel import get_locale

RTL_LOCALES = frozenset({"ar"})
LRM = "\u200e"  # left-to-right mark: keeps "+10" / "−10" reading left to right in Arabic
MINUS = "\u2212"  # a real minus sign, not a hyphen

_ARABIC_MARKS = str.maketrans({",": "،", ";": "؛", "?": "؟"})


def _language(locale: object | None) -> str:
    """'ar', 'ar_SA', 'ar-EG' → 'ar'; None → the request's locale (English outside one)."""
    if locale is None:
        try:
            locale = get_locale()
        except (RuntimeError, AttributeError):  # no app or request context
            locale = "en"
    return str(locale or "en").replace("-", "_").split("_", 1)[0].lower()


def is_rtl(locale: object | None = None) -> bool:
    return _language(locale) in RTL_LOCALES


def list_separator(locale: object | None = None) -> str:
    return "، " if is_rtl(locale) else ", "


def join_list(items: Iterable[object], locale: object | None = None) -> str:
    """Items joined with the language's comma: "A, B, C" / "A، B، C" (plain text).

    For enumerations without a final "and" (tags, networks, names in a cell); sentences
    that need "and" use ``babel.lists.format_list`` (see ``names.quoted_names``).
    """
    return list_separator(locale).join(str(item) for item in items if item not in (None, ""))


def punctuate(text: str, locale: object | None = None) -> str:
    """Generated Arabic text with Arabic commas, semicolons and question marks.

    Only for text the product writes (never for what a person typed: a URL or a brand
    name keeps its own characters).
    """
    return text.translate(_ARABIC_MARKS) if is_rtl(locale) else text


def signed(value: float | int | None, locale: object | None = None) -> str:
    """+10 / −10 / 0 in the reader's digits and grouping; "" for no value.

    Written for contributions and changes ("(+-10)" was what a negative one read before):
    the sign is a real minus, and in Arabic a left-to-right mark keeps it on the left.
    """
    if value is None:
        return ""
    language = _language(locale)
    digits = format_decimal(abs(value), format="#,##0.##", locale=language)
    if value == 0:
        return digits
    sign = "+" if value > 0 else MINUS
    return f"{LRM}{sign}{digits}" if language in RTL_LOCALES else f"{sign}{digits}"
