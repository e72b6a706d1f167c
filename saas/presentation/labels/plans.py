"""Translated labels for the planning vocabulary (ids live in ``saas.domain.vocabulary``).

Shared by every screen that shows a network, format, objective, KPI or plan status, so a
word reads the same everywhere.  Lazy strings: evaluated in the reader's language.
"""

from __future__ import annotations

from saas.i18n import lazy_gettext as _l

NETWORK_LABELS = {
    "instagram": _l("Instagram"),
    "tiktok": _l("TikTok"),
    "x": _l("X"),
    "facebook": _l("Facebook"),
    "linkedin": _l("LinkedIn"),
    "youtube": _l("YouTube"),
    "snapchat": _l("Snapchat"),
    "pinterest": _l("Pinterest"),
    "threads": _l("Threads"),
    "whatsapp": _l("WhatsApp"),
}

FORMAT_LABELS = {
    "post": _l("Post"),
    "story": _l("Story"),
    "short_video": _l("Reel or short video"),
    "long_video": _l("Long video"),
    "live": _l("Live"),
    "ad": _l("Ad"),
    "carousel": _l("Carousel"),
    "message": _l("Message"),
}

OBJECTIVE_LABELS = {
    "awareness": _l("Awareness"),
    "engagement": _l("Engagement"),
    "traffic": _l("Traffic"),
    "leads": _l("Leads"),
    "conversions": _l("Conversions and social commerce"),
    "customer_care": _l("Customer care"),
    "community": _l("Community"),
}

KPI_LABELS = {
    "views": _l("Views"),
    "reach": _l("Reach"),
    "impressions": _l("Impressions"),
    "replies": _l("Replies"),
    "comments": _l("Comments"),
    "shares": _l("Shares"),
    "engagement_rate": _l("Engagement rate"),
    "visits": _l("Visits"),
    "link_clicks": _l("Link clicks"),
    "leads": _l("Leads"),
    "conversions": _l("Conversions"),
    "revenue": _l("Revenue"),
    "response_time": _l("Response time"),
    "resolution_rate": _l("Resolution rate"),
    "followers": _l("Followers"),
    "community_growth": _l("Community growth"),
}

# Plan workflow statuses.
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "archived": _l("Archived"),
}

# Colour class for each status badge (always shown with the word).
STATUS_BADGES = {
    "draft": "badge-muted",
    "submitted": "badge-warn",
    "in_review": "badge-warn",
    "changes_requested": "badge-bad",
    "approved": "badge-ok",
    "archived": "badge-muted",
}

CALENDAR_STATUS_LABELS = {
    "planned": _l("Planned"),
    "drafted": _l("Drafted"),
    "approved": _l("Approved"),
    "scheduled": _l("Scheduled"),
    "published": _l("Published"),
}

# The button text for moving a plan to a status.
ACTION_LABELS = {
    "submitted": _l("Submit for review"),
    "in_review": _l("Start the review"),
    "changes_requested": _l("Request changes"),
    "approved": _l("Approve"),
    "archived": _l("Archive"),
}
