"""API: brands."""

from __future__ import annotations
