"""Encrypted originals in a local blob folder under the data dir, written atomically.

Envelope encryption: each original is sealed with AES-256-GCM under a fresh 256-bit data key,
and only the data key, wrapped under the platform's KEK, goes into the database. The blob file
alone is useless and the database alone is useless; both bind the work's id and content hash as
associated data, so a blob or a wrapped key moved to another work fails to open.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cityverse.core.storage import write_atomically

NONCE_SIZE = 12
_NAME = re.compile(r"[A-Za-z0-9_-]{8,64}")


class BlobError(Exception):
    """A blob is missing, or does not open with its key."""


@dataclass(frozen=True, slots=True)
class SealedBlob:
    name: str
    wrapped_key: bytes


def _associated(name: str, sha256_hex: str, part: str) -> bytes:
    return f"cityverse-work-v1\n{part}\n{name}\n{sha256_hex}".encode()


class BlobFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise BlobError(f"bad blob name {name!r}")
        # Two levels of fan-out keep folders small with many works.
        return self.root / name[:2] / f"{name}.bin"

    def write(self, name: str, data: bytes) -> None:
        """Write to a temporary file, fsync, then rename: a reader sees all or nothing."""
        write_atomically(self.path(name), data)

    def read(self, name: str) -> bytes:
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError:
            raise BlobError(f"blob {name} is missing") from None

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def seal(self, name: str, sha256_hex: str, plaintext: bytes, kek: bytes) -> SealedBlob:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_SIZE)
        sealed = nonce + AESGCM(data_key).encrypt(
            nonce, plaintext, _associated(name, sha256_hex, "content"))
        key_nonce = os.urandom(NONCE_SIZE)
        wrapped = key_nonce + AESGCM(kek).encrypt(
            key_nonce, data_key, _associated(name, sha256_hex, "data-key"))
        self.write(name, sealed)
        return SealedBlob(name, wrapped)

    @staticmethod
    def rewrap(
        name: str, sha256_hex: str, wrapped_key: bytes, old_kek: bytes, new_kek: bytes
    ) -> bytes:
        """The blob's data key wrapped under ``new_kek`` instead; the blob file is untouched."""
        associated = _associated(name, sha256_hex, "data-key")
        try:
            data_key = AESGCM(old_kek).decrypt(wrapped_key[:NONCE_SIZE],
                                               wrapped_key[NONCE_SIZE:], associated)
        except (InvalidTag, ValueError):
            raise BlobError(f"the key of blob {name} does not open with the old KEK") from None
        nonce = os.urandom(NONCE_SIZE)
        return nonce + AESGCM(new_kek).encrypt(nonce, data_key, associated)

    def open(self, name: str, sha256_hex: str, wrapped_key: bytes, kek: bytes) -> bytes:
        sealed = self.read(name)
        try:
            data_key = AESGCM(kek).decrypt(
                wrapped_key[:NONCE_SIZE], wrapped_key[NONCE_SIZE:],
                _associated(name, sha256_hex, "data-key"))
            return AESGCM(data_key).decrypt(
                sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], _associated(name, sha256_hex, "content"))
        except (InvalidTag, ValueError):
            raise BlobError(f"blob {name} does not open with its key") from None
