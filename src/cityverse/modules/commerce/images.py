"""Product images: size-limited, recognised by their magic bytes, stored content-addressed.

Files live in `<data_dir>/blobs/commerce/` named by the SHA-256 of their bytes, so the same
picture uploaded twice is stored once and a name can never point outside the folder. Writes go
to a temporary file that is renamed into place, so a reader never sees half an image.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cityverse.core.errors import AppError
from cityverse.core.storage import write_atomically

MAX_IMAGE_BYTES = 1_000_000  # below the platform's 1 MiB request limit
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
BLOB_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|webp)$")


def sniff_type(data: bytes) -> str | None:
    """The image format from the file's first bytes, whatever the client claims it is."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def folder(data_dir: Path) -> Path:
    return data_dir / "blobs" / "commerce"


def check(data: bytes) -> str:
    """The extension of an acceptable image; 413/415 otherwise."""
    if len(data) > MAX_IMAGE_BYTES:
        raise AppError(413, "image_too_large", limit=MAX_IMAGE_BYTES)
    kind = sniff_type(data)
    if kind is None or len(data) < 16:
        raise AppError(415, "image_type")
    return kind


def store(data_dir: Path, data: bytes) -> str:
    """Writes the image atomically and returns its blob name."""
    kind = check(data)
    name = f"{hashlib.sha256(data).hexdigest()}.{kind}"
    final = folder(data_dir) / name
    if not final.exists():
        write_atomically(final, data)
    return name


def path_of(data_dir: Path, name: str) -> Path:
    """The file of a blob name; 404 for names that are not ours."""
    if not BLOB_NAME.match(name):
        raise AppError(404, "not_found")
    found = folder(data_dir) / name
    if not found.is_file():
        raise AppError(404, "not_found")
    return found


def url_of(name: str) -> str:
    return f"/api/commerce/images/{name}"


def content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]
