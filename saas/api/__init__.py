"""JSON API v1.  Endpoint modules register on ``api_bp`` and describe themselves for OpenAPI."""

# Importing the endpoint modules registers their routes and OpenAPI operations.
from saas.api import (  # noqa: E402,F401
    accounts,
    audiences,
    brands,
    goals,
    invitations,
    openapi,
    plans,
    reports,
    reviews,
    sessions,
)
from saas.api.base import api_bp

__all__ = ["api_bp"]
