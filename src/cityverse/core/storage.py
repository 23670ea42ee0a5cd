"""Blob store: a local folder under the data dir, written atomically, and upload type checks.

A blob is written to a temporary file in the same folder and renamed into place, so a reader
never sees half a file and a crash leaves at most a stray temporary file, never a broken blob.
Keys are random (not the content hash) so deleting one owner's blob never touches another's.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from cityverse.core.config import Settings
from cityverse.core.errors import AppError

# What uploads may be, told by their first bytes rather than by the name the client sent.
PDF, PNG, JPEG, DOCX, XLSX, TXT = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
)
DOCUMENT_TYPES = frozenset({PDF, PNG, JPEG, DOCX, XLSX, TXT})


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename: a reader sees all or
    nothing, and a crash leaves no half-written file under the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class BlobStore:
    """Blobs as files under `root`, fanned out by the first two characters of the key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_settings(cls, settings: Settings) -> BlobStore:
        return cls(Path(settings.data_dir) / "blobs")

    def _path(self, key: str) -> Path:
        if not key.isalnum() or len(key) < 8:
            raise ValueError(f"bad blob key {key!r}")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        write_atomically(self._path(key), data)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _office_type(data: bytes) -> str | None:
    """DOCX and XLSX are zip packages; the part names inside tell which one."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 without control characters other than tabs, line and page breaks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\x0c" for ch in text)


def sniff_document_type(data: bytes) -> str | None:
    """The content type of an upload from its magic bytes, or None when it is not one we take."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    if data and _is_text(data):
        return TXT
    return None


def safe_filename(name: str | None) -> str:
    """The client's file name without any folder part or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    printable = "".join(ch for ch in base if ch.isprintable())
    return printable[:200] or "attachment"


def check_upload(data: bytes, max_bytes: int) -> str:
    """The upload's content type, or the refusal: too big (413) or not a type we take (415)."""
    if len(data) > max_bytes:
        raise AppError(413, "upload_too_large", limit=max_bytes)
    content_type = sniff_document_type(data)
    if content_type is None:
        raise AppError(415, "upload_type_not_allowed")
    return content_type


def discard_on_rollback(session: AsyncSession, store: BlobStore, key: str) -> None:
    """Delete the blob if the transaction that records it rolls back, so a refused or failed
    request leaves no orphan file; a commit keeps it."""
    state = {"committed": False}

    def on_commit(_session: Session) -> None:
        state["committed"] = True

    def on_rollback(_session: Session) -> None:
        if not state["committed"]:
            store.delete(key)

    event.listen(session.sync_session, "after_commit", on_commit, once=True)
    event.listen(session.sync_session, "after_rollback", on_rollback, once=True)


def download_response(data: bytes, content_type: str, filename: str) -> Response:
    """A stored file as a download: RFC 6266 names (ASCII fallback and UTF-8), and nosniff so
    browsers keep to the type we checked on upload."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
    })
