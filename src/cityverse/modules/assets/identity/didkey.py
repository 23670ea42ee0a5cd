"""The did:key method for Ed25519 keys (W3C CCG did:key v0.7).

``did:key:z<base58btc(0xed 0x01 || 32-byte public key)>``: the multicodec ``ed25519-pub`` varint
prefix, then the raw key, in multibase base58btc. The DID document is derived from the key
alone, so resolving one needs no network and no database.
"""

from __future__ import annotations

import functools
from typing import Any

from cityverse.modules.assets.identity import base58
from cityverse.modules.assets.identity.errors import IdentityError

DID_KEY_PREFIX = "did:key:"
MULTIBASE_BASE58BTC = "z"
ED25519_PUB_MULTICODEC = b"\xed\x01"
ED25519_PUBLIC_KEY_SIZE = 32
MAX_DID_LENGTH = 128
"""Far above the 56 characters of an Ed25519 did:key; bounds the base58 work on hostile input."""

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def multibase_from_public_key(public_key: bytes) -> str:
    """The ``publicKeyMultibase`` form: ``z`` + base58btc(multicodec prefix || key)."""
    if len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        raise IdentityError(
            "wrong_length", f"Ed25519 public keys are 32 bytes, got {len(public_key)}"
        )
    return MULTIBASE_BASE58BTC + base58.encode(ED25519_PUB_MULTICODEC + public_key)


def public_key_from_multibase(value: str) -> bytes:
    if not value.startswith(MULTIBASE_BASE58BTC):
        raise IdentityError("wrong_multibase", "only multibase base58btc ('z') is supported")
    try:
        raw = base58.decode(value[1:])
    except base58.Base58Error as exc:
        code = "non_canonical" if "canonical" in str(exc) else "bad_character"
        raise IdentityError(code, str(exc)) from None
    if not raw.startswith(ED25519_PUB_MULTICODEC):
        raise IdentityError("wrong_codec", "the multicodec prefix is not ed25519-pub (0xed 0x01)")
    key = raw[len(ED25519_PUB_MULTICODEC) :]
    if len(key) != ED25519_PUBLIC_KEY_SIZE:
        raise IdentityError("wrong_length", f"Ed25519 public keys are 32 bytes, got {len(key)}")
    return key


def did_from_public_key(public_key: bytes) -> str:
    return DID_KEY_PREFIX + multibase_from_public_key(public_key)


@functools.lru_cache(maxsize=4096)
def public_key_from_did(did: str) -> bytes:
    """The 32-byte Ed25519 public key of a ``did:key`` DID; DID URLs (``#``, ``?``) are refused.

    Cached: the same few actors sign most transactions, and base58 decoding is not free.
    """
    if len(did) > MAX_DID_LENGTH:
        raise IdentityError("wrong_length", "DID too long for an Ed25519 did:key")
    if not did.startswith(DID_KEY_PREFIX):
        raise IdentityError("not_did_key", "not a did:key DID")
    return public_key_from_multibase(did[len(DID_KEY_PREFIX) :])


def did_document(did: str) -> dict[str, Any]:
    """The DID document the did:key method derives, with a Multikey verification method."""
    multibase = did[len(DID_KEY_PREFIX) :]
    public_key_from_did(did)  # validates before anything is built from it
    method_id = f"{did}#{multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }
