"""Uploaded files on local disk, under ``UPLOAD_DIR/<agency_id>/...``.

Images are recognised by their first bytes, never by the client's file name or the
browser's content type (both are whatever the uploader says they are), and stored under a
random name we choose, so a path cannot be steered and a file cannot pose as another type.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from saas.i18n import gettext as _
from saas.services.errors import ValidationFailed
from saas.transactions import on_commit, on_rollback

MAX_LOGO_BYTES = 1024 * 1024
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
