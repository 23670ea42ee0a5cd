"""With the EVM mirror on, every committed token event reaches the ERC-721 contract on the
in-process chain (eth-tester / py-evm) through the outbox: mint → gift → freeze → unfreeze →
burn through the HTTP API, then the contract's ownerOf / frozen / burned state matches the
platform's, and each token's page shows its mirror operations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from cityverse.core.config import Settings
from cityverse.modules.assets.evm.accounts import holder_address, token_number
from cityverse.modules.assets.evm.chain import Chain
from cityverse.modules.assets.evm.models import EvmOutbox
from modules.assets.evm.evm_support import HOLDING_PERIOD_S, evm_settings, travel

from .conftest import People, age_tokens, approved_collection

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(migrated: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """The mirror on, with the in-process chain (or the node URL a test passes)."""
    return evm_settings(migrated, tmp_path, evm_url=getattr(request, "param", ""))


MIRROR_WAIT_S = 120  # the first operation deploys the contract on a fresh chain


async def settled(app: FastAPI, expected: int) -> list[tuple[str, str]]:
    """(kind, status) of every outbox operation once ``expected`` of them are finished."""
    deadline = asyncio.get_running_loop().time() + MIRROR_WAIT_S
    while True:
        async with app.state.sessionmaker() as session:
            rows = (await session.execute(
                select(EvmOutbox.kind, EvmOutbox.status).order_by(EvmOutbox.id))).tuples().all()
        finished = [row for row in rows if row[1] in ("done", "failed")]
        if len(finished) >= expected and len(finished) == len(rows):
            return list(rows)
        assert asyncio.get_running_loop().time() < deadline, f"mirror stuck: {rows}"
        await asyncio.sleep(0.05)


def chain_of(app: FastAPI) -> Chain:
    chain: Chain | None = app.state.evm_mirror.chain
    assert chain is not None
    return chain


async def test_token_events_through_the_api_are_mirrored_on_chain(
    app: FastAPI, people: People, settings: Settings
) -> None:
    collection_id = await approved_collection(people, editions=2)
    assert await settled(app, 2) == [("mint", "done"), ("mint", "done")]
    chain = chain_of(app)
    creator_did = (await people.creator.get("/api/identity")).json()["did"]
    first, second = token_number(f"{collection_id}.1"), token_number(f"{collection_id}.2")
    assert chain.owner_of(first) == chain.owner_of(second) == holder_address(settings,
                                                                             creator_did)

    # The gift after the holding period: the platform's clock and the chain's move on.
    await age_tokens(app, collection_id)
    travel(chain, HOLDING_PERIOD_S + 1)
    url = f"/api/assets/collections/{collection_id}/tokens"
    gift = await people.creator.post(f"{url}/1/gift", json={"to_username": "lina"})
    assert gift.status_code == 200, gift.text
    await settled(app, 3)
    friend_did = (await people.friend.get("/api/identity")).json()["did"]
    assert chain.owner_of(first) == holder_address(settings, friend_did)

    for path, body in ((f"{url}/1/freeze", {"reason": "核查"}),
                       (f"{url}/2/freeze", {"reason": "核查"})):
        assert (await people.officer.post(path, json=body)).status_code == 200
    await settled(app, 5)
    assert chain.is_frozen(first) and chain.is_frozen(second)

    assert (await people.officer.post(f"{url}/1/unfreeze", json={"reason": "解除"})).is_success
    burn = await people.friend.post(f"{url}/1/burn", json={"reason": "不再收藏"})
    assert burn.status_code == 200, burn.text
    rows = await settled(app, 7)
    assert [kind for kind, _ in rows] == ["mint", "mint", "transfer", "freeze", "freeze",
                                          "unfreeze", "burn"]
    assert {status for _, status in rows} == {"done"}
    assert chain.owner_of(first) is None  # burned on chain as on the platform
    assert chain.owner_of(second) == holder_address(settings, creator_did)
    assert chain.is_frozen(second)

    page = (await people.friend.get(f"{url}/1")).json()
    assert [(op["kind"], op["status"]) for op in page["mirror"]] == [
        ("mint", "done"), ("transfer", "done"), ("freeze", "done"), ("unfreeze", "done"),
        ("burn", "done")]
    assert all(op["tx_hash"] and op["block_number"] for op in page["mirror"])


@pytest.mark.parametrize("settings", ["http://127.0.0.1:9"], indirect=True)
async def test_a_chain_that_is_down_loses_nothing_and_shows_the_retry(
    people: People, app: FastAPI
) -> None:
    """A node nobody answers at: the platform goes on, the operation waits to be retried."""
    collection_id = await approved_collection(people, editions=1)
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        page = (await people.creator.get(
            f"/api/assets/collections/{collection_id}/tokens/1")).json()
        (mint,) = page["mirror"]
        if mint["attempts"] >= 1:
            break
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    assert mint["status"] == "pending" and mint["error"] and mint["tx_hash"] is None
    assert page["owner"]["username"] == "linyue"  # the platform did not wait for the chain
