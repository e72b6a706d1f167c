"""API: plans."""

from __future__ import annotations
