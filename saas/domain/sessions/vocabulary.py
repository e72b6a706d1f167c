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


def choice(value: object, choices: tuple[str, ...], *, field: str, code: str) -> str:
    """``value`` if it is one of ``choices``, else ``SchedulingError`` ``code`` naming them."""
    if not isinstance(value, str) or value not in choices:
        raise SchedulingError(
            f"Choose one of: {', '.join(choices)}.",
            field=field,
            code=code,
            params={"choices": choices},
        )
    return value


def check_kind(kind: object, *, field: str = "kind") -> str:
    return choice(kind, KINDS, field=field, code="invalid_kind")


def check_status(status: object, *, field: str = "status") -> str:
    return choice(status, STATUSES, field=field, code="invalid_status")
