"""API: reviews."""

from __future__ import annotations
