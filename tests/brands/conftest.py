"""Helpers for the brand workspace tests: real image bytes, reading brands and audit rows."""

from __future__ import annotations

import struct
import zlib

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import AuditEvent, Brand
from tenants.context import tenant_scope


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A small, valid PNG image (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def brand_named():
    """``brand_named(agency_id, name)`` -> the Brand row, read in that agency's scope."""

    def find(agency_id: int, name: str) -> Brand | None:
        db.session.expire_all()  # read what the requests wrote, not the test's stale copies
        with tenant_scope(agency_id):
            return db.session.scalar(select(Brand).where(Brand.name == name))

    return find


@pytest.fixture
def audit_actions():
    """``audit_actions(agency_id)`` -> the actions recorded for that agency, oldest first."""

    def actions(agency_id: int) -> list[str]:
        with tenant_scope(agency_id):
            return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))

    return actions
