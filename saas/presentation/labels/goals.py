"""Translated words for goal priorities, statuses and progress (ids stay in the services)."""

from __future__ import annotations

from saas.i18n import lazy_gettext as _l

PRIORITY_LABELS = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}

GOAL_STATUS_LABELS = {"active": _l("Active"), "achieved": _l("Achieved"), "dropped": _l("Dropped")}

# Progress against elapsed time (saas.domain.progress); colour always with the word.
PROGRESS_LABELS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "behind": _l("Behind"),
    "achieved": _l("Achieved"),
}
PROGRESS_BADGES = {
    "on_track": "badge-ok",
    "at_risk": "badge-warn",
    "behind": "badge-bad",
    "achieved": "badge-ok",
}
