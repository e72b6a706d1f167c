"""Whose clock a page shows a session on: the reader's own zone setting, else the browser's
(the ``tz`` cookie ``static/sessions.js`` writes), else the brand's.  One rule for the session
pages and their panels, so every time on one page is on the same clock."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from saas.domain.sessions.times import pick_zone
from saas.models import Brand

TZ_COOKIE = "tz"


def viewer_zone(brand: Brand) -> str:
    return pick_zone(
        getattr(current_user, "timezone", None), request.cookies.get(TZ_COOKIE), brand.timezone
    )


def knows_zone() -> bool:
    """The reader has a zone of their own or their browser told us one."""
    return bool(
        pick_zone(
            getattr(current_user, "timezone", None), request.cookies.get(TZ_COOKIE), default=""
        )
    )
