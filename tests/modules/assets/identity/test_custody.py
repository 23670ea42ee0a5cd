from __future__ import annotations

import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cityverse.modules.assets.identity import (
    CustodialKey,
    ExternalKey,
    IdentityError,
    SigningKey,
    did_from_public_key,
)
from modules.assets.identity.vectors import RFC8032

KEK = bytes(range(32))
OTHER_KEK = bytes(range(1, 33))


def test_generated_key_signs_under_its_did() -> None:
    key = CustodialKey.generate("user-1", KEK)
    signature = key.sign(b"hello", KEK)
    Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, b"hello")
    assert key.did == did_from_public_key(key.public_key)
    assert key.unlock(KEK).did == key.did


def test_record_is_json_safe_and_round_trips() -> None:
    key = CustodialKey.generate("user-1", KEK)
    record = json.loads(json.dumps(key.to_dict()))
    assert set(record) == {"v", "kind", "owner_id", "did", "wrapped_data_key", "sealed_seed"}
    restored = CustodialKey.from_dict(record)
    assert restored == key
    assert restored.unlock(KEK).public_key == key.public_key


def test_the_seed_is_not_in_the_record() -> None:
    seed = os.urandom(32)
    key = CustodialKey.from_seed("user-1", seed, KEK)
    assert seed not in key.wrapped_data_key + key.sealed_seed
    assert key.unlock(KEK).did == SigningKey(seed).did


def test_each_key_gets_its_own_data_key_and_nonces() -> None:
    seed = os.urandom(32)
    first, second = (CustodialKey.from_seed("user-1", seed, KEK) for _ in range(2))
    assert first.sealed_seed != second.sealed_seed
    assert first.wrapped_data_key != second.wrapped_data_key


def _refused(key: CustodialKey, kek: bytes = KEK, code: str = "unwrap_failed") -> None:
    with pytest.raises(IdentityError) as raised:
        key.unlock(kek)
    assert raised.value.code == code


def test_wrong_kek_is_refused() -> None:
    _refused(CustodialKey.generate("user-1", KEK), OTHER_KEK)


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_kek_must_be_32_bytes(size: int) -> None:
    with pytest.raises(IdentityError) as raised:
        CustodialKey.generate("user-1", bytes(size))
    assert raised.value.code == "bad_kek"
    _refused(CustodialKey.generate("user-1", KEK), bytes(size), "bad_kek")


def test_a_record_moved_to_another_owner_does_not_open() -> None:
    key = CustodialKey.generate("user-1", KEK)
    _refused(CustodialKey("user-2", key.did, key.wrapped_data_key, key.sealed_seed))


def test_parts_swapped_between_records_do_not_open() -> None:
    mine = CustodialKey.generate("user-1", KEK)
    theirs = CustodialKey.generate("user-2", KEK)
    _refused(CustodialKey("user-1", mine.did, theirs.wrapped_data_key, mine.sealed_seed))
    _refused(CustodialKey("user-1", mine.did, mine.wrapped_data_key, theirs.sealed_seed))
    # The other owner's DID on my row: the associated data names the DID, so this fails too.
    _refused(CustodialKey("user-1", theirs.did, mine.wrapped_data_key, mine.sealed_seed))


def test_every_flipped_ciphertext_byte_is_refused() -> None:
    key = CustodialKey.generate("user-1", KEK)
    for field in ("wrapped_data_key", "sealed_seed"):
        sealed = getattr(key, field)
        for index in range(len(sealed)):
            flipped = bytearray(sealed)
            flipped[index] ^= 0x01
            parts = {"wrapped_data_key": key.wrapped_data_key, "sealed_seed": key.sealed_seed}
            parts[field] = bytes(flipped)
            _refused(CustodialKey("user-1", key.did, **parts))


def test_rewrap_moves_the_key_to_a_new_kek_and_keeps_the_sealed_seed() -> None:
    key = CustodialKey.generate("user-1", KEK)
    rotated = key.rewrap(KEK, OTHER_KEK)
    assert rotated.sealed_seed == key.sealed_seed
    assert rotated.did == key.did
    assert rotated.unlock(OTHER_KEK).public_key == key.public_key
    _refused(rotated, KEK)
    with pytest.raises(IdentityError):
        key.rewrap(OTHER_KEK, KEK)


@pytest.mark.parametrize(
    "change",
    [
        {"v": 2},
        {"v": True},
        {"kind": "external"},
        {"owner_id": 7},
        {"did": "did:key:z6Mk"},
        {"sealed_seed": "AAAA===="},
        {"wrapped_data_key": "AB"},
        {"extra": "field"},
    ],
)
def test_malformed_records_are_refused(change: dict[str, object]) -> None:
    record = CustodialKey.generate("user-1", KEK).to_dict() | change
    with pytest.raises(IdentityError):
        CustodialKey.from_dict(record)


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_signing_key_reproduces_rfc8032(
    secret: str, public: str, message: str, signature: str
) -> None:
    key = SigningKey(bytes.fromhex(secret))
    assert key.public_key.hex() == public
    assert key.sign(bytes.fromhex(message)).hex() == signature
    custodial = CustodialKey.from_seed("user-1", bytes.fromhex(secret), KEK)
    assert custodial.sign(bytes.fromhex(message), KEK).hex() == signature


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_external_key_verifies_browser_signatures(
    secret: str, public: str, message: str, signature: str
) -> None:
    external = ExternalKey.from_public_key(bytes.fromhex(public))
    assert external.verify(bytes.fromhex(message), bytes.fromhex(signature))
    assert not external.verify(bytes.fromhex(message) + b"x", bytes.fromhex(signature))
    tampered = bytearray(bytes.fromhex(signature))
    tampered[0] ^= 1
    assert not external.verify(bytes.fromhex(message), bytes(tampered))
    assert not external.verify(bytes.fromhex(message), b"short")
    assert ExternalKey.from_dict(json.loads(json.dumps(external.to_dict()))) == external


def test_external_key_needs_a_valid_did() -> None:
    with pytest.raises(IdentityError):
        ExternalKey("did:web:example.com")
    with pytest.raises(IdentityError):
        ExternalKey.from_dict({"v": 1, "kind": "custodial", "did": "x"})
