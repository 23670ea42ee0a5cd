"""Digital identities over HTTP: a custodial key is stored only under encryption; a user's own
key is registered with a proof of possession, and transactions it signs (here in the test, as a
browser would with WebCrypto) are verified, appended and applied."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.config import Settings
from cityverse.modules.assets.identity import (
    CustodialKey,
    ExternalKey,
    IdentityError,
    canonicalize,
    open_transaction,
)
from cityverse.modules.assets.identity.b64url import b64url_encode
from cityverse.modules.assets.keys import service as keys
from cityverse.modules.assets.keys.models import UserKey
from cityverse.modules.assets.ledger import service as ledger
from tests_support import audit_actions

from .conftest import Creator, png_bytes, upload


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def _key_rows(app: FastAPI) -> list[UserKey]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(UserKey).order_by(UserKey.id)))


async def test_a_custodial_key_is_made_on_request_and_stored_only_encrypted(
    app: FastAPI, settings: Settings, creator: Creator
) -> None:
    alice = await creator("alice")
    before = (await alice.get("/api/identity")).json()
    assert before["did"] is None and before["realname_verified"] is True
    made = await alice.post("/api/identity/custodial")
    assert made.status_code == 201
    did = made.json()["did"]
    assert made.json()["kind"] == "custodial"
    assert (await alice.post("/api/identity/custodial")).status_code == 409

    [row] = await _key_rows(app)
    assert row.did == did and row.wrapped_data_key and row.sealed_seed
    record = CustodialKey(str(row.user_id), row.did, row.wrapped_data_key, row.sealed_seed)
    seed = record.unlock(keys.custodial_kek(settings))._key.private_bytes_raw()
    for column in (row.wrapped_data_key, row.sealed_seed, row.did.encode()):
        assert seed not in column
    with pytest.raises(IdentityError):
        record.unlock(b"\x07" * 32)
    # The same record on another user's row does not open: the owner is bound in.
    moved = CustodialKey("999", row.did, row.wrapped_data_key, row.sealed_seed)
    with pytest.raises(IdentityError):
        moved.unlock(keys.custodial_kek(settings))


async def test_identity_needs_a_verified_real_name(signed_in) -> None:
    visitor = await signed_in("visitor1")
    assert (await visitor.get("/api/identity")).json()["realname_verified"] is False
    refused = await visitor.post("/api/identity/custodial")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "realname_required"


class BrowserKey:
    """What a browser holds: a private key it never sends."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.public_key = b64url_encode(self.key.public_key().public_bytes_raw())

    def sign(self, message: bytes) -> str:
        return b64url_encode(self.key.sign(message))

    async def register(self, client: httpx.AsyncClient, username: str) -> httpx.Response:
        identity = (await client.get("/api/identity")).json()
        did = ExternalKey.from_public_key(_b64url_decode(self.public_key)).did
        text = f"{identity['key_proof_prefix']}{username}\n{did}".encode()
        return await client.put("/api/identity/external-key",
                                json={"public_key": self.public_key, "proof": self.sign(text)})


async def test_an_own_key_signs_a_registration_in_the_browser(
    app: FastAPI, creator: Creator, client: httpx.AsyncClient
) -> None:
    bob = await creator("bob")
    browser = BrowserKey()
    registered = await browser.register(bob, "bob")
    assert registered.status_code == 200, registered.text
    did = registered.json()["did"]
    assert registered.json()["kind"] == "external"

    uploaded = (await upload(bob, png_bytes((5, 5, 5)), title="自签名作品")).json()
    work, signing = uploaded["work"], uploaded["signing"]
    assert work["status"] == "awaiting_signature" and work["log_index"] is None
    assert work["creator_did"] == did
    assert (await client.get(f"/api/works/{work['id']}")).status_code == 404  # not public yet

    signature = browser.sign(_b64url_decode(signing["message"]))
    submitted = await bob.post("/api/identity/transactions/submit",
                               json={"payload": signing["payload"], "signature": signature})
    assert submitted.status_code == 201, submitted.text
    result = submitted.json()
    assert result["type"] == "work.register"
    assert result["result"] == {"work_id": work["id"], "status": "registered"}
    public = (await client.get(f"/api/works/{work['id']}")).json()
    assert public["status"] == "registered" and public["log_index"] == result["log_index"]

    async with app.state.sessionmaker() as session:
        entry = await ledger.get_entry(session, result["log_index"])
    assert open_transaction(entry.data).actor == did
    assert "assets.transaction.submit" in await audit_actions(app)
    assert "assets.key.register_external" in await audit_actions(app)

    replay = await bob.post("/api/identity/transactions/submit",
                            json={"payload": signing["payload"], "signature": signature})
    assert replay.status_code == 409


