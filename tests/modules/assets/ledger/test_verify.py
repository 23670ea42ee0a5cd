"""`cityverse ledger verify`: tampering with the database directly (edited, deleted, reordered
rows) is found, and the first bad row is named."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from cityverse.cli import app as cli
from cityverse.core.config import Settings, get_settings
from cityverse.core.db import create_sessionmaker
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import Appender
from cityverse.modules.assets.ledger.engines import create_snapshot_engine
from cityverse.modules.assets.ledger.keys import log_verifier
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from cityverse.modules.assets.ledger.verify import AuditReport, Finding, audit_log

ENTRIES = 50  # in batches of 10: checkpoints at 20, 40 (16 waiting) and, forced, 50

Tamper = Callable[[AsyncSession], Awaitable[None]]


async def audit(settings: Settings, chunk: int = 7) -> AuditReport:
    engine = create_snapshot_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await audit_log(session, log_verifier(settings), settings.ledger_origin,
                                   chunk=chunk)
    finally:
        await engine.dispose()


@pytest.fixture
async def log(app: FastAPI, appender: Appender) -> FastAPI:
    for start in range(0, ENTRIES, 10):  # a few batches
        await asyncio.gather(*(ledger.append(b"entry %d" % i) for i in range(start, start + 10)))
    await appender.checkpoint()
    return app


async def tamper(app: FastAPI, change: Tamper) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await change(session)


async def edit_entry(session: AsyncSession) -> None:
    await session.execute(
        update(LedgerEntry).where(LedgerEntry.leaf_index == 7).values(data=b"entry 7, edited")
    )


async def delete_node(session: AsyncSession) -> None:
    await session.execute(
        delete(LedgerNode).where(LedgerNode.level == 2, LedgerNode.node_index == 3)
    )


async def swap_entries(session: AsyncSession) -> None:
    rows = {index: (data, hashed) for index, data, hashed in await session.execute(
        select(LedgerEntry.leaf_index, LedgerEntry.data, LedgerEntry.leaf_hash)
        .where(LedgerEntry.leaf_index.in_([12, 30]))
    )}
    for here, there in ((12, 30), (30, 12)):
        data, hashed = rows[there]
        await session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == here)
                              .values(data=data, leaf_hash=hashed))


async def delete_entry(session: AsyncSession) -> None:
    await session.execute(delete(LedgerEntry).where(LedgerEntry.leaf_index == 21))


async def edit_entry_and_its_hash(session: AsyncSession) -> None:
    from cityverse.modules.assets.ledger import leaf_hash

    await session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == 40)
                          .values(data=b"forged", leaf_hash=leaf_hash(b"forged")))


async def edit_node(session: AsyncSession) -> None:
    await session.execute(update(LedgerNode)
                          .where(LedgerNode.level == 3, LedgerNode.node_index == 1)
                          .values(hash=bytes(32)))


async def truncate_log(session: AsyncSession) -> None:
    await session.execute(delete(LedgerEntry).where(LedgerEntry.leaf_index == ENTRIES - 1))
    await session.execute(delete(LedgerNode).where(LedgerNode.level == 0,
                                                   LedgerNode.node_index == ENTRIES - 1))


async def delete_last_entry_only(session: AsyncSession) -> None:
    await session.execute(delete(LedgerCheckpoint).where(LedgerCheckpoint.tree_size == ENTRIES))
    await session.execute(delete(LedgerEntry).where(LedgerEntry.leaf_index == ENTRIES - 1))


async def edit_checkpoint_root(session: AsyncSession) -> None:
    await session.execute(update(LedgerCheckpoint).where(LedgerCheckpoint.tree_size == 20)
                          .values(root_hash=bytes(32)))


async def forge_checkpoint_note(session: AsyncSession) -> None:
    note = await session.scalar(
        select(LedgerCheckpoint.note).where(LedgerCheckpoint.tree_size == 40))
    assert note is not None
    await session.execute(update(LedgerCheckpoint).where(LedgerCheckpoint.tree_size == 40)
                          .values(note=note.replace("\n40\n", "\n39\n")))


async def add_node(session: AsyncSession) -> None:
    await session.execute(insert(LedgerNode).values(level=1, node_index=25, hash=bytes(32)))


TAMPERING: list[tuple[Tamper, str, str]] = [
    (edit_entry, "ledger_entries leaf_index=7", "edited"),
    (delete_node, "ledger_nodes level=2 node_index=3", "missing"),
    (swap_entries, "ledger_entries leaf_index=12", "content of entry 30: rows were reordered"),
    (delete_entry, "ledger_entries leaf_index=21", "missing"),
    (edit_entry_and_its_hash, "ledger_entries leaf_index=40", "was edited"),
    (edit_node, "ledger_nodes level=3 node_index=1", "edited"),
    (truncate_log, "ledger_checkpoints tree_size=50", "deleted from the end"),
    (delete_last_entry_only, "ledger_nodes level=0 node_index=49", "outside the tree"),
    (edit_checkpoint_root, "ledger_checkpoints tree_size=20", "differs from its signed note"),
    (forge_checkpoint_note, "ledger_checkpoints tree_size=40", "does not verify"),
    (add_node, "ledger_nodes level=1 node_index=25", "outside the tree"),
]


async def test_an_untouched_log_verifies(log: FastAPI, settings: Settings) -> None:
    report = await audit(settings)
    assert report.ok, report.finding
    assert (report.entries, report.checkpoints) == (ENTRIES, 3)
    assert report.nodes == 2 * ENTRIES - ENTRIES.bit_count()


async def test_an_empty_log_verifies(app: FastAPI, settings: Settings) -> None:
    report = await audit(settings)
    assert report.ok and report.entries == 0


@pytest.mark.parametrize(("change", "row", "problem"), TAMPERING,
                         ids=[change.__name__ for change, _, _ in TAMPERING])
async def test_tampering_is_found_and_named(
    log: FastAPI, settings: Settings, change: Tamper, row: str, problem: str
) -> None:
    await tamper(log, change)
    finding = (await audit(settings)).finding
    assert isinstance(finding, Finding)
    assert str(finding).startswith(row + ":"), finding
    assert problem in finding.problem


async def test_the_command_exits_1_and_names_the_row(
    log: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITYVERSE_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("CITYVERSE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        clean = await asyncio.to_thread(runner.invoke, cli, ["ledger", "verify"])
        assert clean.exit_code == 0, clean.output
        assert f"{ENTRIES} entries" in clean.output and "3 signed checkpoints" in clean.output
        await tamper(log, swap_entries)
        broken = await asyncio.to_thread(runner.invoke, cli, ["ledger", "verify"])
    finally:
        get_settings.cache_clear()
    assert broken.exit_code == 1
    assert "ledger_entries leaf_index=12" in broken.output
    assert "rows were reordered" in broken.output


def test_vkey_and_keygen_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    from cityverse.modules.assets.ledger import Signer, Verifier

    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        made = runner.invoke(cli, ["ledger", "keygen"])
        skey = made.stdout.strip().splitlines()[0]
        assert Signer.from_skey(skey).name == "kunshan.cityverse/ledger"
        monkeypatch.setenv("CITYVERSE_LEDGER_SIGNING_KEY", skey)
        get_settings.cache_clear()
        shown = runner.invoke(cli, ["ledger", "vkey"])
    finally:
        get_settings.cache_clear()
    assert Verifier.from_vkey(shown.stdout.strip()).public_key == Signer.from_skey(skey).public_key
