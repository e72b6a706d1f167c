"""ORM models, one module per aggregate.  Importing this package registers them all."""

from saas.models.accounts import ApiToken, Invitation, OneTimeToken, User
from saas.models.audit import AuditEvent
from saas.models.outbox import OutboxMessage
from tenants.models import Agency, Brand, BrandAccess, Membership, Role

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEvent",
    "Brand",
    "BrandAccess",
    "Invitation",
    "Membership",
    "OneTimeToken",
    "OutboxMessage",
    "Role",
    "User",
]