async def test_bad_signatures_and_foreign_payloads_are_refused(
    app: FastAPI, creator: Creator
) -> None:
    bob, eve = await creator("bob"), await creator("eve")
    browser, other = BrowserKey(), BrowserKey()
    assert (await browser.register(bob, "bob")).status_code == 200
    signing = (await upload(bob, png_bytes((9, 9, 9)))).json()["signing"]
    message = _b64url_decode(signing["message"])

    forged = await bob.post("/api/identity/transactions/submit",
                            json={"payload": signing["payload"], "signature": other.sign(message)})
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "bad_transaction"

    changed = dict(signing["payload"], body=dict(signing["payload"]["body"], title="改过的标题"))
    tampered = await bob.post("/api/identity/transactions/submit",
                              json={"payload": changed, "signature": browser.sign(message)})
    assert tampered.status_code == 422

    # Eve has no own key: she cannot submit at all, not even Bob's signed payload.
    stolen = await eve.post("/api/identity/transactions/submit", json={
        "payload": signing["payload"], "signature": browser.sign(message)})
    assert stolen.status_code == 409
    assert stolen.json()["error"]["code"] == "external_key_required"

    old = dict(signing["payload"], issued_at=(datetime.now(UTC) - timedelta(hours=1))
               .strftime("%Y-%m-%dT%H:%M:%SZ"))
    expired = await bob.post("/api/identity/transactions/submit", json={
        "payload": old, "signature": browser.sign(b"cityverse-tx-v1\n" + _canonical(old))})
    assert expired.status_code == 422
    assert expired.json()["error"]["code"] == "transaction_expired"
    async with app.state.sessionmaker() as session:
        assert await ledger.log_size(session) == 0


def _canonical(payload: dict[str, object]) -> bytes:
    return canonicalize(payload)


async def test_prepare_builds_a_payload_for_the_own_key(creator: Creator) -> None:
    bob = await creator("bob")
    body = {"work_id": "w1", "content_sha256": "ab" * 32, "media_type": "image/png",
            "title": "作品"}
    refused = await bob.post("/api/identity/transactions/prepare",
                             json={"type": "work.register", "body": body})
    assert refused.status_code == 409  # custodial users do not sign in the browser
    browser = BrowserKey()
    did = (await browser.register(bob, "bob")).json()["did"]
    prepared = await bob.post("/api/identity/transactions/prepare",
                              json={"type": "work.register", "body": body})
    assert prepared.status_code == 200
    payload = prepared.json()["payload"]
    assert payload["actor"] == did and payload["body"] == body
    assert _b64url_decode(prepared.json()["message"]) == b"cityverse-tx-v1\n" + _canonical(payload)
    unknown = await bob.post("/api/identity/transactions/prepare",
                             json={"type": "token.launder", "body": {}})
    assert unknown.status_code == 422
    bad = await bob.post("/api/identity/transactions/prepare",
                         json={"type": "work.register", "body": {"title": 1}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_transaction"
    assert json.dumps(payload, ensure_ascii=False)


async def test_a_wrong_proof_of_possession_is_refused(creator: Creator) -> None:
    bob = await creator("bob")
    browser, other = BrowserKey(), BrowserKey()
    response = await bob.put("/api/identity/external-key", json={
        "public_key": browser.public_key, "proof": other.sign(b"anything")})
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_key_proof"
    response = await bob.put("/api/identity/external-key", json={
        "public_key": "A" * 43, "proof": other.sign(b"x")})
    assert response.status_code == 422
