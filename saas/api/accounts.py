"""API: sign up, exchange a password for a token, who am I, list and revoke own tokens."""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from saas.api.base import PAGE_QUERY, PLAIN, ApiError, Id, Page, UtcDateTime, endpoint, paginated
from saas.extensions import db, limiter
from saas.models import ApiToken, Brand, Membership
from saas.services import tokens as token_service
from saas.services import two_factor
from saas.services.accounts import authenticate, signup
from saas.services.audit import set_actor
from saas.services.passwords import MIN_LENGTH as PASSWORD_MIN
from tenants.context import system_scope, tenant_scope

TAGS = ["Accounts"]

# --- Bodies -----------------------------------------------------------------------------------


class SignupBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    agency_name: str = Field(
        min_length=1, max_length=120, pattern=PLAIN, description="Your agency's name"
    )
    name: str = Field(min_length=1, max_length=120, pattern=PLAIN, description="Your name")
    email: str = Field(min_length=1, max_length=254, pattern=PLAIN)
    password: str = Field(
        min_length=PASSWORD_MIN, max_length=256, description="At least 10 characters"
    )
    locale: Literal["en", "ar"] | None = None


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    email: str = Field(max_length=254, pattern=PLAIN)
    password: str = Field(max_length=256)
    name: str | None = Field(default=None, min_length=1, max_length=80, pattern=PLAIN)
    agency_id: Id | None = Field(default=None, description="Defaults to the first agency")
    code: str | None = Field(
        default=None,
        max_length=32,
        pattern=PLAIN,
        description="With two-factor sign-in on: a code from the app, or a recovery code",
    )


# --- Responses (documented in OpenAPI and used to serialise) --------------------------------------


class AgencyOut(BaseModel):
    id: int
    name: str
    slug: str


class NewUserOut(BaseModel):
    id: int
    email: str


class SignupOut(BaseModel):
    agency: AgencyOut
    user: NewUserOut
    token: str = Field(description="A personal access token, shown only once")


class TokenCreatedOut(BaseModel):
    id: int
    name: str
    prefix: str
    token: str = Field(description="The token itself, shown only once")


class UserOut(BaseModel):
    id: int
    name: str
    email: str
    locale: str | None


class MeOut(BaseModel):
    user: UserOut
    agency: AgencyOut
    role: Literal["owner", "consultant", "client_leader", "client_team"]
    brand_ids: list[int]


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None


class TokenPage(Page[TokenOut]):
    pass


def token_json(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


# --- Rate limits ------------------------------------------------------------------------------


def _email_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    email = email.strip().lower()[:254] if isinstance(email, str) else ""
    # Per account *and* IP, as on the sign-in page: guesses elsewhere cannot lock the owner out.
    return f"api-token-email:{email}|ip:{get_remote_address() or 'unknown'}"


def _per_account() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")


def _per_ip() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")


def _signup_per_ip() -> str:
    return current_app.config.get("SIGNUP_LIMIT_PER_IP", "20 per hour")


# --- Endpoints --------------------------------------------------------------------------------


@endpoint(
    "/signup",
    "POST",
    summary="Create an agency and its owner; returns a token for the owner",
    tags=TAGS,
    body=SignupBody,
    response=SignupOut,
    status=201,
    auth=False,
    errors=(409, 429),
)
@limiter.limit(_signup_per_ip, key_func=get_remote_address)
def api_signup(data: SignupBody) -> SignupOut:
    result = signup(
        agency_name=data.agency_name,
        name=data.name,
        email=data.email,
        password=data.password,
        locale=data.locale,
    )
    with tenant_scope(result.agency.id):
        _token, raw = token_service.create_token(result.membership, "API (sign-up)")
    return SignupOut(
        agency=AgencyOut(id=result.agency.id, name=result.agency.name, slug=result.agency.slug),
        user=NewUserOut(id=result.user.id, email=result.user.email),
        token=raw,
    )


@endpoint(
    "/tokens",
    "POST",
    summary="Exchange an email and password for a personal access token",
    tags=TAGS,
    body=TokenRequest,
    response=TokenCreatedOut,
    status=201,
    auth=False,
    errors=(401, 403, 429),
)
@limiter.limit(_per_ip, key_func=get_remote_address)
@limiter.limit(_per_account, key_func=_email_key)
def api_create_token(data: TokenRequest) -> TokenCreatedOut:
    user = authenticate(data.email, data.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "The email or password is not correct.")
    with system_scope():
        stmt = select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        if data.agency_id is not None:
            stmt = stmt.where(Membership.agency_id == data.agency_id)
        membership = db.session.scalars(stmt).first()
    if membership is None:
        if data.agency_id is not None:
            raise ApiError(
                422,
                "validation_failed",
                "You are not a member of this agency.",
                {"agency_id": "You are not a member of this agency."},
            )
        raise ApiError(403, "no_membership", "This account is not a member of any agency.")
    # A token is a second factor for the API: it is only issued past the first one too.
    if two_factor.is_enabled(user):
        if not data.code or two_factor.check_code(user, data.code) is None:
            raise ApiError(
                401,
                "two_factor_required",
                "Send a current code from your authenticator app (or a recovery code).",
                {"code": "A valid two-factor code is required."},
            )
    elif two_factor.setup_required(user, membership):
        raise ApiError(
            403,
            "two_factor_setup_required",
            "This agency requires two-factor sign-in: set it up in the browser first.",
        )
    set_actor(user.id, user.email)
    with tenant_scope(membership.agency_id):
        token, raw = token_service.create_token(membership, data.name or "API token")
    return TokenCreatedOut(id=token.id, name=token.name, prefix=token.prefix, token=raw)


@endpoint("/me", "GET", summary="Who the token belongs to", tags=TAGS, response=MeOut)
def api_me() -> MeOut:
    membership: Membership = g.membership
    # None means every brand of the agency: the scoped query answers exactly those.
    ids = membership.brand_ids
    if ids is None:
        ids = db.session.scalars(select(Brand.id))
    user = g.user
    return MeOut(
        user=UserOut(id=user.id, name=user.name, email=user.email, locale=user.locale),
        agency=AgencyOut(id=g.agency.id, name=g.agency.name, slug=g.agency.slug),
        role=membership.role,
        brand_ids=sorted(ids),
    )


@endpoint(
    "/tokens",
    "GET",
    summary="List your active tokens in this agency",
    tags=TAGS,
    response=TokenPage,
    permission="token.manage_own",
    query=PAGE_QUERY,
)
def api_list_tokens() -> dict[str, Any]:
    return paginated(token_service.tokens_of_user_stmt(g.user.id), token_json)


@endpoint(
    "/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke one of your tokens",
    tags=TAGS,
    status=204,
    permission="token.manage_own",
)
def api_revoke_token(token_id: int) -> None:
    token: ApiToken = token_service.get_own_token(g.user.id, token_id)
    token_service.revoke_token(token)
    return None
