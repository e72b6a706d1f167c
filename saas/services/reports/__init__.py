"""PDF alignment reports: request, render (the job body), store, share, sweep.

The ``Report`` row is the truth; the queued job is only a way to get it rendered.  A
render that dies with its worker leaves the row in ``rendering`` past ``deadline_at``;
``fail_stuck`` (run by the sweeper) re-queues it or fails it with a reason.

One module per use case: ``queries`` (who sees what, where the PDF is), ``requests``,
``jobs`` (the queue, time limits, lease), ``rendering``, ``delivery`` (the ready email),
``sweeper`` and ``shares``.
"""

from __future__ import annotations

from saas.services.reports.delivery import notify_ready, report_url
from saas.services.reports.jobs import (
    DEADLINE_MARGIN_SECONDS,
    JOB,
    MAX_ATTEMPTS,
    lease_name,
)
from saas.services.reports.jobs import deadline as _deadline
from saas.services.reports.jobs import enqueue as _enqueue
from saas.services.reports.jobs import timeout as _timeout
from saas.services.reports.queries import (
    LOCALES,
    PENDING,
    can_request,
    client_may_see,
    download_name,
    file_for,
    reports_dir,
    reports_query,
    visible_to,
)
from saas.services.reports.rendering import render
from saas.services.reports.requests import (
    MAX_PERIOD_DAYS,
    eligible_recipients,
    normalise_sections,
    queue_report,
    request_report,
    sections_error,
)
from saas.services.reports.shares import (
    SHARE_MAX_DAYS,
    create_share,
    find_share,
    list_shares,
    open_share,
    revoke_share,
    share_is_live,
)
from saas.services.reports.sweeper import (
    LOST_JOB_GRACE,
    QUEUED_STALE_AFTER,
    fail_stuck,
    requeue_stuck,
)

__all__ = [
    "DEADLINE_MARGIN_SECONDS",
    "JOB",
    "LOCALES",
    "LOST_JOB_GRACE",
    "MAX_ATTEMPTS",
    "MAX_PERIOD_DAYS",
    "PENDING",
    "QUEUED_STALE_AFTER",
    "SHARE_MAX_DAYS",
    "_deadline",
    "_enqueue",
    "_timeout",
    "can_request",
    "client_may_see",
    "create_share",
    "download_name",
    "eligible_recipients",
    "fail_stuck",
    "file_for",
    "find_share",
    "lease_name",
    "list_shares",
    "normalise_sections",
    "sections_error",
    "notify_ready",
    "queue_report",
    "open_share",
    "render",
    "report_url",
    "reports_dir",
    "reports_query",
    "request_report",
    "requeue_stuck",
    "revoke_share",
    "share_is_live",
    "visible_to",
]
