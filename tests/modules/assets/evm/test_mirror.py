"""The outbox and its worker on py-evm: operations reach the chain after commit, in order,
with hash and block recorded; refusals are final with the contract's reason; failures are
retried without ever sending an operation twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner
from web3.logs import DISCARD

from cityverse.app import create_app
from cityverse.cli import app as cli
from cityverse.core.config import Settings, get_settings
from cityverse.core.db import utcnow
from cityverse.modules.assets.evm import MirrorOp, enqueue, wake
from cityverse.modules.assets.evm.accounts import holder_address, token_number
from cityverse.modules.assets.evm.chain import Chain, SignedTx
from cityverse.modules.assets.evm.models import EvmContract, EvmOutbox
from cityverse.modules.assets.evm.worker import MirrorWorker, connect
from modules.assets.evm.evm_support import ALICE, BOB, HOLDING_PERIOD_S, travel

Sessions = async_sessionmaker[AsyncSession]


async def queue(sessions: Sessions, settings: Settings, *ops: MirrorOp) -> None:
    async with sessions() as session, session.begin():
        for op in ops:
            await enqueue(session, settings, op)


async def outbox(sessions: Sessions) -> dict[str, EvmOutbox]:
    async with sessions() as session:
        return {row.key: row for row in await session.scalars(select(EvmOutbox))}


def minted_events(chain: Chain) -> int:
    assert chain.contract is not None
    return len(chain.contract.events.Minted().get_logs(from_block=0))


async def test_enqueue_writes_nothing_when_the_mirror_is_off(
    sessions: Sessions, settings: Settings
) -> None:
    off = settings.model_copy(update={"evm_enabled": False})
    async with sessions() as session, session.begin():
        assert await enqueue(session, off, MirrorOp.mint("k", "tok-1", ALICE)) is None
    assert await outbox(sessions) == {}


async def test_enqueue_is_idempotent_by_key_and_checks_the_operation(
    sessions: Sessions, settings: Settings
) -> None:
    async with sessions() as session, session.begin():
        first = await enqueue(session, settings, MirrorOp.mint("tx-1", "tok-1", ALICE))
        again = await enqueue(session, settings, MirrorOp.mint("tx-1", "tok-1", ALICE))
        assert first is not None and again is first
        with pytest.raises(ValueError, match="holder"):
            await enqueue(session, settings, MirrorOp("tx-2", "transfer", "tok-1", ALICE))
        with pytest.raises(ValueError, match="key"):
            await enqueue(session, settings, MirrorOp.freeze("", "tok-1"))
    rows = await outbox(sessions)
    assert list(rows) == ["tx-1"] and rows["tx-1"].status == "pending"


async def test_nothing_is_mirrored_when_the_platform_transaction_rolls_back(
    sessions: Sessions, settings: Settings
) -> None:
    async with sessions() as session:
        await enqueue(session, settings, MirrorOp.mint("tx-1", "tok-1", ALICE))
        await session.rollback()
    worker = MirrorWorker(settings, sessions)
    assert await worker.drain() == 0
    await worker.stop()


@pytest.mark.slow
async def test_operations_reach_the_chain_in_order_with_hash_and_block(
    sessions: Sessions, settings: Settings
) -> None:
    worker = MirrorWorker(settings, sessions)
    await queue(sessions, settings, MirrorOp.mint("m", "tok-1", ALICE),
                MirrorOp.transfer("early", "tok-1", ALICE, BOB), MirrorOp.freeze("f", "tok-1"))
    assert await worker.drain() == 3
    chain = worker.chain
    assert chain is not None
    rows = await outbox(sessions)
    assert rows["m"].status == "done" and rows["m"].tx_hash and rows["m"].block_number
    assert rows["early"].status == "failed"
    assert rows["early"].last_error is not None
    assert rows["early"].last_error.startswith("HoldingPeriodNotOver")
    assert rows["f"].status == "done" and rows["f"].block_number > rows["m"].block_number
    token = token_number("tok-1")
    assert chain.owner_of(token) == holder_address(settings, ALICE) and chain.is_frozen(token)

    travel(chain, HOLDING_PERIOD_S + 1)
    await queue(sessions, settings, MirrorOp.transfer("frozen", "tok-1", ALICE, BOB),
                MirrorOp.unfreeze("u", "tok-1"), MirrorOp.transfer("t", "tok-1", ALICE, BOB))
    assert await worker.drain() == 3
    rows = await outbox(sessions)
    assert rows["frozen"].status == "failed"
    assert rows["frozen"].last_error == f"TokenIsFrozen({token})"
    assert rows["u"].status == rows["t"].status == "done"
    assert chain.owner_of(token) == holder_address(settings, BOB)

    await queue(sessions, settings, MirrorOp.burn("b", "tok-1"))
    assert await worker.drain() == 1
    assert chain.owner_of(token) is None
    receipt = chain.w3.eth.get_transaction_receipt((await outbox(sessions))["b"].tx_hash)
    assert chain.contract is not None
    assert len(chain.contract.events.Burned().process_receipt(receipt, errors=DISCARD)) == 1
    async with sessions() as session:
        deployed = await session.scalar(select(EvmContract))
    assert deployed is not None and deployed.address == chain.contract.address
    assert deployed.holding_period_s == HOLDING_PERIOD_S
    await worker.stop()


class FlakyChain(Chain):
    """Broadcasting fails once: before the node got the transaction, or after."""

    def __init__(self, chain: Chain, *, lost_after_broadcast: bool) -> None:
        super().__init__(chain.w3, chain.artifact)
        self.lost_after_broadcast = lost_after_broadcast
        self.failures_left = 1
        self.broadcasts = 0

    def send(self, signed: SignedTx) -> None:
        if self.failures_left and not self.lost_after_broadcast:
            self.failures_left -= 1
            raise ConnectionError("node unreachable")
        super().send(signed)
        self.broadcasts += 1
        if self.failures_left:
            self.failures_left -= 1
            raise TimeoutError("the answer was lost")


@pytest.mark.parametrize("lost_after_broadcast", [False, True])
async def test_a_failed_send_is_retried_later_and_mined_once(
    sessions: Sessions, settings: Settings, lost_after_broadcast: bool
) -> None:
    flaky: list[FlakyChain] = []

    def factory(settings: Settings) -> Chain:
        flaky.append(FlakyChain(connect(settings), lost_after_broadcast=lost_after_broadcast))
        return flaky[-1]

    worker = MirrorWorker(settings, sessions, chain_factory=factory)
    await queue(sessions, settings, MirrorOp.mint("m", "tok-1", ALICE))
    assert await worker.process_next() is False
    row = (await outbox(sessions))["m"]
    assert row.status == "sent" and row.attempts == 2 and row.tx_hash is not None
    assert row.last_error is not None and row.next_attempt_at > utcnow()
    recorded = row.tx_hash
    assert await worker.process_next() is False  # not due yet: backing off

    async with sessions() as session, session.begin():
        await session.execute(update(EvmOutbox).values(next_attempt_at=utcnow() - timedelta(1)))
    assert await worker.drain() == 1
    row = (await outbox(sessions))["m"]
    assert row.status == "done" and row.tx_hash == recorded and row.raw_tx is None
    assert minted_events(flaky[0]) == 1
    assert flaky[0].broadcasts == 1  # found on chain rather than sent again
    await worker.stop()


async def test_an_operation_already_on_chain_is_not_sent_again(
    sessions: Sessions, settings: Settings
) -> None:
    worker = MirrorWorker(settings, sessions)
    await queue(sessions, settings, MirrorOp.mint("m", "tok-1", ALICE),
                MirrorOp.freeze("f1", "tok-1"), MirrorOp.freeze("f2", "tok-1"))
    assert await worker.drain() == 3
    rows = await outbox(sessions)
    assert rows["f1"].tx_hash is not None
    assert rows["f2"].status == "done" and rows["f2"].tx_hash is None
    await worker.stop()


async def test_a_restarted_worker_keeps_the_deployed_contract(
    sessions: Sessions, settings: Settings
) -> None:
    first = MirrorWorker(settings, sessions)
    chain = await first.ready_chain()
    await first.stop()
    second = MirrorWorker(settings, sessions, chain_factory=lambda _: Chain(chain.w3))
    await queue(sessions, settings, MirrorOp.mint("m", "tok-1", ALICE))
    assert await second.drain() == 1
    assert second.chain is not None and second.chain.contract is not None
    assert chain.contract is not None
    assert second.chain.contract.address == chain.contract.address
    await second.stop()


@pytest.mark.slow
async def test_the_app_runs_the_worker_after_commit(settings: Settings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        sessions: Sessions = app.state.sessionmaker
        async with sessions() as session, session.begin():
            await session.execute(EvmOutbox.__table__.delete())
            await session.execute(EvmContract.__table__.delete())
            await enqueue(session, settings, MirrorOp.mint("m", "tok-app", ALICE))
        wake()
        for _ in range(600):
            if (await outbox(sessions))["m"].status == "done":
                break
            await asyncio.sleep(0.05)
        assert (await outbox(sessions))["m"].status == "done"
        chain = app.state.evm_mirror.chain
        assert chain.owner_of(token_number("tok-app")) == holder_address(settings, ALICE)


async def test_the_commands_show_accounts_and_outbox_state(
    sessions: Sessions, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = MirrorWorker(settings, sessions)
    await queue(sessions, settings, MirrorOp.mint("m", "tok-1", ALICE),
                MirrorOp.transfer("early", "tok-1", ALICE, BOB))
    await worker.drain()
    await worker.stop()
    monkeypatch.setenv("CITYVERSE_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("CITYVERSE_EVM_ENABLED", "true")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        shown = await asyncio.to_thread(runner.invoke, cli, ["evm", "accounts", ALICE])
        state = await asyncio.to_thread(runner.invoke, cli, ["evm", "status"])
    finally:
        get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    assert f"holder    {holder_address(settings, ALICE)}" in shown.stdout
    assert state.exit_code == 0, state.output
    assert "mirror: on" in state.stdout and "done     1" in state.stdout
    assert "failed   1" in state.stdout and "HoldingPeriodNotOver" in state.stdout
    assert "contract 0x" in state.stdout
