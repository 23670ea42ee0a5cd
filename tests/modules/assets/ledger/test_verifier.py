"""Entries checked before they are appended: in the caller's thread or on a process pool,
refused entries raise to their caller only and are never written."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from cityverse.app import create_app
from cityverse.core.config import Settings
from cityverse.core.errors import AppError
from cityverse.modules.assets.identity import SigningKey, build_payload, sign_transaction
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import Appender
from cityverse.modules.assets.ledger.verifier import (
    BatchVerifier,
    EntryRejectedError,
    check_signed_transaction,
)
from modules.assets.ledger.test_appender import stored_entries


def signed(count: int) -> list[bytes]:
    sender = SigningKey(hashlib.sha256(b"verifier sender").digest())
    receiver = SigningKey(hashlib.sha256(b"verifier receiver").digest())
    return [
        sign_transaction(build_payload("token.transfer", sender.did,
                                       {"token_id": f"token-{n}", "to": receiver.did}), sender)
        for n in range(count)
    ]


def forge(entry: bytes) -> bytes:
    changed = bytearray(entry)
    # Another base64url character inside the signature: still canonical, no longer valid.
    changed[-10] = ord("A") if changed[-10] != ord("A") else ord("B")
    return bytes(changed)


def entry_length(entry: bytes) -> int:
    if not entry:
        raise ValueError("empty")
    return len(entry)


async def test_checks_in_the_calling_thread_return_the_value_or_refuse() -> None:
    verifier = BatchVerifier(entry_length, workers=0)
    assert await verifier.verify(b"abc") == 3
    with pytest.raises(EntryRejectedError, match="ValueError: empty"):
        await verifier.verify(b"")


async def test_the_pool_checks_concurrent_entries_and_refuses_only_the_bad_ones() -> None:
    entries = signed(40)
    entries[7] = forge(entries[7])
    entries[20] = b'{"not":"a transaction"}'
    verifier = BatchVerifier(check_signed_transaction, workers=2, chunk_size=8)
    verifier.start()
    try:
        await verifier.ready()
        assert len(verifier.worker_pids()) == 2
        results = await asyncio.gather(*(verifier.verify(e) for e in entries),
                                       return_exceptions=True)
    finally:
        verifier.close()
    refused = {n for n, result in enumerate(results) if isinstance(result, EntryRejectedError)}
    assert refused == {7, 20}
    assert "invalid_signature" in str(results[7]) or "does not verify" in str(results[7])
    assert all(result is None for n, result in enumerate(results) if n not in refused)


async def test_an_appender_with_a_verifier_writes_only_verified_entries(
    app: FastAPI, settings: Settings
) -> None:
    entries = signed(12)
    appender = Appender(settings, BatchVerifier(check_signed_transaction, workers=0))
    await appender.start()
    try:
        indices = await asyncio.gather(*(appender.append(e) for e in entries[:6]))
        with pytest.raises(EntryRejectedError):
            await appender.append(forge(entries[6]))
        indices += await asyncio.gather(*(appender.append(e) for e in entries[7:]))
    finally:
        await appender.stop()
    stored = await stored_entries(app)
    assert sorted(indices) == list(range(11))
    assert sorted(stored.values()) == sorted(entries[:6] + entries[7:])


async def test_batches_on_one_thread_check_every_entry_off_the_event_loop() -> None:
    verifier = BatchVerifier(check_signed_transaction, workers=0, in_thread=True)
    verifier.start()
    try:
        entries = signed(20)
        results = await asyncio.gather(
            *(verifier.verify(e) for e in entries[:10]), verifier.verify(forge(entries[10])),
            *(verifier.verify(e) for e in entries[11:]), return_exceptions=True)
    finally:
        verifier.close()
    refused = [r for r in results if isinstance(r, EntryRejectedError)]
    assert len(refused) == 1 and "does not verify" in refused[0].reason
    assert results.count(None) == 19


async def test_the_apps_appender_verifies_signatures_before_appending(
    make_settings: Callable[..., Settings],
) -> None:
    application = create_app(make_settings(ledger_verify_transactions=True))
    async with application.router.lifespan_context(application):
        entries = signed(5)
        size_before = len(await stored_entries(application))
        indices = await asyncio.gather(*(ledger.append(e) for e in entries))
        with pytest.raises(AppError) as refused:
            await ledger.append(b"not a signed transaction")
        assert refused.value.status == 422
        assert refused.value.code == "ledger_entry_rejected"
        stored = await stored_entries(application)
    assert len(stored) == size_before + 5
    assert [stored[i] for i in indices] == entries
