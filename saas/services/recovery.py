"""Recovery: every kind of background work that can get stuck, and one call to unstick it all.

The database row is the truth and the RQ job only a way to get it done (``worker.queue``).
When a job is lost (Redis restarted empty, an enqueue failed after the commit) or dies
(``kill -9``, out of memory, a lost machine), its row stays behind: an email ``queued`` or
``sending``, a report ``queued`` or ``rendering``, a reminder or a scheduled report due but
not sent.  Each kind of work registers here one function that finds its stuck rows and
enqueues them again (or fails them with a reason); ``requeue_all`` runs them all.

It is run by the sweeper (``worker.sweeper.sweep``, a periodic task on every worker) and by
``flask --app saas jobs requeue-stale`` (by hand, or from cron).

A kind's function is called as ``func(older_than_minutes)`` and must:

* be idempotent and safe beside itself (the sweeper and cron may run at once): it never
  sends or renders twice, and leaves alone a sent email, a ready report, a row whose job is
  still waiting or running;
* treat work as stuck only after ``older_than_minutes`` of waiting (its job may simply be
  on the way), except where it can tell for sure that the job died;
* enter the tenant scope it needs, flush its changes there, and return how many rows it
  re-enqueued, failed or sent.  ``requeue_all`` commits each kind on its own, so one
  kind's failure undoes none of the others.

A later feature registers its own kind, from its service module or at the foot of this one::

    recovery.register("invoices", "saas.services.invoices.requeue_stuck", label="invoice(s)")
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from saas.extensions import db
from saas.services.mail import requeue_stale
from saas.transactions import commit_now
from tenants.context import system_scope
from worker.queue import resolve

log = logging.getLogger(__name__)

Recover = Callable[[float], int]


@dataclass(frozen=True)
class Kind:
    name: str
    func: Recover | str  # a callable, or the dotted path of one (imported when first run)
    label: str  # for people: "email(s)", "report(s)"

    def run(self, older_than_minutes: float) -> int:
        func = self.func
        if isinstance(func, str):
            func = resolve(func)
        return int(func(older_than_minutes))


class RecoveryFailed(Exception):  # noqa: N818 - reads better at the call site
    """Some kinds failed; ``counts`` has the others, ``failed`` the errors by kind."""

    def __init__(self, counts: dict[str, int], failed: dict[str, BaseException]):
        super().__init__(", ".join(f"{k}: {type(e).__name__}: {e}" for k, e in failed.items()))
        self.counts = counts
        self.failed = failed


_KINDS: dict[str, Kind] = {}


def register(name: str, func: Recover | str, *, label: str | None = None) -> None:
    """Add (or replace) the kind ``name``; kinds run in the order they were first registered."""
    _KINDS[name] = Kind(name=name, func=func, label=label or name)


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def requeue_all(older_than_minutes: float = 10) -> dict[str, int]:
    """Run every kind's recovery.  Returns ``{kind: count}`` in registration order.

    One kind's failure does not stop the others: each runs, and then ``RecoveryFailed``
    carries the counts of those that worked and the errors of those that did not.
    """
    counts: dict[str, int] = {}
    failed: dict[str, BaseException] = {}
    for kind in kinds():
        try:
            counts[kind.name] = kind.run(older_than_minutes)
            commit_now("each kind of recovery is its own unit: a later failure keeps it")
        except Exception as error:  # noqa: BLE001 - reported below, after the other kinds
            counts.pop(kind.name, None)
            db.session.rollback()
            log.exception("recovery of %s failed", kind.name)
            failed[kind.name] = error
    if failed:
        raise RecoveryFailed(counts, failed)
    return counts


def _emails(older_than_minutes: float) -> int:
    """Outbox messages still ``queued`` or ``sending`` (their job was lost or died)."""

    # requeue_stale reads every agency's outbox and enqueues each message with its own
    # agency id; the delivery job re-enters that tenant's scope, and leaves a sent
    # message alone (and holds a lease, so two deliveries never run at once).
    with system_scope():
        return requeue_stale(older_than_minutes=older_than_minutes)


register("emails", _emails, label="email(s)")
register("reports", "saas.services.reports.requeue_stuck", label="report(s)")
register("reminders", "saas.services.reminders.send_overdue", label="reminder email(s)")
register(
    "report_schedules", "saas.services.report_schedules.run_overdue", label="scheduled report(s)"
)

# Outcomes of a session reminder that did nothing (``reminding.deliver``).
_NOTHING_DONE = frozenset({"stale", "taken", "early"})


def _session_reminders(older_than_minutes: float) -> int:
    """Session reminders due and still ``scheduled``: their scheduled job was lost (Redis
    lost it, the in-process timer restarted).  Sent within the grace, skipped as missed
    beyond it, through the same claim as the job, so nothing is sent twice.  A reminder has
    an exact due time, so ``older_than_minutes`` does not apply: it is late once due."""
    from saas.services.strategy_sessions import reminding

    outcomes = reminding.send_due()
    return sum(n for outcome, n in outcomes.items() if outcome not in _NOTHING_DONE)


register("session_reminders", _session_reminders, label="session reminder(s)")
