"""API: invitations."""

from __future__ import annotations
