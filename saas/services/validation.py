"""Field checks the services share: text, numbers, dates and choices.

Each check reads one value, puts at most one message under ``key`` in ``errors`` and returns
the cleaned value (``None`` when missing or refused), so a service collects every problem
of a submission before it answers.  Strict by default: a string is never a number (only an
HTML form's text is read as one, and only when the caller says ``from_form``), a bool is
neither a number nor an id, NaN and infinities are refused, and a choice must be one of the
vocabulary's ids.  The messages are the ones people see; callers that word a refusal their
own way pass it in.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from saas.i18n import gettext as _

NUMBER_MAX = 1e12


def is_int(value: Any) -> bool:
    """An ``int`` that is not a bool (``True`` is not the id 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A real number type: int, float or Decimal, never a bool or a string."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_date(value: Any) -> bool:
    """A calendar day (a ``datetime`` is a moment, not a day)."""
    return isinstance(value, date) and not isinstance(value, datetime)


def text(
    value: Any,
    key: str,
    errors: dict[str, str],
    *,
    limit: int,
    required: str | None = None,
    multiline: bool = False,
) -> str | None:
    """A trimmed string (``None`` when empty); ``required`` is the message when missing.

    One line collapses its runs of spaces; ``multiline`` only trims the ends."""
    if value is not None and not isinstance(value, str):
        errors[key] = _("Enter text.")
        return None
    value = (value or "").strip() if multiline else " ".join((value or "").split())
    if not value:
        if required:
            errors[key] = required
        return None
    if len(value) > limit:
        errors[key] = _("Use at most %(n)d characters.", n=limit)
        return None
    return value


def _form_number(value: str) -> float | str | None:
    """A form's text as a number ("1 234,5" → 1234.5), ``None`` when blank, else unchanged."""
    value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", "")
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return value


def number(
    value: Any,
    key: str,
    errors: dict[str, str],
    *,
    required: str | None = None,
    low: float = -NUMBER_MAX,
    high: float = NUMBER_MAX,
    from_form: bool = False,
    out_of_range: str | None = None,
    not_finite: str | None = None,
) -> float | None:
    """A finite number within ``low``–``high``.

    ``from_form`` reads a string as an HTML form sends it; otherwise a string is refused.
    ``out_of_range`` and ``not_finite`` replace the standard messages for those refusals."""
    if from_form and isinstance(value, str):
        value = _form_number(value)
    if value is None:
        if required:
            errors[key] = required
        return None
    if not is_number(value):
        errors[key] = _("Enter a number.")
        return None
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        result = math.inf
    if not math.isfinite(result):
        errors[key] = not_finite or _("Enter a number.")
        return None
    if not low <= result <= high:
        errors[key] = out_of_range or _(
            "Enter a number between %(low)s and %(high)s.",
            low=_short(low),
            high=_short(high),
        )
        return None
    return result


def _short(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1e6 else f"{value:,.0f}"


def iso_date(
    value: Any, key: str, errors: dict[str, str], *, required: str | None = None
) -> date | None:
    """A date from a ``date`` or an ISO 8601 string (exactly YYYY-MM-DD)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        raw = value.strip()
        try:
            # Exactly YYYY-MM-DD: fromisoformat alone would also take "20270131".
            if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
                return date.fromisoformat(raw)
        except ValueError:
            pass
        errors[key] = _("Enter a date as YYYY-MM-DD.")
        return None
    if value in (None, ""):
        if required:
            errors[key] = required
        return None
    errors[key] = _("Enter a date as YYYY-MM-DD.")
    return None


def choice(
    value: Any,
    key: str,
    errors: dict[str, str],
    *,
    options: Collection[str],
    message: str,
    default: str | None = None,
) -> str | None:
    """One of ``options``; with a ``default``, a missing or blank value takes it."""
    if value in (None, "") and default is not None:
        return default
    if not isinstance(value, str) or value not in options:
        errors[key] = message
        return None
    return value


def unknown_fields(
    data: Mapping[str, Any], allowed: Collection[str], errors: dict[str, str]
) -> None:
    """Refuse every key of ``data`` outside ``allowed``, one message each."""
    for key in sorted(set(data) - set(allowed)):
        errors[str(key)] = _("Unknown field.")
