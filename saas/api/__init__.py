"""JSON API v1.  Endpoint modules register on ``api_bp`` and describe themselves for OpenAPI."""

from saas.api.base import api_bp

# Importing the endpoint modules registers their routes and OpenAPI operations.
from saas.api import accounts, brands, invitations, openapi  # noqa: E402,F401

__all__ = ["api_bp"]
