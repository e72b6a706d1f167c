"""Validating one rule's setting: each field of the right kind and in range, or a message.

Numbers come from the API as numbers and from forms as text (a decimal comma reads as a
point); blanks mean "inherit".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from saas.domain.alignment.rules import RULES, SEVERITIES
from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.services.methodology.layers import Layer

WEIGHT_MIN, WEIGHT_MAX = 0.0, 10.0
PERCENT_MIN, PERCENT_MAX = 0.0, 100.0
DAYS_MIN, DAYS_MAX = 1, 730


def _number(value: Any) -> float | None:
    """A finite number from a number or a form string; ``None`` for blank; raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _whole_days(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if number != int(number):
        raise ValueError("not whole")
    return int(number)


def _check_enabled(value: Any, fields: dict[str, str]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    fields["enabled"] = _("Choose on, off or inherit.")
    return None


def _check_severity(value: Any, fields: dict[str, str]) -> str | None:
    if value is None or value == "":
        return None
    if value in SEVERITIES:
        return value
    fields["severity"] = _("Choose error, warning or info.")
    return None


def _check_weight(value: Any, fields: dict[str, str]) -> float | None:
    try:
        weight = _number(value)
    except (TypeError, ValueError):
        weight = math.nan
    if weight is not None and not WEIGHT_MIN <= weight <= WEIGHT_MAX:  # NaN fails too
        fields["weight"] = _(
            "Enter a weight from %(min)s to %(max)s, or leave it empty to inherit.",
            min=int(WEIGHT_MIN),
            max=int(WEIGHT_MAX),
        )
        return None
    return weight


def _check_params(rule_id: str, params: Any, fields: dict[str, str]) -> dict[str, Any]:
    """Only the parameters the rule declares, each of the right kind and in range."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        fields["params"] = _("These settings are not in the expected form.")
        return {}
    declared = RULES[rule_id].params
    clean: dict[str, Any] = {}
    for name, value in params.items():
        key = f"params.{name}"
        if name not in declared:
            fields[key] = _("This rule has no setting called %(name)s.", name=str(name)[:40])
        elif name == "threshold_percent":
            try:
                number = _number(value)
            except (TypeError, ValueError):
                number = math.nan
            if number is not None and not PERCENT_MIN <= number <= PERCENT_MAX:
                fields[key] = _("Enter a percentage from 0 to 100, or leave it empty to inherit.")
            elif number is not None:
                clean[name] = number
        elif name == "min_rating":
            try:
                rating = _whole_days(value)
            except (TypeError, ValueError):
                rating = math.nan
            if rating is not None and not 1 <= rating <= 4:
                fields[key] = _("Enter a rating from 1 to 4, or leave it empty to inherit.")
            elif rating is not None:
                clean[name] = int(rating)
        elif name == "ranges":
            ranges = _check_ranges(declared[name], value, key, fields)
            if ranges:
                clean[name] = ranges
        else:  # whole days (max_gap_days and any later "..._days" parameter)
            try:
                days: float | None = _whole_days(value)
            except (TypeError, ValueError):
                days = math.nan
            if days is not None and not DAYS_MIN <= days <= DAYS_MAX:
                fields[key] = _(
                    "Enter a whole number of days from %(min)d to %(max)d, or leave it empty "
                    "to inherit.",
                    min=DAYS_MIN,
                    max=DAYS_MAX,
                )
            elif days is not None:
                clean[name] = int(days)
    return clean


def _check_ranges(
    declared: Mapping[str, Any], value: Any, key: str, fields: dict[str, str]
) -> dict[str, list[int]]:
    """``{objective: [min, max]}`` in whole days; a half-filled pair inherits the other end."""
    if not isinstance(value, Mapping):
        fields[key] = _("These settings are not in the expected form.")
        return {}
    clean: dict[str, list[int]] = {}
    for objective, pair in value.items():
        where = f"{key}.{objective}"
        if objective not in declared:
            fields[where] = _("Unknown objective %(name)s.", name=str(objective)[:40])
            continue
        if pair is None:
            continue
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            fields[where] = _("Enter the shortest and the longest duration in days.")
            continue
        try:
            low, high = (_whole_days(v) for v in pair)
        except (TypeError, ValueError):
            fields[where] = _(
                "Enter whole numbers of days from %(min)d to %(max)d.", min=DAYS_MIN, max=DAYS_MAX
            )
            continue
        if low is None and high is None:
            continue
        low = declared[objective][0] if low is None else low
        high = declared[objective][1] if high is None else high
        if not (DAYS_MIN <= low <= DAYS_MAX and DAYS_MIN <= high <= DAYS_MAX):
            fields[where] = _(
                "Enter whole numbers of days from %(min)d to %(max)d.", min=DAYS_MIN, max=DAYS_MAX
            )
        elif low > high:
            fields[where] = _("The shortest duration cannot be longer than the longest.")
        else:
            clean[str(objective)] = [low, high]
    return clean


def validate(
    rule: str, *, enabled: Any = None, severity: Any = None, weight: Any = None, params: Any = None
) -> Layer:
    """A clean ``Layer`` or ``ValidationFailed`` with per-field messages (``params.<name>``)."""
    if rule not in RULES:
        msg = _("Unknown rule.")
        raise ValidationFailed(msg, {"rule": msg})
    fields: dict[str, str] = {}
    layer = Layer(
        enabled=_check_enabled(enabled, fields),
        severity=_check_severity(severity, fields),
        weight=_check_weight(weight, fields),
        params=_check_params(rule, params, fields),
    )
    if fields:
        raise ValidationFailed(_("Please correct the highlighted fields."), fields)
    return layer
