from __future__ import annotations

import json
from base64 import b64decode
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cityverse.modules.assets.identity import (
    BODY_TYPES,
    DOMAIN,
    SigningKey,
    TokenTransfer,
    TransactionError,
    build_payload,
    canonicalize,
    open_transaction,
    sign_transaction,
    signing_message,
)
from cityverse.modules.assets.identity.b64url import b64url_encode
from cityverse.modules.assets.ledger import Signer, sign_note
from modules.assets.identity.vectors import RFC8032

ALICE_SEED = bytes.fromhex(RFC8032[0][0])
ALICE = SigningKey(ALICE_SEED)
BOB = SigningKey(bytes.fromhex(RFC8032[1][0]))
WHEN = datetime(2026, 3, 1, 8, 30, 5, tzinfo=UTC)
NONCE = "AAAAAAAAAAAAAAAAAAAAAA"

BODIES: dict[str, dict[str, Any]] = {
    "work.register": {
        "work_id": "w-1",
        "content_sha256": "ab" * 32,
        "media_type": "model/gltf-binary",
        "title": "昆山 · 周庄 3D 模型",
    },
    "token.mint": {
        "token_id": "t-1",
        "collection_id": "c-1",
        "work_id": "w-1",
        "edition": 1,
        "owner": ALICE.did,
    },
    "token.transfer": {"token_id": "t-1", "to": BOB.did},
    "token.freeze": {"token_id": "t-1", "reason": "监管冻结"},
    "token.unfreeze": {"token_id": "t-1", "reason": "解除冻结"},
    "token.burn": {"token_id": "t-1", "reason": "holder request"},
}


def _payload(kind: str = "token.transfer", **changes: Any) -> dict[str, Any]:
    payload = build_payload(kind, ALICE.did, BODIES[kind], nonce=NONCE, issued_at=WHEN)
    return payload | changes


def _refused(entry: bytes, code: str) -> None:
    with pytest.raises(TransactionError) as raised:
        open_transaction(entry)
    assert raised.value.code == code


def _entry(payload: dict[str, Any], sig: str) -> bytes:
    return canonicalize({"payload": payload, "sig": sig})


def test_schemas_cover_every_type() -> None:
    assert set(BODIES) == set(BODY_TYPES)


@pytest.mark.parametrize("type", sorted(BODIES))
def test_every_type_round_trips(type: str) -> None:
    entry = sign_transaction(_payload(type), ALICE)
    transaction = open_transaction(entry)
    assert transaction.type == type
    assert transaction.actor == ALICE.did
    assert transaction.issued_at == WHEN
    assert transaction.body.model_dump() == BODIES[type]
    assert transaction.entry == entry
    assert len(transaction.digest) == 32


GOLDEN_ENTRY = (
    b'{"payload":{"actor":"did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw",'
    b'"body":{"to":"did:key:z6MkiaMbhXHNA4eJVCCj8dbzKzTgYDKf6crKgHVHid1F1WCT","token_id":"t-1"},'
    b'"issued_at":"2026-03-01T08:30:05Z","nonce":"AAAAAAAAAAAAAAAAAAAAAA",'
    b'"type":"token.transfer","v":1},'
    b'"sig":"7WhGr1IaDBX5RY-7dIuPkxzSQCnYyE-Mvrlds5eLDNDKqO-igbgryp-9t8OjjXQun6KW5i3SSy0Kco3c43CIAw"}'
)


def test_golden_entry_is_fixed_for_other_implementations() -> None:
    # RFC 8032 key 1 gifts to key 2. Ed25519 is deterministic, so a browser or any other
    # implementation must produce exactly these bytes for this payload.
    assert sign_transaction(_payload(), ALICE) == GOLDEN_ENTRY
    assert open_transaction(GOLDEN_ENTRY).body == TokenTransfer(token_id="t-1", to=BOB.did)
    assert signing_message(_payload()) == DOMAIN + canonicalize(_payload())


def test_a_browser_signature_over_the_signing_message_verifies() -> None:
    # The browser gets the canonical payload, prefixes the domain and signs with WebCrypto;
    # the server only assembles the entry.
    browser = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032[1][0]))
    payload = build_payload("token.transfer", BOB.did, BODIES["token.transfer"])
    signature = browser.sign(DOMAIN + canonicalize(payload))
    assert open_transaction(_entry(payload, b64url_encode(signature))).actor == BOB.did


def test_transfers_have_no_price() -> None:
    for field in ("price", "amount", "currency"):
        payload = _payload(body=BODIES["token.transfer"] | {field: 1})
        with pytest.raises(TransactionError) as raised:
            sign_transaction(payload, ALICE)
        assert raised.value.code == "bad_body"
    assert set(TokenTransfer.model_fields) == {"token_id", "to"}


def test_only_the_actor_can_sign() -> None:
    with pytest.raises(TransactionError) as raised:
        sign_transaction(_payload(), BOB)
    assert raised.value.code == "wrong_signer"
    forged = _entry(_payload(), b64url_encode(BOB.sign(signing_message(_payload()))))
    _refused(forged, "invalid_signature")


def test_signatures_without_the_domain_or_from_a_note_do_not_verify() -> None:
    bare = ALICE.sign(canonicalize(_payload()))
    _refused(_entry(_payload(), b64url_encode(bare)), "invalid_signature")
    # A checkpoint-style note signed by the same key over the same JSON, replayed as a tx.
    note = sign_note(canonicalize(_payload()).decode() + "\n", [Signer("alice", ALICE_SEED)])
    key_id_and_signature = b64decode(note.rsplit(" ", 1)[1])
    replayed = key_id_and_signature[4:]
    _refused(_entry(_payload(), b64url_encode(replayed)), "invalid_signature")


