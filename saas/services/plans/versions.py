"""Optimistic concurrency: two people editing the same plan at once.

Every plan carries ``version``.  A save of its content (``save_revision``) and a workflow
transition first claim the next version with a compare-and-set UPDATE::

    UPDATE plans SET version = version + 1 WHERE id = :id AND version = :expected

One row changed: this save owns version ``expected + 1`` and goes on.  None: someone saved
in between, and the save is refused with ``EditConflict`` (409 ``edit_conflict``) before it
writes anything else.  The claim is the save's first write, so on PostgreSQL it also takes
the plan's row lock: a concurrent save carrying the same version waits for this one to
commit, then finds the version moved on and is refused (READ COMMITTED re-checks the WHERE
on the committed row); SQLite serialises writers, with the same outcome.

``expected`` is what the person saw (the API's optional ``version``, the web forms' hidden
field); without one, the version this request loaded, so even clients that send none can
never have two saves from one state both succeed.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from saas.extensions import db
from saas.i18n import gettext as _
from saas.models import Plan
from saas.services.errors import Conflict


class EditConflict(Conflict):
    """The plan changed since the person loaded it; ``current_version`` is what is saved."""

    code = "edit_conflict"

    def __init__(self, current_version: int):
        super().__init__(
            _(
                "Someone else saved this plan after you opened it. "
                "Nothing was saved: compare your changes with the saved plan and try again."
            ),
            code="edit_conflict",
        )
        self.current_version = current_version
        self.extra = {"current_version": current_version}


def parse_version(raw: object) -> int | None:
    """A version from a form field: a positive whole number, else None (not sent)."""
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text) or None


def claim_version(plan: Plan, expected: int | None) -> int:
    """Move the plan from version ``expected`` (or the loaded one) to the next, atomically;
    ``EditConflict`` when the saved version is another.  Returns the new version."""
    basis = plan.version if expected is None else expected
    result = db.session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.version == basis)
        .values(version=Plan.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = db.session.scalar(select(Plan.version).where(Plan.id == plan.id))
        raise EditConflict(current if current is not None else plan.version)
    set_committed_value(plan, "version", basis + 1)
    return basis + 1


def reload(plan: Plan) -> Plan:
    """The plan as committed now (after a conflict: what the other person saved)."""
    db.session.refresh(plan)
    return plan
