"""The fixed words of leadership sessions: what kind, who takes which part, where it stands.

Ids only (stable in the database, the API and the message catalogue); labels in English and
Arabic live with the presentation layer.
"""

from __future__ import annotations

from .errors import SchedulingError

KINDS = (
    "quarterly_business_review",
    "campaign_kickoff",
    "strategy_workshop",
    "training",
    "ad_hoc",
)

# A person's part in this session, not their Tandem role: a client leader may attend a
# training as a guest, an outside adviser may lead a workshop.
PARTS = ("leader", "senior_social", "consultant", "guest")

# ``done`` means the minutes are recorded; a cancelled session keeps its row (and its ICS UID)
# so the CANCEL message can name it.
STATUSES = ("scheduled", "done", "cancelled")

MAX_ATTENDEES = 100
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 480  # a working day; longer is a typo, not a session


def check_kind(kind: object, *, field: str = "kind") -> str:
    """``kind`` if it is one of ``KINDS``, else ``SchedulingError`` ``invalid_kind``."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise SchedulingError(
            f"Choose one of: {', '.join(KINDS)}.",
            field=field,
            code="invalid_kind",
            params={"choices": KINDS},
        )
    return kind


def check_status(status: object, *, field: str = "status") -> str:
    """``status`` if it is one of ``STATUSES``, else ``SchedulingError`` ``invalid_status``."""
    if not isinstance(status, str) or status not in STATUSES:
        raise SchedulingError(
            f"Choose one of: {', '.join(STATUSES)}.",
            field=field,
            code="invalid_status",
            params={"choices": STATUSES},
        )
    return status
