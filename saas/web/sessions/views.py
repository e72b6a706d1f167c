"""Session pages: views (being written)."""

from __future__ import annotations

from saas.web.sessions import bp, links_bp  # noqa: F401
