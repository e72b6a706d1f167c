"""The session page's responses panel: each attendee's answer to the invitation and when,
with the counts an organiser looks at first (accepted, tentative, declined, no answer)."""

from __future__ import annotations

from typing import Any

from saas.i18n import lazy_gettext as _l
from saas.models import Brand, StrategySession

# answer -> (badge class, words); colour is never the only signal.
ANSWER_BADGES: dict[str, tuple[str, Any]] = {
    "accepted": ("badge-ok", _l("Accepted")),
    "tentative": ("badge-warn", _l("Tentative")),
    "declined": ("badge-bad", _l("Declined")),
    "needs_action": ("badge-muted", _l("No answer yet")),
}
ORDER = ("accepted", "tentative", "declined", "needs_action")


def panel(session: StrategySession, brand: Brand) -> dict[str, Any]:
    """Template context for ``templates/sessions/_responses.html`` on the session page.

    Keys start with ``responses`` so they never clash with the page's own context.  Reads
    only ``session.attendees``, which the page loads with the session."""
    rows = []
    counts = dict.fromkeys(ORDER, 0)
    for attendee in session.attendees:
        answer = attendee.rsvp if attendee.rsvp in ANSWER_BADGES else "needs_action"
        counts[answer] += 1
        badge, label = ANSWER_BADGES[answer]
        rows.append(
            {
                "name": attendee.name or attendee.email,
                "email": attendee.email,
                "part": attendee.part,
                "answer": answer,
                "badge": badge,
                "label": label,
                "responded_at": attendee.responded_at if answer != "needs_action" else None,
            }
        )
    rows.sort(key=lambda r: (ORDER.index(r["answer"]), str(r["name"]).lower()))
    return {
        "responses": rows,
        "responses_counts": [
            {
                "answer": a,
                "count": counts[a],
                "badge": ANSWER_BADGES[a][0],
                "label": ANSWER_BADGES[a][1],
            }
            for a in ORDER
        ],
        "responses_total": len(rows),
        "responses_cancelled": session.status == "cancelled",
    }
