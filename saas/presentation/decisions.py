"""Leadership decisions ready for a template: the shared ``templates/_decisions.html`` macro
turns each into its translated sentence, on the brand overview and in the board report.

Every figure is formatted here for the locale (numbers, percentages, dates, network and KPI
words) and isolated, so a Latin name or a "14–90" range keeps its order inside Arabic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import force_locale

from saas.domain.decisions import Decision
from saas.i18n import gettext as _
from saas.presentation.bidi import isolate_ranges
from saas.presentation.labels.goals import PRIORITY_LABELS
from saas.presentation.labels.plans import KPI_LABELS, NETWORK_LABELS, OBJECTIVE_LABELS
from saas.presentation.names import RTL_LOCALES, quoted_names

_LRI, _FSI, _PDI = "\u2066", "\u2068", "\u2069"


def _ltr(text: str) -> str:
    """Numbers, ranges and figure chains read left to right, even inside Arabic."""
    return f"{_LRI}{text}{_PDI}"


def _word(labels: Mapping[str, Any], key: Any, locale: str) -> str:
    """A vocabulary word for use inside a sentence (lower case in English)."""
    word = str(labels.get(key, key or ""))
    return word.lower() if locale == "en" else word


def _network(key: Any) -> str:
    return f"{_FSI}{NETWORK_LABELS.get(key, key)}{_PDI}"


class _Fmt:
    def __init__(self, locale: str):
        self.locale = locale
        self.rtl = locale in RTL_LOCALES

    def num(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        return _ltr(format_decimal(value, format="#,##0.##", locale=self.locale))

    def pct(self, value: float | int | None) -> str:
        """A percentage, rounded (the PDF's "12 %" and the landing's agree)."""
        number = format_decimal(round(value or 0), format="#,##0", locale=self.locale)
        return _ltr(_("%(percent)s%%", percent=number))

    def day(self, value: date | None) -> str:
        return format_date(value, "medium", locale=self.locale) if value else "—"

    def chain(self, f: Mapping[str, Any]) -> str:
        """Baseline → latest → target (with the unit), the arrow pointing the reading way."""
        arrow = " ← " if self.rtl else " → "
        parts = [self.num(f.get("baseline")), self.num(f.get("latest")), self.num(f.get("target"))]
        text = arrow.join(parts)
        unit = str(f.get("unit") or "").strip()
        return f"{text} {_FSI}{unit}{_PDI}" if unit else text

    def range(self, low: Any, high: Any) -> str:
        return _ltr(
            f"{format_decimal(low, locale=self.locale)}–{format_decimal(high, locale=self.locale)}"
        )


def _kpi_list(keys: Any, locale: str) -> str:
    words = [_word(KPI_LABELS, k, locale) for k in keys or ()]
    return format_list(words, style="or", locale=locale) if words else ""


def _missing(keys: Any, locale: str) -> str:
    words = {"kpi": _("a KPI"), "baseline": _("a baseline"), "target": _("a target")}
    return format_list([str(words.get(k, k)) for k in keys or ()], locale=locale)


def _one(d: Decision, fmt: _Fmt) -> dict[str, Any]:
    f = d.figures
    locale = fmt.locale
    out: dict[str, Any] = {
        "kind": d.kind,
        "n": d.n,
        "name": quoted_names([isolate_ranges(n) for n in d.names], locale),
        "variant": "",
    }
    if d.kind in ("fund_goal", "catch_up", "at_risk"):
        out.update(
            priority=_word(PRIORITY_LABELS, f.get("priority"), locale),
            chain=fmt.chain(f),
            target=fmt.num(f.get("target")),
            percent=fmt.pct(f.get("percent_complete")),
            elapsed=fmt.pct(f.get("percent_elapsed")),
            due=fmt.day(f.get("due")),
        )
    elif d.kind == "move_budget":
        out.update(
            network=_network(f.get("network")),
            to_network=_network(f.get("to_network")),
            share=fmt.pct(f.get("share")),
            to_share=fmt.pct(f.get("to_share")),
            audience=quoted_names([isolate_ranges(str(f.get("audience", "")))], locale),
            budget=fmt.num(f.get("budget")) if f.get("budget") else "",
        )
        out["variant"] = "budget" if out["budget"] else ""
    elif d.kind == "link_campaign":
        out["budget"] = fmt.num(f.get("budget")) if f.get("budget") else ""
        out["variant"] = "budget" if out["budget"] else ""
    elif d.kind == "fix_duration":
        out.update(
            days=fmt.num(f.get("days")),
            min_days=fmt.num(f.get("min_days")),
            max_days=fmt.num(f.get("max_days")),
            range=fmt.range(f.get("min_days"), f.get("max_days")),
            objective=_word(OBJECTIVE_LABELS, f.get("objective"), locale),
        )
        out["variant"] = str(f.get("direction", "shorten"))
    elif d.kind == "fix_kpi":
        rule = f.get("rule")
        out["variant"] = {"story_focus": "story", "kpi_not_measurable": "measurable"}.get(
            str(rule), "mismatch"
        )
        out.update(
            kpi=_word(KPI_LABELS, f.get("kpi"), locale),
            expected=_kpi_list(f.get("expected"), locale),
            objective=_word(OBJECTIVE_LABELS, f.get("objective"), locale),
            missing=_missing(f.get("missing"), locale),
        )
    return out


def for_template(decisions: list[Decision], locale: str) -> list[dict[str, Any]]:
    """Each decision's subject quoted and isolated and its figures formatted for ``locale``."""
    fmt = _Fmt(locale)
    with force_locale(locale):
        return [_one(d, fmt) for d in decisions]
