"""Translated words for a report's status and language (colour classes travel with a word)."""

from __future__ import annotations

from saas.i18n import lazy_gettext as _l

STATUS_LABELS = {
    "queued": _l("Queued"),
    "rendering": _l("Rendering"),
    "ready": _l("Ready"),
    "failed": _l("Failed"),
}
STATUS_BADGES = {
    "queued": "badge-muted",
    "rendering": "badge-warn",
    "ready": "badge-ok",
    "failed": "badge-bad",
}
LOCALE_LABELS = {"en": _l("English"), "ar": _l("Arabic")}
