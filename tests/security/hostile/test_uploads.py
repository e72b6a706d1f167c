"""Hostile uploads: lying names and types, oversize bodies, polyglots, SVG with script,
image bombs; and the plan CSV import.  Nothing refused is stored; what is stored is served
so that no browser runs it.

Issue 14 item 3.  The inputs are every ``FileField``: agency logo (Settings), brand logo
(brand edit), plan CSV import.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.extensions import db
from saas.models import Agency, Brand
from saas.services import storage
from tenants.context import tenant_scope
from tests import factories

BRAND_FIELDS = {"name": "Alpha Brand One", "timezone": "UTC", "language": "en"}
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)


def png(width: int = 1, height: int = 1, tail: bytes = b"") -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (a tiny IDAT: bombs lie)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00\x00\x00\x00" * min(width, 1))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
        + tail
    )


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b",;"


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def webp_vp8x(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def agency_logo(client, data: bytes, filename: str = "logo.png", mimetype: str = "image/png"):
    return client.post(
        "/settings/logo",
        data={"logo": (io.BytesIO(data), filename, mimetype)},
        content_type="multipart/form-data",
    )


def brand_logo(client, brand_id, data: bytes, filename="logo.png", mimetype="image/png"):
    return client.post(
        f"/brands/{brand_id}/edit",
        data={**BRAND_FIELDS, "logo": (io.BytesIO(data), filename, mimetype)},
        content_type="multipart/form-data",
    )


def logo_paths(alpha) -> tuple[str | None, str | None]:
    db.session.expire_all()
    with tenant_scope(alpha.agency.id):
        a = db.session.scalar(select(Agency.logo_path).where(Agency.id == alpha.agency.id))
        b = db.session.scalar(select(Brand.logo_path).where(Brand.id == alpha.brand.id))
    return a, b


REFUSED = {
    "html named .png": (SCRIPT, "logo.png", "image/png"),
    "svg with script": (SVG, "logo.svg", "image/svg+xml"),
    "svg named .png": (SVG, "logo.png", "image/png"),
    "text/plain": (b"just text", "logo.txt", "text/plain"),
    "empty": (b"", "logo.png", "image/png"),
    "truncated png": (b"\x89PNG\r\n\x1a\n", "logo.png", "image/png"),
    "png bomb 100000x100000": (png(100_000, 100_000), "logo.png", "image/png"),
    "png bomb 65535x1": (png(65_535, 1), "logo.png", "image/png"),
    "gif bomb": (gif(65_535, 65_535), "logo.gif", "image/gif"),
    "jpeg bomb": (jpeg(65_000, 65_000), "logo.jpg", "image/jpeg"),
    "webp bomb": (webp_vp8x(16_000, 16_000), "logo.webp", "image/webp"),
    "over the logo limit": (png(tail=b"\x00" * storage.MAX_LOGO_BYTES), "logo.png", "image/png"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_logos_are_refused_with_a_message_and_nothing_is_kept(
    case, client, alpha, login_as, db_app
):
    data, name, mimetype = REFUSED[case]
    login_as(alpha.owner)
    before = stored_files(db_app)
    for send in (
        lambda: agency_logo(client, data, name, mimetype),
        lambda: brand_logo(client, alpha.brand.id, data, name, mimetype),
    ):
        resp = send()
        assert resp.status_code == 422, (case, resp.status_code)
        page = resp.get_data(as_text=True)
        assert 'role="alert"' in page or "error" in page
        assert stored_files(db_app) == before
        assert logo_paths(alpha) == (None, None)


def test_a_body_above_max_content_length_is_a_clear_413_and_nothing_is_kept(
    client, alpha, login_as, db_app
):
    login_as(alpha.owner)
    before = stored_files(db_app)
    big = png(tail=b"\x00" * (db_app.config["MAX_CONTENT_LENGTH"] + 1))
    for resp in (agency_logo(client, big), brand_logo(client, alpha.brand.id, big)):
        assert resp.status_code == 413
        assert "The upload is too large." in resp.get_data(as_text=True)
    assert stored_files(db_app) == before
    assert logo_paths(alpha) == (None, None)


def test_a_real_image_with_a_lying_name_is_stored_and_served_as_what_it_is(
    client, alpha, login_as, db_app
):
    """A PNG called ``logo.html`` sent as ``text/html`` is a PNG: stored as ``.png`` under a
    name we choose, served as ``image/png`` with nosniff and a sandboxing CSP."""
    login_as(alpha.owner)
    assert agency_logo(client, png(32, 32), "../../logo.html", "text/html").status_code == 303
    agency_path, _ = logo_paths(alpha)
    assert agency_path.endswith(".png") and ".." not in agency_path
    assert "logo" not in Path(agency_path).name
    resp = client.get("/settings/logo")
    assert resp.mimetype == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp.headers["Content-Security-Policy"]


def test_a_png_that_is_also_html_is_served_only_as_an_image(client, alpha, login_as):
    """A polyglot (valid PNG, then HTML) may be kept, but no browser will run it: image/png,
    nosniff, ``default-src 'none'; sandbox``, never text/html."""
    login_as(alpha.owner)
    assert brand_logo(client, alpha.brand.id, png(16, 16, tail=SCRIPT)).status_code == 303
    resp = client.get(f"/brands/{alpha.brand.id}/logo")
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    assert "script" not in csp


@pytest.mark.parametrize(
    "data",
    [png(4000, 3000), gif(2000, 2000), jpeg(3000, 2000), webp_vp8x(2048, 2048)],
    ids=["png", "gif", "jpeg", "webp"],
)
def test_large_but_reasonable_logos_are_still_accepted(data, client, alpha, login_as):
    login_as(alpha.owner)
    assert agency_logo(client, data).status_code == 303


# --- The plan CSV import ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "plan.csv", "spreadsheet workbook"),
        (b"name\n" + b"x" * (2 * 1024 * 1024), "plan.csv", "larger than"),
        (SCRIPT, "plan.html", "Choose a CSV file"),
        (b"\xff\xfe\x00\xd8", "plan.csv", "not UTF-8"),
        (png(), "plan.csv", None),
    ],
    ids=["xlsx", "too-big", "html", "bad-utf16", "png"],
)
def test_the_plan_import_refuses_what_is_not_a_csv_file(
    data, name, message, client, alpha, login_as
):
    plan = factories.planning_data(
        alpha.agency, alpha.brand, author=alpha.owner.user, status="draft"
    )
    login_as(alpha.owner)
    resp = client.post(
        f"/plans/{plan.id}/import",
        data={"kind": "campaigns", "file": (io.BytesIO(data), name, "text/csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code in (413, 422), resp.status_code
    assert resp.status_code < 500
    if message:
        assert message in resp.get_data(as_text=True)
