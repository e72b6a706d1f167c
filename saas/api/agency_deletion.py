"""API: the agency's deletion with a grace period (owners only).

``POST /agency/deletion`` with the agency's name typed in ``confirm_name`` schedules it
(``AGENCY_DELETION_GRACE_DAYS`` ahead; 409 ``deletion_scheduled`` when it already is);
``GET`` says whether and when; ``DELETE`` restores the agency (409 ``not_scheduled``).
Meanwhile every other write of the agency answers 409 ``agency_deletion_pending``.
"""

from __future__ import annotations

from flask import g
from pydantic import BaseModel, Field

from saas.api.base import UtcDateTime, endpoint
from saas.api.exports import ConfirmName
from saas.services import agency_deletion as service

TAGS = ["agency"]
PERMISSION = "agency.delete"


class DeletionOut(BaseModel):
    scheduled: bool
    due_at: UtcDateTime | None = Field(description="When the agency is deleted (UTC)")
    requested_at: UtcDateTime | None
    requested_by: str | None = Field(description="The name of who asked")


def _out() -> DeletionOut:
    pending = service.pending_of(g.membership.agency)
    if pending is None:
        return DeletionOut(scheduled=False, due_at=None, requested_at=None, requested_by=None)
    return DeletionOut(
        scheduled=True,
        due_at=pending.due_at,
        requested_at=pending.requested_at,
        requested_by=pending.requested_by,
    )


@endpoint(
    "/agency/deletion",
    "GET",
    summary="Whether the agency is scheduled for deletion, and when",
    tags=TAGS,
    response=DeletionOut,
    permission=PERMISSION,
)
def get_agency_deletion() -> DeletionOut:
    return _out()


@endpoint(
    "/agency/deletion",
    "POST",
    summary="Schedule the agency's deletion after the grace period (type its name)",
    tags=TAGS,
    body=ConfirmName,
    response=DeletionOut,
    status=202,
    permission=PERMISSION,
    errors=(409,),
)
def request_agency_deletion(data: ConfirmName) -> tuple[DeletionOut, int]:
    service.request_deletion(g.membership, data.confirm_name)
    return _out(), 202


@endpoint(
    "/agency/deletion",
    "DELETE",
    summary="Restore the agency: cancel its scheduled deletion",
    tags=TAGS,
    response=DeletionOut,
    permission=PERMISSION,
    errors=(409,),
)
def restore_agency() -> DeletionOut:
    service.restore(g.membership)
    return _out()
