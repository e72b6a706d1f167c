"""API: invitations and members."""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ConfigDict, Field

from saas.api.base import PAGE_QUERY, ApiError, Id, Page, UtcDateTime, endpoint, paginated
from saas.extensions import limiter
from saas.http import get_or_404
from saas.models import Membership
from saas.services import invitations as invitation_service
from saas.services import members as member_service
from saas.services import two_factor
from saas.services.hashing import hash_token
from saas.services.tokens import create_token
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
    code: str | None = Field(
        default=None,
        max_length=32,
        description="For an existing account with two-factor sign-in: a current code",
    )


class InvitationOut(BaseModel):
    id: int
    email: str
    role: str
    brand_ids: list[int]
    all_brands: bool
    expires_at: UtcDateTime
    accept_url: str


class AcceptedOut(BaseModel):
    token: str = Field(description="A personal access token for the new member, shown once")
    membership_id: int


class MemberUserOut(BaseModel):
    id: int
    name: str
    email: str


class MemberOut(BaseModel):
    id: int
    user: MemberUserOut
    role: str
    all_brands: bool
    brand_ids: list[int]
    joined_at: UtcDateTime


class MemberPage(Page[MemberOut]):
    pass


def member_json(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.id,
        user=MemberUserOut(id=m.user.id, name=m.user.name, email=m.user.email),
        role=m.role,
        all_brands=m.sees_all_brands,
        brand_ids=sorted(link.brand_id for link in m.brand_links),
        joined_at=m.created_at,
    )


@endpoint(
    "/invitations",
    "POST",
    summary="Invite someone to the agency (emails them a single-use link)",
    tags=["members"],
    body=InvitationIn,
    response=InvitationOut,
    status=201,
    errors=(403, 409),  # the role is checked by the service: whom this role may invite
)
def create_invitation(data: InvitationIn) -> tuple[InvitationOut, int]:
    invitation, raw = invitation_service.invite(
        g.membership, data.email, data.role, data.brand_ids, all_brands=data.all_brands
    )
    out = InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        brand_ids=list(invitation.brand_ids),
        all_brands=invitation.all_brands,
        expires_at=invitation.expires_at,
        accept_url=invitation_service.accept_url(raw),
    )
    return out, 201


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
    return "invite-accept-token:" + hash_token(raw)[:32]


def _issue_token(membership: Membership) -> str:
    """A personal access token for the new member, made by the tokens service."""
    with tenant_scope(membership.agency_id):
        _token, raw = create_token(membership, "Invitation acceptance")
    return raw


@endpoint(
    "/invitations/<token>/accept",
    "POST",
    summary="Accept an invitation; returns a personal access token for the new member",
    tags=["members"],
    body=AcceptIn,
    response=AcceptedOut,
    status=201,
    auth=False,
    errors=(401, 409, 410, 429),  # 401: the password of an existing account does not match
)
@limiter.limit(_accept_per_ip, key_func=_accept_ip_key, scope="invite-accept-ip")
@limiter.limit(_accept_per_token, key_func=_accept_token_key, scope="invite-accept-token")
def accept_invitation(token: str, data: AcceptIn) -> tuple[AcceptedOut, int]:
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
        # The token issued below is a second factor: with two-factor on, a code too (a 401
        # rolls the acceptance back).
        if two_factor.is_enabled(found.user) and (
            not data.code or two_factor.check_code(found.user, data.code) is None
        ):
            raise ApiError(
                401,
                "two_factor_required",
                "Send a current code from your authenticator app (or a recovery code).",
                {"code": "A valid two-factor code is required."},
            )
        membership = found
    return AcceptedOut(token=_issue_token(membership), membership_id=membership.id), 201


@endpoint(
    "/members",
    "GET",
    summary="List the agency's members",
    tags=["members"],
    permission="member.view",
    response=MemberPage,
    query=PAGE_QUERY,
)
def list_members() -> dict[str, Any]:
    return paginated(member_service.members_query(), member_json)


@endpoint(
    "/members/<int:membership_id>",
    "DELETE",
    summary="Remove a member: ends their sessions and revokes their tokens in this agency",
    tags=["members"],
    permission="member.remove",
    status=204,
    errors=(409,),
)
def delete_member(membership_id: int) -> tuple[None, int]:
    member = get_or_404(Membership, membership_id)
    member_service.remove(g.membership, member)
    return None, 204
