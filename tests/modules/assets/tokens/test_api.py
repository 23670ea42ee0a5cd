"""Collections and tokens over HTTP: every circulation rule, the audit trail, and provenance
proofs that verify against the signed checkpoint."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.modules.assets.identity import open_transaction
from cityverse.modules.assets.ledger import Verifier, leaf_hash, open_checkpoint, verify_inclusion
from tests_support import audit_actions

from .conftest import (
    PDF,
    PNG,
    People,
    age_tokens,
    approved_collection,
    log_size,
    png_bytes,
    register_work,
)

TOKENS = "/api/assets/collections/{}/tokens/{}"


async def test_a_creator_proposes_and_an_officer_approval_mints_every_edition(
    app: FastAPI, people: People
) -> None:
    created = await people.propose(people.creator, files=[("a.png", PNG), ("b.pdf", PDF)])
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "pending"
    assert [d["media_type"] for d in body["documents"]] == ["image/png", "application/pdf"]
    # Not public yet; in the officer's queue with its documents.
    assert (await people.collector.get(f"/api/assets/collections/{body['id']}")).status_code == 404
    queue = (await people.officer.get("/api/assets/review/collections")).json()
    assert [c["id"] for c in queue["items"]] == [body["id"]]
    doc = body["documents"][1]
    download = await people.officer.get(
        f"/api/assets/collections/{body['id']}/documents/{doc['id']}")
    assert download.content == PDF
    stranger = await people.collector.get(
        f"/api/assets/collections/{body['id']}/documents/{doc['id']}")
    assert stranger.status_code == 404

    size = await log_size(app)
    approved = await people.officer.post(f"/api/assets/collections/{body['id']}/review",
                                         json={"approve": True})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    tokens = (await people.collector.get(f"/api/assets/collections/{body['id']}/tokens")).json()
    assert [t["serial"] for t in tokens["items"]] == [1, 2, 3]
    assert {t["owner"]["username"] for t in tokens["items"]} == {"linyue"}
    assert await log_size(app) == size + 3
    actions = await audit_actions(app)
    assert "asset.collection.propose" in actions and "asset.collection.approve" in actions


async def test_proposals_are_checked_and_a_refused_one_leaves_nothing(
    app: FastAPI, people: People
) -> None:
    fake_png = await people.propose(people.creator, files=[("x.png", b"MZ\x90\x00 not an image")])
    assert fake_png.status_code == 415
    assert fake_png.json()["error"]["code"] == "asset_document_type"
    too_big = await people.propose(people.creator,
                                   files=[("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))])
    assert too_big.status_code == 413
    for editions in ("0", "10001"):
        bad = await people.propose(people.creator, edition_count=editions)
        assert bad.status_code == 422
    assert (await people.propose(people.creator, files=[])).status_code == 422
    unverified = await people.propose(people.unverified)
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "asset_realname_required"
    visitor = await people.propose(people.collector)
    assert visitor.status_code == 403
    mine = (await people.creator.get("/api/assets/collections/mine")).json()
    assert mine["total"] == 0
    assert "asset.collection.propose" not in await audit_actions(app)


async def test_rejection_needs_a_reason_and_nobody_reviews_their_own(
    app: FastAPI, people: People
) -> None:
    created = (await people.propose(people.creator)).json()
    url = f"/api/assets/collections/{created['id']}/review"
    assert (await people.officer.post(url, json={"approve": False})).status_code == 422
    assert (await people.creator.post(url, json={"approve": True})).status_code == 403
    size = await log_size(app)
    rejected = await people.officer.post(url, json={"approve": False, "reason": "授权不完整"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "授权不完整"
    again = await people.officer.post(url, json={"approve": True})
    assert again.status_code == 409
    assert await log_size(app) == size


async def test_an_officer_who_creates_cannot_approve_their_own_collection(
    app: FastAPI, people: People, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]
) -> None:
    both = await signed_in("chenli", Role.OFFICER, Role.CREATOR)
    async with app.state.sessionmaker() as session, session.begin():
        user = await accounts.find_user(session, "chenli")
        assert user is not None
        await accounts.set_realname_state(session, user.id, "approved", "陈立")
    own_work = await register_work(both, png_bytes((10, 120, 200)))
    created = await people.propose(both, work_id=own_work)
    assert created.status_code == 201, created.text
    own = await both.post(f"/api/assets/collections/{created.json()['id']}/review",
                          json={"approve": True})
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "asset_self_review"


async def test_the_holding_period_refuses_early_gifts_with_the_date(
    app: FastAPI, people: People
) -> None:
    collection_id = await approved_collection(people)
    early = await people.creator.post(TOKENS.format(collection_id, 1) + "/gift",
                                      json={"to_username": "zhouhang"})
    assert early.status_code == 409
    error = early.json()["error"]
    assert error["code"] == "asset_holding_period"
    token = (await people.creator.get(TOKENS.format(collection_id, 1))).json()
    assert token["transferable_at"][:10] in error["message"]
    await age_tokens(app, collection_id)
    gift = await people.creator.post(TOKENS.format(collection_id, 1) + "/gift",
                                     json={"to_username": "zhouhang"})
    assert gift.status_code == 200, gift.text
    held = gift.json()
    assert held["owner"]["username"] == "zhouhang"
    # The new holder's own holding period starts now.
    regift = await people.collector.post(TOKENS.format(collection_id, 1) + "/gift",
                                         json={"to_username": "lina"})
    assert regift.status_code == 409
    mine = (await people.collector.get("/api/assets/tokens/mine")).json()
    assert [t["token_id"] for t in mine["items"]] == [f"{collection_id}.1"]
    assert "asset.token.transfer" in await audit_actions(app)


async def test_only_real_name_users_give_and_receive_and_only_the_owner_gives(
    app: FastAPI, people: People
) -> None:
    collection_id = await approved_collection(people)
    await age_tokens(app, collection_id)
    size = await log_size(app)
    url = TOKENS.format(collection_id, 1) + "/gift"
    to_unverified = await people.creator.post(url, json={"to_username": "sunlei"})
    assert to_unverified.status_code == 409
    assert to_unverified.json()["error"]["code"] == "asset_recipient_not_realname"
    nobody = await people.creator.post(url, json={"to_username": "nobody_here"})
    assert nobody.status_code == 404
    to_self = await people.creator.post(url, json={"to_username": "linyue"})
    assert to_self.status_code == 409
    not_owner = await people.collector.post(url, json={"to_username": "lina"})
    assert not_owner.status_code == 403
    priced = await people.creator.post(url, json={"to_username": "zhouhang", "price": 100})
    assert priced.status_code == 422
    burn_by_other = await people.collector.post(TOKENS.format(collection_id, 1) + "/burn",
                                                json={"reason": "不要了"})
    assert burn_by_other.status_code == 403
    # Nothing half-written: no log entry, no owner change, no audit.
    assert await log_size(app) == size
    token = (await people.creator.get(TOKENS.format(collection_id, 1))).json()
    assert token["owner"]["username"] == "linyue"
    assert "asset.token.transfer" not in await audit_actions(app)


async def test_frozen_tokens_cannot_move_or_burn_and_only_officers_freeze(
    app: FastAPI, people: People
) -> None:
    collection_id = await approved_collection(people)
    await age_tokens(app, collection_id)
    token = TOKENS.format(collection_id, 2)
    by_owner = await people.creator.post(token + "/freeze", json={"reason": "自己冻结"})
    assert by_owner.status_code == 403
    frozen = await people.officer.post(token + "/freeze", json={"reason": "涉嫌违规流转"})
    assert frozen.status_code == 200, frozen.text
    assert frozen.json()["frozen"] is True
    size = await log_size(app)
    gift = await people.creator.post(token + "/gift", json={"to_username": "zhouhang"})
    assert gift.status_code == 409
    assert gift.json()["error"]["code"] == "asset_token_frozen"
    burn = await people.creator.post(token + "/burn", json={"reason": "销毁"})
    assert burn.status_code == 409
    twice = await people.officer.post(token + "/freeze", json={"reason": "again"})
    assert twice.status_code == 409
    assert await log_size(app) == size
    thawed = await people.officer.post(token + "/unfreeze", json={"reason": "核查无误"})
    assert thawed.json()["frozen"] is False
    burned = await people.creator.post(token + "/burn", json={"reason": "收藏调整"})
    assert burned.status_code == 200
    assert burned.json()["owner"] is None and burned.json()["burned_at"]
    again = await people.creator.post(token + "/gift", json={"to_username": "zhouhang"})
    assert again.status_code == 409
    actions = await audit_actions(app)
    for action in ("freeze", "unfreeze", "burn"):
        assert f"asset.token.{action}" in actions


async def test_provenance_proofs_verify_against_the_signed_checkpoint(
    app: FastAPI, people: People, client: httpx.AsyncClient
) -> None:
    collection_id = await approved_collection(people)
    await age_tokens(app, collection_id)
    token = TOKENS.format(collection_id, 3)
    await people.creator.post(token + "/gift", json={"to_username": "zhouhang"})
    await people.officer.post(token + "/freeze", json={"reason": "抽查"})
    await people.officer.post(token + "/unfreeze", json={"reason": "抽查结束"})
    await app.state.ledger_appender.checkpoint()

    history = (await client.get(token + "/provenance")).json()
    assert [e["kind"] for e in history["events"]] == ["mint", "transfer", "freeze", "unfreeze"]
    gift = history["events"][1]
    assert (gift["from_user"]["username"], gift["to_user"]["username"]) == ("linyue", "zhouhang")
    key = (await client.get("/api/ledger/vkey")).json()
    checkpoint, _ = open_checkpoint(history["checkpoint"], [Verifier.from_vkey(key["vkey"])],
                                    key["origin"])
    for event in history["events"]:
        entry = base64.b64decode(event["entry"])
        proof = event["proof"]
        assert proof["status"] == "verified"
        assert proof["tree_size"] == checkpoint.tree_size
        verify_inclusion(event["leaf_index"], checkpoint.tree_size, leaf_hash(entry),
                         [base64.b64decode(h) for h in proof["hashes"]], checkpoint.root_hash)
        tx = open_transaction(entry)
        assert tx.type == f"token.{event['kind']}"
        assert "price" not in tx.payload["body"]
    transfer = open_transaction(base64.b64decode(history["events"][1]["entry"]))
    mint = open_transaction(base64.b64decode(history["events"][0]["entry"]))
    assert transfer.actor == mint.actor  # the creator gave what it was minted


async def test_events_after_the_checkpoint_wait_for_the_next_one(
    app: FastAPI, people: People, client: httpx.AsyncClient
) -> None:
    collection_id = await approved_collection(people, editions=1)
    history = (await client.get(TOKENS.format(collection_id, 1) + "/provenance")).json()
    assert history["events"][0]["proof"]["status"] in {"awaiting_checkpoint", "verified"}
    await app.state.ledger_appender.checkpoint()
    history = (await client.get(TOKENS.format(collection_id, 1) + "/provenance")).json()
    assert history["events"][0]["proof"]["status"] == "verified"


async def test_unknown_tokens_and_unapproved_collections_are_404(
    people: People, client: httpx.AsyncClient
) -> None:
    created = (await people.propose(people.creator)).json()
    assert (await client.get(TOKENS.format(created["id"], 1))).status_code == 404
    assert (await client.get(f"/api/assets/collections/{created['id']}/tokens")).status_code == 404
    assert (await client.get(TOKENS.format(9999, 1) + "/provenance")).status_code == 404
    public = (await client.get("/api/assets/collections")).json()
    assert public["total"] == 0


async def test_a_collection_issues_only_a_work_its_creator_registered(
    app: FastAPI, people: People, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]
) -> None:
    unknown = await people.propose(people.creator, work_id="no-such-work")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "asset_work_not_found"
    other = await signed_in("guyan", Role.CREATOR)
    async with app.state.sessionmaker() as session, session.begin():
        user = await accounts.find_user(session, "guyan")
        assert user is not None
        await accounts.set_realname_state(session, user.id, "approved", "顾言")
    theirs = await people.propose(other)  # the creator's work, proposed by someone else
    assert theirs.status_code == 422


async def test_the_current_holder_downloads_the_original_and_the_last_one_no_longer(
    app: FastAPI, people: People
) -> None:
    collection_id = await approved_collection(people, editions=1)
    original = f"/api/works/{people.work_id}/original"
    assert (await people.collector.get(original)).status_code == 403
    await age_tokens(app, collection_id)
    gift = await people.creator.post(TOKENS.format(collection_id, 1) + "/gift",
                                     json={"to_username": "zhouhang"})
    assert gift.status_code == 200, gift.text
    download = await people.collector.get(original)
    assert download.status_code == 200
    assert download.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (await people.friend.get(original)).status_code == 403
    identity = (await people.collector.get("/api/identity")).json()
    history = (await people.collector.get(TOKENS.format(collection_id, 1) + "/provenance")).json()
    transfer = open_transaction(base64.b64decode(history["events"][1]["entry"]))
    assert transfer.payload["body"]["to"] == identity["did"]  # a custodial key made for them


async def test_proposals_are_rate_limited(people: People) -> None:
    answers = [
        (await people.propose(people.creator, files=[("x.png", b"not an image")])).status_code
        for _ in range(11)
    ]
    assert answers[:10] == [415] * 10
    assert answers[10] == 429
