"""Translated words for reviews: verdicts, severities, finding states, matrix strengths,
and the engine's rules by name.

Colour classes always travel with a word (or a symbol and a word), never alone.  A rule id
(``calendar_gap``) is for machines: people read its name, the id is at most a tooltip.
"""

from __future__ import annotations

from flask_babel import get_locale

from saas.domain.alignment import messages
from saas.i18n import lazy_gettext as _l

VERDICT_LABELS = {
    "aligned": _l("Aligned"),
    "needs_changes": _l("Needs changes"),
    "misaligned": _l("Misaligned"),
}
VERDICT_BADGES = {"aligned": "badge-ok", "needs_changes": "badge-warn", "misaligned": "badge-bad"}

SEVERITY_LABELS = {"error": _l("Error"), "warning": _l("Warning"), "info": _l("Note")}
SEVERITY_BADGES = {"error": "badge-bad", "warning": "badge-warn", "info": "badge-muted"}

STATE_LABELS = {"open": _l("To decide"), "accepted": _l("Accepted"), "dismissed": _l("Dismissed")}
STATE_BADGES = {"open": "badge-warn", "accepted": "badge-ok", "dismissed": "badge-muted"}

REVIEW_STATUS_LABELS = {"open": _l("In progress"), "completed": _l("Completed")}

STRENGTH_SYMBOLS = {"strong": "●", "partial": "◐", "none": "○"}
STRENGTH_LABELS = {"strong": _l("strong"), "partial": _l("partial"), "none": _l("none")}


def rule_label(rule: str, locale: str | None = None) -> str:
    """The rule's name in the locale (the current one by default), as on the methodology
    page; a rule the engine no longer knows reads as a generic word, never as its id."""
    try:
        return messages.rule_name(rule, locale or str(get_locale() or "en"))
    except KeyError:
        return str(_l("Other check"))


ALL = {
    "VERDICT_LABELS": VERDICT_LABELS,
    "VERDICT_BADGES": VERDICT_BADGES,
    "SEVERITY_LABELS": SEVERITY_LABELS,
    "SEVERITY_BADGES": SEVERITY_BADGES,
    "STATE_LABELS": STATE_LABELS,
    "STATE_BADGES": STATE_BADGES,
    "REVIEW_STATUS_LABELS": REVIEW_STATUS_LABELS,
    "STRENGTH_SYMBOLS": STRENGTH_SYMBOLS,
    "STRENGTH_LABELS": STRENGTH_LABELS,
    "rule_label": rule_label,
}
