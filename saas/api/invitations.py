"""API: invitations and members."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ConfigDict, Field

from saas.api.base import PAGE_QUERY, ApiError, Id, endpoint, page_params, page_payload
from saas.extensions import limiter
from saas.models import Membership
from saas.services import invitations as invitation_service
from saas.services import members as member_service
from saas.web.common import get_or_404, paginate
from tenants.context import tenant_scope

RoleName = Literal["owner", "consultant", "client_leader", "client_team"]


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    role: RoleName
    brand_ids: list[Id] = Field(default_factory=list, max_length=200)
    all_brands: bool = False


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=120)
    password: str = Field(min_length=1, max_length=256)


INVITATION_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "role": {"type": "string"},
        "brand_ids": {"type": "array", "items": {"type": "integer"}},
        "all_brands": {"type": "boolean"},
        "expires_at": {"type": "string", "format": "date-time"},
        "accept_url": {"type": "string"},
    },
}

TOKEN_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {"token": {"type": "string"}, "membership_id": {"type": "integer"}},
}

MEMBER_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "user": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string"},
            },
        },
        "role": {"type": "string"},
        "all_brands": {"type": "boolean"},
        "brand_ids": {"type": "array", "items": {"type": "integer"}},
        "joined_at": {"type": "string", "format": "date-time"},
    },
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def member_json(m: Membership) -> dict[str, Any]:
    return {
        "id": m.id,
        "user": {"id": m.user.id, "name": m.user.name, "email": m.user.email},
        "role": m.role,
        "all_brands": m.sees_all_brands,
        "brand_ids": sorted(link.brand_id for link in m.brand_links),
        "joined_at": _iso(m.created_at),
    }


@endpoint(
    "/invitations",
    "POST",
    summary="Invite someone to the agency (emails them a single-use link)",
    tags=["members"],
    body=InvitationIn,
    response=INVITATION_OUT,
    status=201,
    errors=(403, 409, 422),
)
def create_invitation(data: InvitationIn):  # type: ignore[no-untyped-def]
    invitation, raw = invitation_service.invite(
        g.membership, data.email, data.role, data.brand_ids, all_brands=data.all_brands
    )
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "brand_ids": list(invitation.brand_ids),
        "all_brands": invitation.all_brands,
        "expires_at": _iso(invitation.expires_at),
        "accept_url": invitation_service.accept_url(raw),
    }, 201


# --- Rate limits on accepting ----------------------------------------------------------------
# Accepting checks a password when the invitee already has an account, so without a limit
# the endpoint would let anyone holding a link guess that password.  Every attempt counts.


def _accept_per_token() -> str:
    return current_app.config.get("INVITE_ACCEPT_LIMIT_PER_TOKEN") or "10 per 15 minutes"


def _accept_per_ip() -> str:
    return current_app.config.get("INVITE_ACCEPT_LIMIT_PER_IP") or "30 per 15 minutes"


def _accept_ip_key() -> str:
    return "invite-accept-ip:" + (get_remote_address() or "unknown")


def _accept_token_key() -> str:
    """The invitation link's token, hashed: the limiter's storage never holds a usable link."""
    raw = str((request.view_args or {}).get("token", ""))
    return "invite-accept-token:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _issue_token(membership: Membership) -> str:
    """A personal access token for the new member, made by the tokens service."""
    from saas.services.tokens import create_token

    with tenant_scope(membership.agency_id):
        _token, raw = create_token(membership, "Invitation acceptance")
    return raw


@endpoint(
    "/invitations/<token>/accept",
    "POST",
    summary="Accept an invitation; returns a personal access token for the new member",
    tags=["members"],
    body=AcceptIn,
    response=TOKEN_OUT,
    status=201,
    auth=False,
    errors=(401, 404, 409, 410, 422, 429),
)
@limiter.limit(_accept_per_ip, key_func=_accept_ip_key, scope="invite-accept-ip")
@limiter.limit(_accept_per_token, key_func=_accept_token_key, scope="invite-accept-token")
def accept_invitation(token: str, data: AcceptIn):  # type: ignore[no-untyped-def]
    offer = invitation_service.offer(token)
    if offer.existing_user is None:
        if not (data.name or "").strip():
            raise ApiError(
                422,
                "validation_failed",
                "Some fields are invalid.",
                {"name": "This field is required."},
            )
        membership = invitation_service.accept_as_new_user(token, data.name or "", data.password)
    else:
        found = invitation_service.accept_with_password(token, data.password)
        if found is None:
            raise ApiError(401, "invalid_credentials", "The password does not match this account.")
        membership = found
    return {"token": _issue_token(membership), "membership_id": membership.id}, 201


@endpoint(
    "/members",
    "GET",
    summary="List the agency's members",
    tags=["members"],
    permission="member.view",
    response=MEMBER_OUT,
    query=PAGE_QUERY,
)
def list_members():  # type: ignore[no-untyped-def]
    page, per_page = page_params()
    result = paginate(member_service.members_query(), page, per_page)
    return page_payload([member_json(m) for m in result.items], page, per_page, result.total)


@endpoint(
    "/members/<int:membership_id>",
    "DELETE",
    summary="Remove a member: ends their sessions and revokes their tokens in this agency",
    tags=["members"],
    permission="member.remove",
    status=204,
    errors=(403, 404, 409),
)
def delete_member(membership_id: int):  # type: ignore[no-untyped-def]
    member = get_or_404(Membership, membership_id)
    member_service.remove(g.membership, member)
    return None, 204
