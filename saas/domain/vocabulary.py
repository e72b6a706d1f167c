"""The planning vocabulary shared by the engine, the services and the API (snake_case ids).

Pure Python: labels for people live in the web layer (translated); these are stable ids.
"""

from __future__ import annotations

NETWORKS = (
    "instagram",
    "tiktok",
    "x",
    "facebook",
    "linkedin",
    "youtube",
    "snapchat",
    "pinterest",
    "threads",
    "whatsapp",
)

FORMATS = ("post", "story", "short_video", "long_video", "live", "ad", "carousel", "message")

OBJECTIVES = (
    "awareness",
    "engagement",
    "traffic",
    "leads",
    "conversions",
    "customer_care",
    "community",
)

KPIS = (
    "views",
    "reach",
    "impressions",
    "replies",
    "comments",
    "shares",
    "engagement_rate",
    "visits",
    "link_clicks",
    "leads",
    "conversions",
    "revenue",
    "response_time",
    "resolution_rate",
    "followers",
    "community_growth",
)

CALENDAR_STATUSES = ("planned", "drafted", "approved", "scheduled", "published")
