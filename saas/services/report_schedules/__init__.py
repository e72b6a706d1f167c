"""Scheduled reports: a brand's monthly or quarterly alignment report, sent to its leaders.

A schedule holds the next date it runs (``next_run_on``: the first day of a month or a
quarter).  ``run_due`` is called daily by a worker job (``worker.jobs.report_schedules``);
for every due schedule it requests the report for the period that has just ended, through
the same pipeline as a consultant's request (``saas.services.reports``).

``periods`` holds the date arithmetic, ``manage`` the staff's edits, ``running`` the daily
run and its recovery (``run_overdue``), ``held`` the reports kept for a consultant's approval.
"""

from __future__ import annotations

from saas.services.report_schedules.held import (
    approve_held,
    edit_summary,
    held_reports,
    rerender,
)
from saas.services.report_schedules.manage import (
    FREQUENCIES,
    LOCALES,
    brand_leaders,
    clean,
    create,
    deactivate,
    list_for,
    recipients,
    update_schedule,
)
from saas.services.report_schedules.periods import (
    add_periods,
    next_run_after,
    period_start_of,
    previous_period,
)
from saas.services.report_schedules.running import _run_one, run_due, run_overdue

__all__ = [
    "FREQUENCIES",
    "LOCALES",
    "_run_one",
    "add_periods",
    "approve_held",
    "brand_leaders",
    "clean",
    "create",
    "deactivate",
    "edit_summary",
    "held_reports",
    "list_for",
    "next_run_after",
    "period_start_of",
    "previous_period",
    "recipients",
    "rerender",
    "run_due",
    "run_overdue",
    "update_schedule",
]
