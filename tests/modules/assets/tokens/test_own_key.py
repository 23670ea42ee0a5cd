"""Owners with their own Ed25519 key gift and burn tokens by signing in the browser: the token
API prepares the payload, a real private key (here in Python) signs the exact bytes, the
identity API's submit verifies, appends and applies it."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from cityverse.modules.assets.identity import ExternalKey, open_transaction
from cityverse.modules.assets.identity.b64url import b64url_decode, b64url_encode
from cityverse.modules.assets.ledger import service as ledger
from tests_support import audit_actions

from .conftest import People, age_tokens, approved_collection, log_size


class BrowserKey:
    """What a browser holds: a private key it never sends."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.public_key = b64url_encode(self.key.public_key().public_bytes_raw())
        self.did = ExternalKey.from_public_key(self.key.public_key().public_bytes_raw()).did

    def sign(self, message: bytes) -> str:
        return b64url_encode(self.key.sign(message))

    async def register(self, client: httpx.AsyncClient, username: str) -> None:
        identity = (await client.get("/api/identity")).json()
        text = f"{identity['key_proof_prefix']}{username}\n{self.did}".encode()
        response = await client.put("/api/identity/external-key", json={
            "public_key": self.public_key, "proof": self.sign(text)})
        assert response.status_code == 200, response.text

    async def sign_and_submit(
        self, client: httpx.AsyncClient, prepared: httpx.Response
    ) -> httpx.Response:
        assert prepared.status_code == 200, prepared.text
        body = prepared.json()
        return await client.post("/api/identity/transactions/submit", json={
            "payload": body["payload"], "signature": self.sign(b64url_decode(body["message"]))})


def token_url(collection_id: int, serial: int = 1) -> str:
    return f"/api/assets/collections/{collection_id}/tokens/{serial}"


async def own_key_holder(app: FastAPI, people: People) -> tuple[int, BrowserKey]:
    """A collection whose token 1 the collector (with their own key) holds past the period."""
    browser = BrowserKey()
    await browser.register(people.collector, "zhouhang")
    collection_id = await approved_collection(people)
    await age_tokens(app, collection_id)
    gift = await people.creator.post(f"{token_url(collection_id)}/gift",
                                     json={"to_username": "zhouhang"})
    assert gift.status_code == 200, gift.text
    await age_tokens(app, collection_id)
    return collection_id, browser


async def test_an_own_key_owner_gifts_by_signing_the_prepared_bytes(
    app: FastAPI, people: People
) -> None:
    collection_id, browser = await own_key_holder(app, people)
    url = token_url(collection_id)
    custodial_route = await people.collector.post(f"{url}/gift", json={"to_username": "lina"})
    assert custodial_route.status_code == 409
    assert custodial_route.json()["error"]["code"] == "asset_sign_in_browser"

    prepared = await people.collector.post(f"{url}/gift/prepare", json={"to_username": "lina"})
    payload = prepared.json()["payload"]
    assert payload["type"] == "token.transfer" and payload["actor"] == browser.did
    friend_did = (await people.friend.get("/api/identity")).json()["did"]
    assert payload["body"] == {"token_id": f"{collection_id}.1", "to": friend_did}
    size = await log_size(app)
    submitted = await browser.sign_and_submit(people.collector, prepared)
    assert submitted.status_code == 201, submitted.text
    result = submitted.json()
    assert result["result"]["event"] == "transfer" and result["log_index"] == size

    token = (await people.friend.get(url)).json()
    assert token["owner"]["username"] == "lina"
    events = (await people.friend.get(f"{url}/provenance")).json()["events"]
    assert [e["kind"] for e in events] == ["mint", "transfer", "transfer"]
    async with app.state.sessionmaker() as session:
        entry = await ledger.get_entry(session, result["log_index"])
    transaction = open_transaction(entry.data)  # the browser's signature, verified again
    assert transaction.actor == browser.did and transaction.type == "token.transfer"
    actions = await audit_actions(app)
    assert "asset.token.transfer" in actions and "assets.transaction.submit" in actions


async def test_an_own_key_owner_burns_by_signing(app: FastAPI, people: People) -> None:
    collection_id, browser = await own_key_holder(app, people)
    url = token_url(collection_id)
    prepared = await people.collector.post(f"{url}/burn/prepare", json={"reason": "不再收藏"})
    submitted = await browser.sign_and_submit(people.collector, prepared)
    assert submitted.status_code == 201, submitted.text
    token = (await people.collector.get(url)).json()
    assert token["burned_at"] is not None and token["owner"] is None


async def test_signed_token_actions_are_checked_again_at_submit(
    app: FastAPI, people: People
) -> None:
    collection_id, browser = await own_key_holder(app, people)
    url = token_url(collection_id)
    prepared = await people.collector.post(f"{url}/gift/prepare", json={"to_username": "lina"})
    assert prepared.status_code == 200
    # Frozen between prepare and submit: refused, and nothing reaches the log.
    frozen = await people.officer.post(f"{url}/freeze", json={"reason": "核查"})
    assert frozen.status_code == 200
    size = await log_size(app)
    refused = await browser.sign_and_submit(people.collector, prepared)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "asset_token_frozen"
    assert await log_size(app) == size
    assert (await people.collector.post(f"{url}/gift/prepare",
                                        json={"to_username": "lina"})).status_code == 409


async def test_own_key_preparation_is_refused_to_others_and_bad_signatures_fail(
    app: FastAPI, people: People
) -> None:
    collection_id, browser = await own_key_holder(app, people)
    url = token_url(collection_id)
    # Custodial users use the plain routes; they have nothing to sign in a browser.
    custodial = await people.creator.post(f"{token_url(collection_id, 2)}/gift/prepare",
                                          json={"to_username": "lina"})
    assert custodial.status_code == 409
    assert custodial.json()["error"]["code"] == "external_key_required"
    # Someone else's own key cannot prepare (not the owner) nor submit the owner's payload.
    other = BrowserKey()
    await other.register(people.friend, "lina")
    not_owner = await people.friend.post(f"{url}/gift/prepare", json={"to_username": "linyue"})
    assert not_owner.status_code == 403
    prepared = await people.collector.post(f"{url}/gift/prepare", json={"to_username": "lina"})
    stolen = await other.sign_and_submit(people.friend, prepared)
    assert stolen.status_code in (403, 422)
    body = prepared.json()
    forged = await people.collector.post("/api/identity/transactions/submit", json={
        "payload": body["payload"], "signature": other.sign(b64url_decode(body["message"]))})
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "bad_transaction"
    # A payload changed after signing (another recipient) does not verify either.
    assert body["payload"]["body"]["to"] == other.did  # the friend's own key receives
    creator_did = (await people.creator.get("/api/identity")).json()["did"]
    changed = {**body["payload"], "body": {**body["payload"]["body"], "to": creator_did}}
    tampered = await people.collector.post("/api/identity/transactions/submit", json={
        "payload": changed, "signature": browser.sign(b64url_decode(body["message"]))})
    assert tampered.status_code == 422
    assert (await people.collector.get(url)).json()["owner"]["username"] == "zhouhang"
