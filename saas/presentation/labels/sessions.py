"""Labels of the fixed words of leadership sessions (``saas.domain.sessions.vocabulary``),
shared by the pages, the emails and the report section."""

from saas.i18n import lazy_gettext as _l

KIND_LABELS = {
    "quarterly_business_review": _l("Quarterly business review"),
    "campaign_kickoff": _l("Campaign kick-off"),
    "strategy_workshop": _l("Strategy workshop"),
    "training": _l("Training"),
    "ad_hoc": _l("Ad hoc session"),
}
PART_LABELS = {
    "leader": _l("Leader"),
    "senior_social": _l("Senior social"),
    "consultant": _l("Consultant"),
    "guest": _l("Guest"),
}
STATUS_LABELS = {
    "scheduled": _l("Scheduled"),
    "done": _l("Minutes recorded"),
    "cancelled": _l("Cancelled"),
}
STATUS_BADGES = {"scheduled": "badge-muted", "done": "badge-ok", "cancelled": "badge-bad"}
