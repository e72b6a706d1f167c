"""revisions by review cycle: one working draft per cycle, numbers count submissions

Revision ID: 0005_revision_cycles
Revises: 0004_sessions_and_account_mail
Create Date: 2026-12-02 13:20:00

Before this, after a plan's first submission every save froze a new revision, so three
edits after "changes requested" made three revisions nobody had submitted.  Now a plan has
one working draft per review cycle (``frozen`` false, edited in place) and submitting
freezes it (``saas.services.plans.revisions``).

Schema: ``plan_revisions.submitted_at``, when a revision was submitted (null for drafts).

Data, renumbering nothing: reviews, reports, audit rows, exported files and links name
revisions by number, and rewriting what people already saw is worse than a gap.

1. ``submitted_at`` is backfilled from the audit trail: each ``plan.transition`` event to
   "submitted" submitted the plan's latest revision created at or before that moment (the
   first such event wins); the plan's own ``submitted_at`` stands in for its last
   submission when those audit rows are missing.
2. A plan that is editable again and not waiting for its review (status ``draft`` or
   ``changes_requested``) whose latest revision is frozen, was never submitted and has no
   review gets that revision unfrozen: it holds the latest changes and becomes the cycle's
   working draft, so the next save updates it and submitting freezes it.  Earlier
   revisions the old rule froze on every save stay frozen and keep their numbers; they
   show as "Frozen" (not "Submitted") in the history.

Downgrade drops the column and freezes every draft of a plan that was submitted once (the
old rule: only a never-submitted plan has an unfrozen revision).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_revision_cycles"
down_revision = "0004_sessions_and_account_mail"
branch_labels = None
depends_on = None

# Statuses in which the old rule left a frozen, never-submitted revision on top.
REOPENED = ("draft", "changes_requested")

plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("submitted_at", sa.DateTime),
)
revisions = sa.table(
    "plan_revisions",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("frozen", sa.Boolean),
    sa.column("created_at", sa.DateTime),
    sa.column("submitted_at", sa.DateTime),
)
reviews = sa.table("reviews", sa.column("revision_id", sa.Integer))
audit_events = sa.table(
    "audit_events",
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("details", sa.JSON),
    sa.column("created_at", sa.DateTime),
)


def cycle_changes(
    plan_rows: Mapping[int, tuple[str, datetime | None]],
    revision_rows: Iterable[tuple[int, int, int, bool, datetime]],
    reviewed: set[int],
    submissions: Iterable[tuple[int, datetime]],
) -> tuple[dict[int, datetime], set[int]]:
    """The data step, pure so it is tested without a database.

    ``plan_rows``: plan id → (status, submitted_at); ``revision_rows``: (id, plan id,
    number, frozen, created_at); ``reviewed``: ids of revisions with a review;
    ``submissions``: (plan id, when) of each audited submission.  Returns the
    ``submitted_at`` to set per revision id and the revision ids to unfreeze.
    """
    by_plan: dict[int, list[tuple[int, int, bool, datetime]]] = {}
    for rev_id, plan_id, number, frozen, created_at in revision_rows:
        by_plan.setdefault(plan_id, []).append((number, rev_id, bool(frozen), created_at))
    for rows in by_plan.values():
        rows.sort()
    frozen_ids = {rev_id for rows in by_plan.values() for _n, rev_id, frozen, _c in rows if frozen}

    events = list(submissions)
    events += [(pid, at) for pid, (_status, at) in plan_rows.items() if at is not None]
    submitted: dict[int, datetime] = {}
    for plan_id, at in sorted(events, key=lambda e: e[1]):
        before = [row for row in by_plan.get(plan_id, []) if row[3] <= at]
        if not before:
            continue
        rev_id = before[-1][1]  # the latest revision then was the one submitted
        if rev_id in frozen_ids:  # submitting froze it; anything else is not a submission
            submitted.setdefault(rev_id, at)

    unfreeze = set()
    for plan_id, (status, _at) in plan_rows.items():
        rows = by_plan.get(plan_id)
        if status not in REOPENED or not rows:
            continue
        _number, rev_id, frozen, _created = rows[-1]
        if frozen and rev_id not in reviewed and rev_id not in submitted:
            unfreeze.add(rev_id)
    return submitted, unfreeze


def _submission_events(conn: sa.Connection) -> list[tuple[int, datetime]]:
    rows = conn.execute(
        sa.select(audit_events.c.object_id, audit_events.c.details, audit_events.c.created_at)
        .where(audit_events.c.action == "plan.transition")
        .where(audit_events.c.object_type == "Plan")
    )
    return [
        (plan_id, at)
        for plan_id, details, at in rows
        if plan_id is not None and isinstance(details, dict) and details.get("to") == "submitted"
    ]


def upgrade() -> None:
    with op.batch_alter_table("plan_revisions") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))

    conn = op.get_bind()
    plan_rows = {
        pid: (status, at)
        for pid, status, at in conn.execute(
            sa.select(plans.c.id, plans.c.status, plans.c.submitted_at)
        )
    }
    if not plan_rows:
        return
    revision_rows = [
        tuple(row)
        for row in conn.execute(
            sa.select(
                revisions.c.id,
                revisions.c.plan_id,
                revisions.c.number,
                revisions.c.frozen,
                revisions.c.created_at,
            )
        )
    ]
    reviewed = {rid for (rid,) in conn.execute(sa.select(reviews.c.revision_id).distinct())}
    submitted, unfreeze = cycle_changes(
        plan_rows, revision_rows, reviewed, _submission_events(conn)
    )
    for rev_id, at in submitted.items():
        conn.execute(
            revisions.update().where(revisions.c.id == rev_id).values(submitted_at=at)
        )
    if unfreeze:
        conn.execute(
            revisions.update().where(revisions.c.id.in_(sorted(unfreeze))).values(frozen=False)
        )


def downgrade() -> None:
    conn = op.get_bind()
    once_submitted = sa.select(plans.c.id).where(plans.c.submitted_at.is_not(None))
    conn.execute(
        revisions.update()
        .where(revisions.c.frozen == sa.false())
        .where(revisions.c.plan_id.in_(once_submitted))
        .values(frozen=True)
    )
    with op.batch_alter_table("plan_revisions") as batch:
        batch.drop_column("submitted_at")
