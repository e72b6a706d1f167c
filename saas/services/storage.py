"""Uploaded files on local disk, under ``UPLOAD_DIR/<agency_id>/...``.

Images are recognised by their first bytes, never by the client's file name or the
browser's content type (both are whatever the uploader says they are), and stored under a
random name we choose, so a path cannot be steered and a file cannot pose as another type.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.transactions import on_commit, on_rollback

MAX_LOGO_BYTES = 1024 * 1024
# Browsers decode a logo on every page and WeasyPrint on every report: a few hundred bytes
# can declare 100,000 x 100,000 pixels (40 GB once decoded).  Limits on what is declared.
MAX_LOGO_SIDE = 8000
MAX_LOGO_PIXELS = 25_000_000
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ImageKind:
    ext: str
    mimetype: str


PNG = ImageKind("png", "image/png")
JPEG = ImageKind("jpg", "image/jpeg")
GIF = ImageKind("gif", "image/gif")
WEBP = ImageKind("webp", "image/webp")

KINDS_BY_EXT = {k.ext: k for k in (PNG, JPEG, GIF, WEBP)}


def sniff_image(head: bytes) -> ImageKind | None:
    """The image type announced by the file's magic bytes, or ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def image_size(data: bytes, kind: ImageKind) -> tuple[int, int] | None:
    """The width and height the file's header declares, or ``None`` if it cannot be read.

    Read from the header alone (PNG IHDR, GIF screen, JPEG SOFn, WebP VP8/VP8L/VP8X), so
    checking a bomb costs nothing; nothing is decoded.
    """
    try:
        if kind is PNG:
            if data[12:16] != b"IHDR":
                return None
            return struct.unpack(">II", data[16:24])
        if kind is GIF:
            return struct.unpack("<HH", data[6:10])
        if kind is WEBP:
            chunk = data[12:16]
            if chunk == b"VP8X":
                return (
                    int.from_bytes(data[24:27], "little") + 1,
                    int.from_bytes(data[27:30], "little") + 1,
                )
            if chunk == b"VP8L":
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if chunk == b"VP8 ":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            return None
        if kind is JPEG:
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]).resolve()


def read_limited(stream: BinaryIO, limit: int, field: str = "logo") -> bytes:
    """Read at most ``limit`` bytes; a longer upload is refused with a message."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            msg = _("The file is too large: the limit is %(size)s MB.", size=limit // (1024 * 1024))
            raise ValidationFailed(msg, {field: msg})
        chunks.append(chunk)
    return b"".join(chunks)


def _save_image(folder: str, stream: BinaryIO, field: str = "logo") -> str:
    """Check an uploaded image (size, then magic bytes) and store it under ``folder``.

    Returns its path relative to ``UPLOAD_DIR``.  Written to a ``.part`` file and renamed,
    so a reader never sees half an image.
    """
    data = read_limited(stream, MAX_LOGO_BYTES, field)
    if not data:
        msg = _("The file is empty.")
        raise ValidationFailed(msg, {field: msg})
    kind = sniff_image(data[:16])
    if kind is None:
        msg = _("Upload a PNG, JPEG, WebP or GIF image.")
        raise ValidationFailed(msg, {field: msg})
    size = image_size(data, kind)
    if size is None or min(size) < 1:
        msg = _("This image could not be read. Save it again as PNG or JPEG and upload that.")
        raise ValidationFailed(msg, {field: msg})
    if max(size) > MAX_LOGO_SIDE or size[0] * size[1] > MAX_LOGO_PIXELS:
        msg = _(
            "The image is too large: at most %(side)s pixels on a side, please.",
            side=MAX_LOGO_SIDE,
        )
        raise ValidationFailed(msg, {field: msg})
    relative = f"{folder}/{uuid.uuid4().hex}.{kind.ext}"
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return relative


def save_brand_logo(agency_id: int, brand_id: int, stream: BinaryIO) -> str:
    """Check and store a brand's logo; returns its path relative to ``UPLOAD_DIR``."""
    return _save_image(f"{int(agency_id)}/brands/{int(brand_id)}", stream)


def save_agency_logo(agency_id: int, stream: BinaryIO) -> str:
    """Check and store the agency's own logo (white-labelling: pages, emails, PDF covers).

    The same checks as a brand logo; returns its path relative to ``UPLOAD_DIR``.
    """
    return _save_image(f"{int(agency_id)}/agency", stream)


def resolve(relative: str | None) -> Path | None:
    """The stored file for a relative path, or ``None`` if it is absent or escapes the root."""
    if not relative:
        return None
    root = upload_root()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def image_kind(relative: str) -> ImageKind | None:
    return KINDS_BY_EXT.get(relative.rsplit(".", 1)[-1].lower())


def delete(relative: str | None) -> None:
    """Remove a stored file; a missing file is not an error."""
    path = resolve(relative)
    if path is not None:
        path.unlink(missing_ok=True)


def replace_on_commit(new_path: str, old_path: str | None) -> None:
    """A file just written for a row: once the transaction commits, the file it replaces
    goes; if the transaction rolls back, the new file goes instead.  No orphan either way."""
    on_rollback(lambda: delete(new_path))
    if old_path and old_path != new_path:
        on_commit(lambda: delete(old_path))