def test_every_byte_flip_is_refused() -> None:
    entry = sign_transaction(_payload(), ALICE)
    for index in range(len(entry)):
        for mask in (0x01, 0x20, 0x80, 0xFF):
            tampered = bytearray(entry)
            tampered[index] ^= mask
            with pytest.raises(TransactionError):
                open_transaction(bytes(tampered))


def test_truncations_and_extensions_are_refused() -> None:
    entry = sign_transaction(_payload(), ALICE)
    for end in range(len(entry)):
        with pytest.raises(TransactionError):
            open_transaction(entry[:end])
    for suffix in (b" ", b"\n", b"\0", b"{}"):
        with pytest.raises(TransactionError):
            open_transaction(entry + suffix)


def test_non_canonical_forms_of_a_valid_entry_are_refused() -> None:
    entry = sign_transaction(_payload(), ALICE)
    envelope = json.loads(entry)
    variants = [
        json.dumps(envelope).encode(),  # spaces after separators
        json.dumps(envelope, indent=2).encode(),
        json.dumps(envelope, sort_keys=False, ensure_ascii=True)
        .encode()
        .replace(b'"payload"', b'"\\u0070ayload"'),
        json.dumps(
            {"sig": envelope["sig"], "payload": envelope["payload"]}, separators=(",", ":")
        ).encode(),
        entry.replace(b'"v":1', b'"v":1.0'),
        entry.replace(b'"v":1', b'"v":1e0'),
        entry.replace(b'"v":1}', b'"v":1,"v":1}'),
        entry.replace(b'"type"', b'"\\u0074ype"'),
    ]
    for variant in variants:
        assert variant != entry
        with pytest.raises(TransactionError):
            open_transaction(variant)


def test_signature_encoding_is_strict() -> None:
    entry = sign_transaction(_payload(), ALICE)
    sig = json.loads(entry)["sig"]
    for bad in (sig + "==", sig.replace("_", "/").replace("-", "+"), sig[:-1], "", sig + "AA"):
        if bad != sig:
            _refused(_entry(_payload(), bad), "bad_signature")
    _refused(_entry(_payload(), 5), "bad_signature")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"v": 2}, "bad_version"),
        ({"v": True}, "bad_version"),
        ({"type": "token.sell"}, "unknown_type"),
        ({"type": 1}, "unknown_type"),
        ({"actor": "did:web:example.com"}, "bad_actor"),
        ({"actor": 5}, "bad_actor"),
        ({"nonce": "short"}, "bad_nonce"),
        ({"nonce": "A" * 65}, "bad_nonce"),
        ({"nonce": "AAAAAAAAAAAAAAAAAAAA+/"}, "bad_nonce"),
        ({"issued_at": "2026-03-01T08:30:05+00:00"}, "bad_time"),
        ({"issued_at": "2026-03-01T08:30:05.000Z"}, "bad_time"),
        ({"issued_at": "2026-03-01t08:30:05z"}, "bad_time"),
        ({"issued_at": "2026-02-30T08:30:05Z"}, "bad_time"),
        ({"issued_at": 1772353805}, "bad_time"),
        ({"body": {"token_id": "t-1"}}, "bad_body"),
        ({"body": {"token_id": 1, "to": BOB.did}}, "bad_body"),
        ({"body": {"token_id": "t-1", "to": "did:key:z6Mk"}}, "bad_body"),
        ({"body": []}, "bad_body"),
        ({"extra": 1}, "bad_fields"),
    ],
)
def test_invalid_payloads_are_refused(changes: dict[str, Any], code: str) -> None:
    payload = _payload(**changes)
    with pytest.raises(TransactionError) as raised:
        sign_transaction(payload, ALICE)
    assert raised.value.code == code
    signature = b64url_encode(ALICE.sign(DOMAIN + canonicalize(payload)))
    _refused(_entry(payload, signature), code)


def test_missing_fields_and_bad_envelopes_are_refused() -> None:
    payload = _payload()
    del payload["nonce"]
    with pytest.raises(TransactionError) as raised:
        sign_transaction(payload, ALICE)
    assert raised.value.code == "bad_fields"
    _refused(b"[]", "bad_envelope")
    _refused(canonicalize({"payload": [], "sig": ""}), "bad_envelope")
    _refused(canonicalize({"payload": _payload(), "sig": "", "x": 1}), "bad_envelope")
    _refused(b" " * 20_000, "too_large")


def test_times_are_written_in_utc_seconds() -> None:
    shanghai = timezone(timedelta(hours=8))
    payload = build_payload(
        "token.burn",
        ALICE.did,
        BODIES["token.burn"],
        issued_at=datetime(2026, 3, 1, 16, 30, 5, 999, shanghai),
    )
    assert payload["issued_at"] == "2026-03-01T08:30:05Z"
    with pytest.raises(TransactionError):
        build_payload("token.burn", ALICE.did, BODIES["token.burn"], issued_at=datetime(2026, 3, 1))


def test_nonces_are_fresh() -> None:
    first = build_payload("token.burn", ALICE.did, BODIES["token.burn"])
    second = build_payload("token.burn", ALICE.did, BODIES["token.burn"])
    assert first["nonce"] != second["nonce"]
