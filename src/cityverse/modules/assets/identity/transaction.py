"""The signed transaction envelope the ledger stores as its opaque entry bytes.

An entry is the RFC 8785 canonical JSON of ``{"payload": {...}, "sig": base64url}``. The
signature is Ed25519 by the actor's did:key over ``b"cityverse-tx-v1\\n" + canonical payload``.
The prefix keeps transaction signatures apart from signed-note (checkpoint) signatures: a note's
text ends in a newline, canonical JSON never does, so no message can be read as both.
``open_transaction`` accepts only the canonical byte form, so one transaction has one entry.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from cityverse.modules.assets.identity.b64url import b64url_decode, b64url_encode
from cityverse.modules.assets.identity.bodies import BODY_TYPES, Body
from cityverse.modules.assets.identity.didkey import public_key_from_did
from cityverse.modules.assets.identity.errors import (
    CanonicalJsonError,
    IdentityError,
    TransactionError,
)
from cityverse.modules.assets.identity.jcs import canonicalize, parse_canonical

VERSION = 1
DOMAIN = b"cityverse-tx-v1\n"
MAX_ENTRY_SIZE = 16 * 1024
PAYLOAD_FIELDS = frozenset({"v", "type", "actor", "nonce", "issued_at", "body"})
SIGNATURE_SIZE = 64

_ENTRY_HEAD = b'{"payload":'
_SIG_HEAD = b',"sig":'  # cannot occur inside the base64url signature that follows it
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_RFC3339_UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class TransactionSigner(Protocol):
    """Anything that signs as a did:key: ``SigningKey`` or a test double."""

    @property
    def did(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Transaction:
    """A verified transaction, with the exact entry bytes it came from."""

    version: int
    type: str
    actor: str
    nonce: str
    issued_at: datetime
    body: Body
    payload: dict[str, Any]
    signature: bytes
    entry: bytes

    @property
    def digest(self) -> bytes:
        """SHA-256 of the entry bytes: a stable transaction id."""
        return hashlib.sha256(self.entry).digest()


def new_nonce() -> str:
    return b64url_encode(os.urandom(16))


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC to the second, the only time form a payload accepts."""
    if moment.tzinfo is None:
        raise TransactionError("bad_time", "times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_payload(
    type: str,
    actor: str,
    body: Mapping[str, Any] | Body,
    *,
    nonce: str | None = None,
    issued_at: datetime | None = None,
) -> dict[str, Any]:
    """A payload ready for ``sign_transaction``, validated the way ``open_transaction`` will."""
    payload = {
        "v": VERSION,
        "type": type,
        "actor": actor,
        "nonce": new_nonce() if nonce is None else nonce,
        "issued_at": format_time(issued_at or datetime.now(UTC)),
        "body": body.model_dump() if isinstance(body, Body) else dict(body),
    }
    _validate_payload(payload)
    return payload


def signing_message(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes the actor signs; a browser signer must sign these too."""
    return DOMAIN + _canonical(payload)


def sign_transaction(payload: Mapping[str, Any], key: TransactionSigner) -> bytes:
    """The entry bytes of ``payload`` signed by ``key``, which must be the payload's actor."""
    _validate_payload(payload)
    if payload["actor"] != key.did:
        raise TransactionError("wrong_signer", "the key does not belong to the payload's actor")
    signature = key.sign(signing_message(payload))
    return _canonical({"payload": dict(payload), "sig": b64url_encode(signature)})


def open_transaction(entry: bytes) -> Transaction:
    """Parse, require canonical form, validate and verify an entry; refuse anything else."""
    if len(entry) > MAX_ENTRY_SIZE:
        raise TransactionError("too_large", f"entries are at most {MAX_ENTRY_SIZE} bytes")
    try:
        envelope = parse_canonical(entry)
    except CanonicalJsonError as exc:
        raise TransactionError(exc.code, str(exc)) from None
    if not isinstance(envelope, dict) or set(envelope) != {"payload", "sig"}:
        raise TransactionError("bad_envelope", "an entry is exactly {payload, sig}")
    payload, encoded = envelope["payload"], envelope["sig"]
    if not isinstance(payload, dict):
        raise TransactionError("bad_envelope", "payload must be an object")
    version, body, issued_at = _validate_payload(payload)
    if not isinstance(encoded, str):
        raise TransactionError("bad_signature", "sig must be a base64url string")
    try:
        signature = b64url_decode(encoded)
    except ValueError as exc:
        raise TransactionError("bad_signature", str(exc)) from None
    if len(signature) != SIGNATURE_SIZE:
        raise TransactionError("bad_signature", "Ed25519 signatures are 64 bytes")
    public_key = Ed25519PublicKey.from_public_bytes(public_key_from_did(payload["actor"]))
    # The entry is canonical, so its payload bytes are exactly what was signed: no re-encoding.
    payload_bytes = entry[len(_ENTRY_HEAD) : entry.rindex(_SIG_HEAD)]
    try:
        public_key.verify(signature, DOMAIN + payload_bytes)
    except InvalidSignature:
        raise TransactionError("invalid_signature", "the signature does not verify") from None
    return Transaction(
        version=version,
        type=payload["type"],
        actor=payload["actor"],
        nonce=payload["nonce"],
        issued_at=issued_at,
        body=body,
        payload=payload,
        signature=signature,
        entry=entry,
    )


def _validate_payload(payload: Mapping[str, Any]) -> tuple[int, Body, datetime]:
    if set(payload) != PAYLOAD_FIELDS:
        missing = sorted(PAYLOAD_FIELDS - set(payload))
        extra = sorted(set(payload) - PAYLOAD_FIELDS)
        raise TransactionError("bad_fields", f"payload fields: missing {missing}, extra {extra}")
    version = payload["v"]
    if type(version) is not int or version != VERSION:
        raise TransactionError("bad_version", f"only version {VERSION} is supported")
    body_type = BODY_TYPES.get(payload["type"]) if isinstance(payload["type"], str) else None
    if body_type is None:
        raise TransactionError("unknown_type", f"unknown transaction type {payload['type']!r}")
    actor = payload["actor"]
    try:
        if not isinstance(actor, str):
            raise IdentityError("not_did_key", "actor must be a string")
        public_key_from_did(actor)
    except IdentityError as exc:
        raise TransactionError("bad_actor", f"actor is not an Ed25519 did:key: {exc}") from None
    nonce = payload["nonce"]
    if not isinstance(nonce, str) or not _NONCE.fullmatch(nonce):
        raise TransactionError("bad_nonce", "nonce: 16 to 64 base64url characters")
    issued_at = _parse_time(payload["issued_at"])
    try:
        body = body_type.model_validate(payload["body"])
    except ValidationError as exc:
        errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise TransactionError("bad_body", f"{payload['type']} body: {errors}") from None
    return version, body, issued_at


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str) or not _RFC3339_UTC_SECONDS.fullmatch(value):
        raise TransactionError("bad_time", "issued_at: RFC 3339 UTC seconds, 2026-01-01T00:00:00Z")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise TransactionError("bad_time", f"issued_at {value} is not a real time") from None


def _canonical(value: object) -> bytes:
    try:
        return canonicalize(value)
    except CanonicalJsonError as exc:
        raise TransactionError(exc.code, str(exc)) from None
