"""JSON API v1.  Endpoint modules register on ``api_bp`` and describe themselves for OpenAPI."""

# Importing the endpoint modules registers their routes and OpenAPI operations.
from saas.api import (  # noqa: E402,F401
    accounts,
    action_items,
    agency_deletion,
    audiences,
    billing,
    brands,
    capability,
    exports,
    goals,
    invitations,
    openapi,
    plans,
    reports,
    reviews,
    session_agenda,
    session_minutes,
    sessions,
)
from saas.api.base import api_bp

__all__ = ["api_bp"]
