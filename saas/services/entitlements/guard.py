"""Read-only agencies: every write answers 402 ``read_only``; reads and exports go on.

The policy lives here, free of the request: ``refusal(method, endpoint, membership)`` says
whether a request may write.  The hooks that ask it are the web's (``saas.app_setup``, after
the membership is resolved) and the API's (``saas.api.base.authorise``, after the token is);
both answer the ``PaymentRequired`` it returns through their error handlers (an HTML page
linking to the billing page, or the JSON error).

Exempt are the writes a read-only agency needs to get out of it or to stay safe: signing in
and out, the language, the person's own password, profile and preferences, the billing
pages, the Stripe webhook and the API's billing endpoints; and cutting access (removing a
member, revoking an invitation or an API token), which billing must never block.  Public
token links (an invitation, an RSVP, an unsubscribe) belong to no signed-in agency.
"""

from __future__ import annotations

from saas.services import agency_deletion
from saas.services.entitlements import state
from saas.services.entitlements.limits import read_only_message
from saas.services.errors import Conflict, PaymentRequired
from tenants.models import Membership, Role

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Whole blueprints: sign-in/out, language and password reset; billing (and its webhook).
EXEMPT_BLUEPRINTS = frozenset({"auth", "billing", "health", "static"})

EXEMPT_ENDPOINTS = frozenset(
    {
        # The person's own account, in every agency they belong to.
        "settings.profile",
        "settings.password",
        "settings.sign_out_everywhere",
        "settings.time_settings_save",
        "settings.notifications",
        "settings.unsubscribe",
        "settings.calendar_feed",
        "settings.calendar_feed_off",
        "settings.calendar_feed_reset",
        # Securing or leaving one's own account is never blocked: an agency that requires
        # two-factor sign-in would otherwise lock out a member who cannot set it up.
        "settings.two_factor_start",
        "settings.two_factor_confirm",
        "settings.two_factor_recovery_codes",
        "settings.two_factor_disable",
        "settings.email_change",
        "settings.leave_agency",
        "settings.delete_account",
        # API tokens: reading and exporting over the API stays possible.
        "settings.tokens",
        "settings.token_revoke",
        # The agency's data stays its own: exporting it is never blocked.
        "settings.exports",
        "api.request_export_post",
        "brands.export",
        "api.request_brand_export_post",
        # Leaving altogether (or changing one's mind) is never blocked either.
        "settings.agency_deletion",
        "settings.agency_deletion_restore",
        "api.request_agency_deletion_post",
        "api.restore_agency_delete",
        # Cutting access is never blocked.
        "members.remove",
        "members.revoke",
        # Public links, answered for whoever holds the token.
        "invitations.accept",
        "session_links.rsvp",
        # The API's equivalents.
        "api.api_signup_post",
        "api.accept_invitation_post",
        "api.api_create_token_post",
        "api.api_revoke_token_delete",
        "api.delete_member_delete",
    }
)
# The API's billing endpoints (checkout, portal), whatever their view names.
EXEMPT_PREFIXES = ("api.billing",)


def is_exempt(method: str, endpoint: str | None) -> bool:
    """True when this request is no write, or a write a read-only agency may still make."""
    if method.upper() not in WRITE_METHODS:
        return True
    if not endpoint:
        return True  # no route: the 404 or 405 answers it
    blueprint = endpoint.split(".", 1)[0] if "." in endpoint else ""
    return (
        blueprint in EXEMPT_BLUEPRINTS
        or endpoint in EXEMPT_ENDPOINTS
        or endpoint.startswith(EXEMPT_PREFIXES)
    )


def refusal(
    method: str, endpoint: str | None, membership: Membership | None
) -> PaymentRequired | Conflict | None:
    """The 402 this request gets, or None when it may go on.  An agency waiting for its
    deletion is read-only the same way: 409 ``agency_deletion_pending``."""
    if membership is None or is_exempt(method, endpoint):
        return None
    pending = agency_deletion.refusal(endpoint, membership)
    if pending is not None:
        return pending
    billing = state.current(membership.agency_id, count=False)
    if not billing.read_only:
        return None
    owner = membership.role == Role.OWNER.value
    return PaymentRequired(read_only_message(billing, owner=owner), code="read_only")
