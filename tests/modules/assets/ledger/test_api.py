"""The ledger's public API over HTTP: what it serves verifies with the core verifiers against
the signed checkpoint, opened with the published verifier key; bad parameters are 4xx."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from cityverse.modules.assets.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    Verifier,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import Appender

WELL_KNOWN = "/.well-known/cityverse/ledger/checkpoint"


def b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


async def signed_checkpoint(client: httpx.AsyncClient, url: str = WELL_KNOWN) -> Checkpoint:
    """The latest checkpoint, trusted only after its signature checks with the published key."""
    key = (await client.get("/api/ledger/vkey")).json()
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint, signers = open_checkpoint(
        response.text, [Verifier.from_vkey(key["vkey"])], key["origin"]
    )
    assert signers == [key["origin"]]
    return checkpoint


async def append_all(entries: list[bytes]) -> list[int]:
    return list(await asyncio.gather(*(ledger.append(data) for data in entries)))


async def test_an_empty_log_publishes_the_signed_empty_tree(client: httpx.AsyncClient) -> None:
    checkpoint = await signed_checkpoint(client)
    assert (checkpoint.tree_size, checkpoint.root_hash) == (0, EMPTY_ROOT)
    assert checkpoint.origin == "kunshan.cityverse/ledger"
    same = await client.get("/api/ledger/checkpoint")
    assert same.text == (await client.get(WELL_KNOWN)).text
    assert same.headers["cache-control"] == "no-cache"
    listed = (await client.get("/api/ledger/checkpoints")).json()
    assert listed == {"items": [], "total": 0, "page": 1, "size": 20}


async def test_proofs_from_the_api_verify_against_signed_checkpoints(
    client: httpx.AsyncClient, appender: Appender
) -> None:
    first_batch = [f"转移 #{i}".encode() for i in range(21)]
    assert sorted(await append_all(first_batch)) == list(range(21))
    await appender.checkpoint()
    old = await signed_checkpoint(client)
    assert old.tree_size == 21

    more = [bytes([i]) * (i + 1) for i in range(40)]
    await append_all(more)
    await appender.checkpoint()
    new = await signed_checkpoint(client)
    assert new.tree_size == 61
    entries = first_batch + [
        b64((await client.get(f"/api/ledger/entries/{i}")).json()["data"]) for i in range(21, 61)
    ]
    assert sorted(entries[21:]) == sorted(more)

    for checkpoint in (old, new):
        for index in range(checkpoint.tree_size):
            response = await client.get("/api/ledger/proofs/inclusion",
                                        params={"index": index, "tree_size": checkpoint.tree_size})
            assert response.status_code == 200, response.text
            proof = response.json()
            assert b64(proof["leaf_hash"]) == leaf_hash(entries[index])
            verify_inclusion(index, checkpoint.tree_size, leaf_hash(entries[index]),
                             [b64(h) for h in proof["hashes"]], checkpoint.root_hash)

    response = await client.get("/api/ledger/proofs/consistency",
                                params={"first": old.tree_size, "second": new.tree_size})
    assert response.status_code == 200
    verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash,
                       [b64(h) for h in response.json()["hashes"]])

    listed = (await client.get("/api/ledger/checkpoints", params={"size": 100})).json()
    sizes = [item["tree_size"] for item in listed["items"]]
    assert sizes == sorted(sizes, reverse=True) and {21, 61} <= set(sizes)
    assert listed["total"] == len(sizes)
    one = (await client.get("/api/ledger/checkpoints/21")).json()
    assert b64(one["root_hash"]) == old.root_hash
    verifier = Verifier.from_vkey((await client.get("/api/ledger/vkey")).json()["vkey"])
    assert open_checkpoint(one["note"], [verifier])[0] == old


async def test_entries_carry_data_and_leaf_hash(client: httpx.AsyncClient) -> None:
    await append_all([b"\x00\xffbinary"])
    response = await client.get("/api/ledger/entries/0")
    assert response.status_code == 200
    body = response.json()
    assert b64(body["data"]) == b"\x00\xffbinary"
    assert b64(body["leaf_hash"]) == leaf_hash(b"\x00\xffbinary")
    assert body["index"] == 0 and body["created_at"].endswith("Z")


async def test_checkpoints_are_signed_every_n_entries_and_kept(
    client: httpx.AsyncClient,
) -> None:
    for i in range(40):  # one at a time: every append is its own batch
        await ledger.append(str(i).encode())
    listed = (await client.get("/api/ledger/checkpoints", params={"sort": "tree_size"})).json()
    assert [item["tree_size"] for item in listed["items"]] == [16, 32]
    page2 = (await client.get("/api/ledger/checkpoints", params={"size": 1, "page": 2})).json()
    assert [item["tree_size"] for item in page2["items"]] == [16]


BAD_REQUESTS = [
    ("/api/ledger/proofs/inclusion?index=5&tree_size=5", 422, "ledger_index_outside_tree"),
    ("/api/ledger/proofs/inclusion?index=0&tree_size=6", 422, "ledger_tree_too_large"),
    ("/api/ledger/proofs/inclusion?index=-1&tree_size=3", 422, "validation_error"),
    ("/api/ledger/proofs/inclusion?index=0&tree_size=0", 422, "validation_error"),
    ("/api/ledger/proofs/inclusion?index=0", 422, "validation_error"),
    (f"/api/ledger/proofs/inclusion?index=0&tree_size={2**70}", 422, "validation_error"),
    (f"/api/ledger/proofs/inclusion?index={2**62}&tree_size={2**63 - 1}", 422,
     "ledger_tree_too_large"),
    ("/api/ledger/proofs/inclusion?index=x&tree_size=3", 422, "validation_error"),
    ("/api/ledger/proofs/consistency?first=4&second=2", 422, "ledger_bad_consistency_range"),
    ("/api/ledger/proofs/consistency?first=2&second=9", 422, "ledger_tree_too_large"),
    ("/api/ledger/proofs/consistency?first=0&second=2", 422, "validation_error"),
    ("/api/ledger/proofs/consistency?first=-3&second=2", 422, "validation_error"),
    ("/api/ledger/entries/5", 404, "ledger_entry_not_found"),
    ("/api/ledger/entries/-1", 422, "validation_error"),
    (f"/api/ledger/entries/{2**64}", 422, "validation_error"),
    ("/api/ledger/checkpoints/3", 404, "ledger_checkpoint_not_found"),
    ("/api/ledger/checkpoints?sort=root_hash", 422, "validation_error"),
    ("/api/ledger/checkpoints?size=1000", 422, "validation_error"),
]


@pytest.mark.parametrize(("url", "status", "code"), BAD_REQUESTS)
async def test_bad_parameters_get_the_common_error_body(
    client: httpx.AsyncClient, url: str, status: int, code: str
) -> None:
    await append_all([b"a", b"b", b"c", b"d", b"e"])
    response = await client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and not error["message"].startswith("error.")


async def test_error_messages_are_chinese_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/ledger/entries/7")
    assert response.json()["error"]["message"] == "账本中没有序号为 7 的记录"


async def test_equal_sizes_have_an_empty_consistency_proof(client: httpx.AsyncClient) -> None:
    await append_all([b"x", b"y", b"z"])
    response = await client.get("/api/ledger/proofs/consistency", params={"first": 3,
                                                                         "second": 3})
    assert response.json() == {"first": 3, "second": 3, "hashes": []}
