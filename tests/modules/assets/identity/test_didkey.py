from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cityverse.modules.assets.identity import (
    IdentityError,
    base58,
    did_document,
    did_from_public_key,
    public_key_from_did,
)
from modules.assets.identity.vectors import (
    RFC8032,
    SPEC_EXAMPLE_DID,
    SPEC_EXAMPLE_PUBLIC_KEY,
    ZERO_SEED_DID,
    ZERO_SEED_PUBLIC_KEY,
)


def test_zero_seed_vector_from_the_did_key_spec() -> None:
    public_key = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key().public_bytes_raw()
    assert public_key.hex() == ZERO_SEED_PUBLIC_KEY
    assert did_from_public_key(public_key) == ZERO_SEED_DID
    assert public_key_from_did(ZERO_SEED_DID) == public_key


def test_spec_example_did_decodes_to_its_key_and_back() -> None:
    public_key = public_key_from_did(SPEC_EXAMPLE_DID)
    assert public_key.hex() == SPEC_EXAMPLE_PUBLIC_KEY
    assert did_from_public_key(public_key) == SPEC_EXAMPLE_DID


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_rfc8032_keys_round_trip(secret: str, public: str, message: str, signature: str) -> None:
    did = did_from_public_key(bytes.fromhex(public))
    assert did.startswith("did:key:z6Mk")
    assert public_key_from_did(did) == bytes.fromhex(public)


def _did_of(raw: bytes) -> str:
    return "did:key:z" + base58.encode(raw)


KEY = bytes.fromhex(SPEC_EXAMPLE_PUBLIC_KEY)
BAD_DIDS = [
    ("did:web:example.com", "not_did_key"),
    ("DID:KEY:" + SPEC_EXAMPLE_DID[8:], "not_did_key"),
    ("did:key:" + "f" + KEY.hex(), "wrong_multibase"),
    ("did:key:" + SPEC_EXAMPLE_DID[9:], "wrong_multibase"),
    (SPEC_EXAMPLE_DID + "#" + SPEC_EXAMPLE_DID[8:], "bad_character"),
    (SPEC_EXAMPLE_DID + " ", "bad_character"),
    (SPEC_EXAMPLE_DID[:-1] + "0", "bad_character"),
    (SPEC_EXAMPLE_DID[:-1] + "l", "bad_character"),
    (_did_of(b"\xe7\x01" + KEY), "wrong_codec"),  # secp256k1-pub
    (_did_of(b"\xec\x01" + KEY), "wrong_codec"),  # x25519-pub
    (_did_of(b"\xed" + KEY), "wrong_codec"),
    (_did_of(b"\0\xed\x01" + KEY), "wrong_codec"),  # a leading zero byte, written as "1"
    ("did:key:z1" + SPEC_EXAMPLE_DID[9:], "wrong_codec"),
    (_did_of(b"\xed\x01" + KEY[:31]), "wrong_length"),
    (_did_of(b"\xed\x01" + KEY + b"\0"), "wrong_length"),
    ("did:key:z", "wrong_codec"),
    ("did:key:z" + "2" * 200, "wrong_length"),
]


@pytest.mark.parametrize(("did", "code"), BAD_DIDS)
def test_invalid_dids_are_refused_with_a_code(did: str, code: str) -> None:
    with pytest.raises(IdentityError) as raised:
        public_key_from_did(did)
    assert raised.value.code == code


@pytest.mark.parametrize("size", [0, 31, 33, 64])
def test_only_32_byte_keys_get_a_did(size: int) -> None:
    with pytest.raises(IdentityError, match="32 bytes"):
        did_from_public_key(bytes(size))


def test_did_document_has_the_shape_the_spec_shows() -> None:
    method_id = f"{SPEC_EXAMPLE_DID}#{SPEC_EXAMPLE_DID[8:]}"
    assert did_document(SPEC_EXAMPLE_DID) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": SPEC_EXAMPLE_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": SPEC_EXAMPLE_DID,
                "publicKeyMultibase": SPEC_EXAMPLE_DID[8:],
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def test_did_document_of_an_invalid_did_is_refused() -> None:
    with pytest.raises(IdentityError):
        did_document("did:key:z6Mk")
