"""Batched durable appends: concurrent callers get contiguous indices, each only after its
batch committed; state is rebuilt on restart; two writers on one log stay consistent."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from cityverse.core.config import Settings
from cityverse.core.db import create_sessionmaker, utcnow
from cityverse.modules.assets.ledger import CompactRange, leaf_hash, open_checkpoint, store
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import (
    MAX_ENTRY_BYTES,
    Appender,
    LedgerUnavailableError,
)
from cityverse.modules.assets.ledger.engines import create_snapshot_engine, create_writer_engine
from cityverse.modules.assets.ledger.keys import log_verifier
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry
from cityverse.modules.assets.ledger.verify import AuditReport, audit_log


async def audit(settings: Settings) -> AuditReport:
    engine = create_snapshot_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await audit_log(session, log_verifier(settings), settings.ledger_origin)
    finally:
        await engine.dispose()


async def stored_entries(app: FastAPI) -> dict[int, bytes]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(select(LedgerEntry.leaf_index, LedgerEntry.data))
        return dict(rows.tuples().all())


async def test_concurrent_appends_get_contiguous_indices_in_few_batches(
    app: FastAPI, settings: Settings
) -> None:
    entries = [f"tx-{i}".encode() for i in range(3000)]
    indices = await asyncio.gather(*(ledger.append(data) for data in entries))
    assert sorted(indices) == list(range(3000))
    # Every caller got the index its own entry was stored under, read by another connection.
    stored = await stored_entries(app)
    assert {index: stored[index] for index in indices} == dict(zip(indices, entries, strict=True))
    async with app.state.sessionmaker() as session:
        batches = await session.scalar(select(func.count(func.distinct(LedgerEntry.created_at))))
    assert batches is not None and 3 <= batches <= 30  # 1000 per batch at most
    report = await audit(settings)
    assert report.ok and report.entries == 3000


async def test_an_entry_is_acknowledged_only_after_its_commit(
    app: FastAPI, appender: Appender, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_before_ack: list[int] = []
    original = store.append_entries

    async def spy(session: AsyncSession, *args: Any) -> int:
        first = await original(session, *args)
        async with app.state.sessionmaker() as other:  # another connection sees nothing yet
            seen_before_ack.append(await other.scalar(select(func.count(LedgerEntry.leaf_index)))
                                   or 0)
        return first

    monkeypatch.setattr(store, "append_entries", spy)
    assert await ledger.append(b"one") == 0
    assert seen_before_ack == [0]
    assert await stored_entries(app) == {0: b"one"}


async def test_a_restarted_appender_rebuilds_its_state_and_continues(
    app: FastAPI, settings: Settings, appender: Appender
) -> None:
    first = await asyncio.gather(*(ledger.append(bytes([i])) for i in range(45)))
    await appender.stop()  # also signs a last checkpoint for the 13 entries past 32
    again = Appender(settings)
    await again.start()
    try:
        more = await asyncio.gather(*(again.append(bytes([i, i])) for i in range(20)))
        signed = await again.checkpoint()
    finally:
        await again.stop()
    assert sorted(first) == list(range(45)) and sorted(more) == list(range(45, 65))
    assert signed.checkpoint.tree_size == 65
    async with app.state.sessionmaker() as session:
        sizes = list(await session.scalars(select(LedgerCheckpoint.tree_size)))
    assert 45 in sizes and 65 in sizes
    assert (await audit(settings)).ok


async def test_two_writers_on_one_log_stay_consistent(app: FastAPI, settings: Settings) -> None:
    other = Appender(settings)  # as if a second server process appended to the same log
    await other.start()
    try:
        results = await asyncio.gather(
            *(ledger.append(b"a%d" % i) for i in range(300)),
            *(other.append(b"b%d" % i) for i in range(300)),
        )
    finally:
        await other.stop()
    assert sorted(results) == list(range(600))
    assert (await audit(settings)).ok


async def test_checkpoints_follow_the_timer_when_appends_stop(
    app: FastAPI, make_settings: Callable[..., Settings]
) -> None:
    timed = make_settings(ledger_checkpoint_every=1000, ledger_checkpoint_interval_ms=100)
    writer = Appender(timed)
    await writer.start()
    try:
        await asyncio.gather(*(writer.append(b"%d" % i) for i in range(7)))
        for _ in range(100):
            await asyncio.sleep(0.02)
            async with app.state.sessionmaker() as session:
                note = await session.scalar(select(LedgerCheckpoint.note))
            if note is not None:
                break
    finally:
        await writer.stop()
    assert note is not None
    checkpoint, _ = open_checkpoint(note, [log_verifier(timed)], timed.ledger_origin)
    assert checkpoint.tree_size == 7


async def test_a_failed_batch_is_retried_then_reported(
    app: FastAPI, appender: Appender, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = store.append_entries
    failures = iter([True, False])

    async def flaky(*args: Any) -> int:
        if next(failures, True):
            raise RuntimeError("disk on fire")
        return await original(*args)

    monkeypatch.setattr(store, "append_entries", flaky)
    assert await ledger.append(b"survives one failure") == 0
    failures = iter([True, True, True])
    with pytest.raises(LedgerUnavailableError, match="disk on fire"):
        await ledger.append(b"never written")
    monkeypatch.setattr(store, "append_entries", original)
    assert await ledger.append(b"after recovery") == 1
    assert await stored_entries(app) == {0: b"survives one failure", 1: b"after recovery"}


async def test_refusals(app: FastAPI, appender: Appender) -> None:
    with pytest.raises(ValueError, match="at most"):
        await ledger.append(b"x" * (MAX_ENTRY_BYTES + 1))
    await appender.stop()
    with pytest.raises(LedgerUnavailableError):
        await appender.append(b"late")


async def test_sqlite_writer_syncs_every_commit(settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("PostgreSQL commits are durable by default")
    engine = create_writer_engine(settings)
    try:
        async with engine.connect() as connection:
            level = (await connection.execute(text("PRAGMA synchronous"))).scalar()
    finally:
        await engine.dispose()
    assert level == 2  # FULL


async def test_entry_rows_are_stored_as_the_orm_would_store_them(
    app: FastAPI, settings: Settings
) -> None:
    before = utcnow()
    await ledger.append(b"hashed")
    async with app.state.sessionmaker() as session:
        row = await session.get(LedgerEntry, 0)
        raw = await session.scalar(text("SELECT created_at FROM ledger_entries"))
    assert row is not None and row.leaf_hash == leaf_hash(b"hashed") and row.data == b"hashed"
    assert before <= row.created_at <= utcnow() and row.created_at.tzinfo is not None
    if settings.is_sqlite:  # the text format of every other UtcDateTime column
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", raw), raw


async def test_callers_never_hang_if_the_writer_task_dies(
    appender: Appender, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug in the writer")

    monkeypatch.setattr(appender, "_commit", broken)
    with pytest.raises(LedgerUnavailableError, match="stopped"):
        await asyncio.wait_for(ledger.append(b"lost"), timeout=5)
    with pytest.raises(LedgerUnavailableError, match="not running"):
        await ledger.append(b"refused")
    await appender.stop()  # logged, not raised: the rest of the app shuts down cleanly


async def test_after_a_crash_waiting_entries_get_a_checkpoint_without_new_appends(
    app: FastAPI, appender: Appender, make_settings: Callable[..., Settings]
) -> None:
    await appender.stop()
    async with app.state.sessionmaker() as session, session.begin():  # as a crash leaves it
        await store.append_entries(session, CompactRange(), [b"a", b"b", b"c"], utcnow())
    restarted = Appender(make_settings(ledger_checkpoint_interval_ms=50))
    await restarted.start()
    try:
        for _ in range(100):
            await asyncio.sleep(0.02)
            async with app.state.sessionmaker() as session:
                size = await session.scalar(select(func.max(LedgerCheckpoint.tree_size)))
            if size is not None:
                break
    finally:
        await restarted.stop()
    assert size == 3
