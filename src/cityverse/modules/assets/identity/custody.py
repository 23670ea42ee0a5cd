"""Ed25519 keys held for users (custodial) or only known by their public half (external).

A custodial private key exists at rest only under envelope encryption: the 32-byte seed is
sealed with AES-256-GCM under a random per-key data key, and the data key is sealed under the
key-encryption key (KEK) the caller derives from settings. Rotating the KEK re-seals 32 bytes
of data key per user and never exposes the seed. Both seals carry associated data naming the
owner and the DID, so a record copied onto another user's row fails to open.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cityverse.modules.assets.identity.b64url import b64url_decode, b64url_encode
from cityverse.modules.assets.identity.didkey import did_from_public_key, public_key_from_did
from cityverse.modules.assets.identity.errors import IdentityError
from cityverse.modules.assets.identity.jcs import canonicalize

RECORD_VERSION = 1
KEY_SIZE = 32
NONCE_SIZE = 12
_PURPOSE = "cityverse-custodial-key-v1"


class SigningKey:
    """An Ed25519 private key in memory, under its did:key. Keep it only as long as needed."""

    __slots__ = ("_did", "_key", "_public_key")

    def __init__(self, seed: bytes) -> None:
        if len(seed) != KEY_SIZE:
            raise IdentityError("wrong_length", f"Ed25519 seeds are 32 bytes, got {len(seed)}")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self._public_key = self._key.public_key().public_bytes_raw()
        self._did = did_from_public_key(self._public_key)

    @property
    def did(self) -> str:
        return self._did

    @property
    def public_key(self) -> bytes:
        return self._public_key

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"SigningKey(did={self._did!r})"


@dataclass(frozen=True, slots=True)
class ExternalKey:
    """A public key a user registered (signing happens in their browser); verify only."""

    did: str

    def __post_init__(self) -> None:
        public_key_from_did(self.did)

    @classmethod
    def from_public_key(cls, public_key: bytes) -> ExternalKey:
        return cls(did_from_public_key(public_key))

    @property
    def public_key(self) -> bytes:
        return public_key_from_did(self.did)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"v": RECORD_VERSION, "kind": "external", "did": self.did}

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> ExternalKey:
        _expect_fields(record, {"v", "kind", "did"}, "external")
        return cls(_text(record, "did"))


@dataclass(frozen=True, slots=True)
class CustodialKey:
    """A user's Ed25519 key as stored: public DID in clear, seed under envelope encryption."""

    owner_id: str
    did: str
    wrapped_data_key: bytes
    """nonce || AES-256-GCM(KEK, data key)"""
    sealed_seed: bytes
    """nonce || AES-256-GCM(data key, Ed25519 seed)"""

    @classmethod
    def generate(cls, owner_id: str, kek: bytes) -> CustodialKey:
        return cls.from_seed(owner_id, Ed25519PrivateKey.generate().private_bytes_raw(), kek)

    @classmethod
    def from_seed(cls, owner_id: str, seed: bytes, kek: bytes) -> CustodialKey:
        """Take custody of an existing seed (imports, fixed test keys)."""
        did = SigningKey(seed).did
        data_key = AESGCM.generate_key(bit_length=256)
        sealed_seed = _seal(data_key, seed, _associated("seed", owner_id, did))
        wrapped = _seal(_check_kek(kek), data_key, _associated("data-key", owner_id, did))
        return cls(owner_id, did, wrapped, sealed_seed)

    @property
    def public_key(self) -> bytes:
        return public_key_from_did(self.did)

    def unlock(self, kek: bytes) -> SigningKey:
        """Decrypt the seed; fails with ``unwrap_failed`` for a wrong KEK or a moved record."""
        data_key = self._data_key(kek)
        seed = _open(data_key, self.sealed_seed, _associated("seed", self.owner_id, self.did))
        key = SigningKey(seed)
        if key.did != self.did:
            raise IdentityError("key_mismatch", "the stored seed does not belong to this DID")
        return key

    def sign(self, message: bytes, kek: bytes) -> bytes:
        """Unlock, sign once and drop the key; use ``unlock`` to sign many messages."""
        return self.unlock(kek).sign(message)

    def rewrap(self, old_kek: bytes, new_kek: bytes) -> CustodialKey:
        """The same key under a new KEK; the sealed seed is kept byte for byte."""
        data_key = self._data_key(old_kek)
        associated = _associated("data-key", self.owner_id, self.did)
        wrapped = _seal(_check_kek(new_kek), data_key, associated)
        return CustodialKey(self.owner_id, self.did, wrapped, self.sealed_seed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": RECORD_VERSION,
            "kind": "custodial",
            "owner_id": self.owner_id,
            "did": self.did,
            "wrapped_data_key": b64url_encode(self.wrapped_data_key),
            "sealed_seed": b64url_encode(self.sealed_seed),
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> CustodialKey:
        fields = {"v", "kind", "owner_id", "did", "wrapped_data_key", "sealed_seed"}
        _expect_fields(record, fields, "custodial")
        did = _text(record, "did")
        public_key_from_did(did)
        try:
            wrapped = b64url_decode(_text(record, "wrapped_data_key"))
            sealed = b64url_decode(_text(record, "sealed_seed"))
        except ValueError as exc:
            raise IdentityError("bad_record", str(exc)) from None
        return cls(_text(record, "owner_id"), did, wrapped, sealed)

    def _data_key(self, kek: bytes) -> bytes:
        associated = _associated("data-key", self.owner_id, self.did)
        return _open(_check_kek(kek), self.wrapped_data_key, associated)

    def __repr__(self) -> str:
        return f"CustodialKey(owner_id={self.owner_id!r}, did={self.did!r})"


def _associated(part: str, owner_id: str, did: str) -> bytes:
    # Canonical JSON keeps the fields apart: no owner id can be crafted to look like another.
    return canonicalize([_PURPOSE, part, owner_id, did])


def _check_kek(kek: bytes) -> bytes:
    if len(kek) != KEY_SIZE:
        raise IdentityError("bad_kek", f"the key-encryption key must be 32 bytes, got {len(kek)}")
    return kek


def _seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def _open(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated)
    except (InvalidTag, ValueError):
        raise IdentityError(
            "unwrap_failed", "wrong key-encryption key, or the record was altered or moved"
        ) from None


def _expect_fields(record: dict[str, Any], fields: set[str], kind: str) -> None:
    if set(record) != fields:
        raise IdentityError("bad_record", f"a {kind} key record has exactly the fields {fields}")
    if type(record["v"]) is not int or record["v"] != RECORD_VERSION or record["kind"] != kind:
        raise IdentityError("bad_record", f"not a version {RECORD_VERSION} {kind} key record")


def _text(record: dict[str, Any], field: str) -> str:
    value = record[field]
    if not isinstance(value, str):
        raise IdentityError("bad_record", f"{field} must be a string")
    return value
