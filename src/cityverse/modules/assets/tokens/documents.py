"""IP authorization documents: PDF, PNG or JPEG, recognised by their first bytes, size-limited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cityverse.core.errors import AppError, FieldError

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DOCUMENTS = 5
# The proposal route accepts a body this large (the platform's default limit is 1 MiB).
MAX_PROPOSAL_BYTES = MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 64 * 1024

# The file's own signature decides its type; the name and the browser's claim are not trusted.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    filename: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def media_type_of(content: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)


def check_documents(files: list[tuple[str, bytes]]) -> list[CheckedDocument]:
    """Each (filename, bytes) checked; any bad one refuses the whole proposal."""
    if not files:
        raise AppError(422, "validation_error",
                       fields=[FieldError("documents", "required")])
    if len(files) > MAX_DOCUMENTS:
        raise AppError(422, "validation_error",
                       fields=[FieldError("documents", "too_many", {"max": MAX_DOCUMENTS})])
    checked = []
    for name, content in files:
        if not content or len(content) > MAX_DOCUMENT_BYTES:
            raise AppError(413 if content else 422, "asset_document_size", filename=name,
                           limit=MAX_DOCUMENT_BYTES // 1024)
        media_type = media_type_of(content)
        if media_type is None:
            raise AppError(415, "asset_document_type", filename=name)
        checked.append(CheckedDocument(_clean_name(name), media_type, content))
    return checked


def _clean_name(name: str) -> str:
    # Only the last path part, no control characters: it is shown and used in downloads.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    return (cleaned or "document")[:200]
