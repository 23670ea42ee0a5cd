"""The mirror worker: sends committed outbox operations to the chain, in order, one at a time.

For the oldest unfinished operation it (1) checks whether the chain already shows its effect
(a mint whose token the holder already owns, …), (2) dry-runs the call (a revert is final: the
operation is marked ``failed`` with the contract's reason and the worker moves on), (3) signs
it and commits its hash and raw bytes to the outbox before broadcasting, (4) waits for the
receipt and records the block. Any other error (node down, timeout) leaves the operation where
it was and retries it later with growing delay; an operation with a recorded hash is first
looked up on chain, then re-broadcast byte for byte, so a crash anywhere never sends it twice.

It is a job, not a service: it owns its transactions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.modules.assets.evm.accounts import (
    holder_address,
    operator_account,
    regulator_account,
    token_number,
)
from cityverse.modules.assets.evm.chain import (
    Chain,
    Mined,
    RevertedError,
    SignedTx,
    StaleTransactionError,
)
from cityverse.modules.assets.evm.models import EvmContract, EvmOutbox

log = logging.getLogger("cityverse.evm")

MAX_BACKOFF_S = 60.0
T = TypeVar("T")
ChainFactory = Callable[[Settings], Chain]


def connect(settings: Settings) -> Chain:
    """The configured chain: the RPC node at CITYVERSE_EVM_URL, or py-evm in this process."""
    if settings.evm_url:
        return Chain.over_rpc(settings.evm_url)
    return Chain.in_process(operator_account(settings).address,
                            regulator_account(settings).address)


@dataclass(frozen=True, slots=True)
class _Work:
    """An outbox row as read at the start of one attempt (rows never leave their session)."""

    id: int
    kind: str
    token_id: str
    holder: str | None
    receiver: str | None
    tx_hash: str | None
    raw_tx: bytes | None


class MirrorWorker:
    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        chain_factory: ChainFactory = connect,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._chain_factory = chain_factory
        self._chain: Chain | None = None
        # py-evm is not thread-safe and web3's calls block: one thread does all chain work.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evm-mirror")
        self._wakeup = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def chain(self) -> Chain | None:
        return self._chain

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="evm-mirror")

    async def stop(self) -> None:
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
        self._executor.shutdown(wait=True)

    def wake(self) -> None:
        """Look for work now rather than at the next poll (call after a commit)."""
        self._wakeup.set()

    async def drain(self) -> int:
        """Handle every operation that is due now; how many were finished (done or failed)."""
        finished = 0
        while await self.process_next():
            finished += 1
        return finished

    async def ready_chain(self) -> Chain:
        """The chain, connected and with the contract bound (deployed at first use)."""
        if self._chain is None:
            self._chain = await self._on_chain(self._chain_factory, self._settings)
        if self._chain.contract is None:
            await self._bind_contract(self._chain)
        return self._chain

    async def process_next(self) -> bool:
        """One attempt at the oldest unfinished operation. True if it is now done or failed;
        False if nothing was due or the attempt must be retried later."""
        work = await self._next_due()
        if work is None:
            return False
        try:
            chain = await self.ready_chain()
            mined = await self._carry_out(chain, work)
        except StaleTransactionError:
            await self._forget_sent(work.id)  # sign it afresh at the next attempt
            return False
        except RevertedError as refused:
            await self._finish(work.id, "failed", error=refused.reason)
            log.warning("EVM mirror operation refused by the contract",
                        extra={"op": work.id, "reason": refused.reason})
            return True
        except Exception as error:
            await self._retry_later(work.id, error)
            return False
        if mined is not None and not mined.succeeded:
            await self._finish(work.id, "failed", mined, error="the transaction reverted on chain")
        else:
            await self._finish(work.id, "done", mined)
        return True

    async def _run(self) -> None:
        poll = self._settings.evm_poll_ms / 1000
        while not self._closing:
            try:
                if await self.process_next():
                    continue
            except Exception:
                log.exception("the EVM mirror worker could not read its outbox")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), poll)
            self._wakeup.clear()

    async def _next_due(self) -> _Work | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(EvmOutbox).where(EvmOutbox.status.in_(("pending", "sent")))
                .order_by(EvmOutbox.id).limit(1)
            )
            if row is None or row.next_attempt_at > utcnow():
                return None  # in order: a later operation never overtakes a waiting one
            return _Work(row.id, row.kind, row.token_id, row.holder, row.receiver,
                         row.tx_hash, row.raw_tx)

    async def _carry_out(self, chain: Chain, work: _Work) -> Mined | None:
        """Mined receipt of the operation's transaction; None if the chain already had it."""
        if work.tx_hash is not None and work.raw_tx is not None:
            mined = await self._on_chain(chain.mined, work.tx_hash)
            if mined is not None:
                return mined
            signed = SignedTx(work.tx_hash, work.raw_tx)
        else:
            if await self._on_chain(self._already_applied, chain, work):
                return None
            signed = await self._on_chain(self._prepare, chain, work)
            await self._record_sent(work.id, signed)
        await self._on_chain(chain.send, signed)
        return await self._on_chain(chain.wait, signed.tx_hash)

    def _prepare(self, chain: Chain, work: _Work) -> SignedTx:
        functions = chain.functions()
        token = token_number(work.token_id)
        operator = operator_account(self._settings)
        if work.kind == "mint":
            return chain.prepare(operator, functions.mint(self._address(work.holder), token,
                                                          work.token_id))
        if work.kind == "transfer":
            call = functions.transferFrom(self._address(work.holder),
                                          self._address(work.receiver), token)
            return chain.prepare(operator, call)
        if work.kind == "burn":
            return chain.prepare(operator, functions.burn(token))
        if work.kind in ("freeze", "unfreeze"):
            regulator = regulator_account(self._settings)
            return chain.prepare(regulator, getattr(functions, work.kind)(token))
        raise RevertedError(f"unknown operation kind {work.kind!r}")

    def _already_applied(self, chain: Chain, work: _Work) -> bool:
        """Whether the chain already shows the effect (a transfer can't tell: A→B→A)."""
        token = token_number(work.token_id)
        if work.kind == "mint":
            return chain.owner_of(token) == self._address(work.holder)
        if work.kind == "burn":
            return chain.owner_of(token) is None
        if work.kind in ("freeze", "unfreeze"):
            exists = chain.owner_of(token) is not None
            return exists and chain.is_frozen(token) == (work.kind == "freeze")
        return False

    def _address(self, holder: str | None) -> str:
        if holder is None:
            raise RevertedError("the operation names no holder")
        return holder_address(self._settings, holder)

    async def _bind_contract(self, chain: Chain) -> None:
        if self._settings.evm_contract:
            if not await self._on_chain(chain.bind, self._settings.evm_contract):
                raise RuntimeError(f"no contract at CITYVERSE_EVM_CONTRACT "
                                   f"{self._settings.evm_contract} on this chain")
            return
        chain_key = await self._on_chain(chain.chain_key)
        async with self._sessions() as session, session.begin():
            known = await session.get(EvmContract, chain_key)
            if known is not None and await self._on_chain(chain.bind, known.address):
                return
            operator = operator_account(self._settings)
            regulator = regulator_account(self._settings).address
            holding = self._settings.evm_holding_period_s
            address, mined = await self._on_chain(chain.deploy, operator, holding, regulator)
            await session.merge(EvmContract(
                chain_key=chain_key, chain_id=await self._on_chain(lambda: chain.w3.eth.chain_id),
                address=address, holding_period_s=holding, deploy_tx_hash=mined.tx_hash,
                deploy_block=mined.block_number, created_at=utcnow()))
        log.info("deployed the collectible contract", extra={"address": address})

    async def _record_sent(self, op_id: int, signed: SignedTx) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get_one(EvmOutbox, op_id)
            row.status, row.tx_hash, row.raw_tx = "sent", signed.tx_hash, signed.raw
            row.attempts += 1

    async def _forget_sent(self, op_id: int) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get_one(EvmOutbox, op_id)
            row.status, row.tx_hash, row.raw_tx = "pending", None, None

    async def _finish(
        self, op_id: int, status: str, mined: Mined | None = None, error: str | None = None
    ) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get_one(EvmOutbox, op_id)
            row.status, row.last_error, row.finished_at = status, error, utcnow()
            if mined is not None:
                row.tx_hash, row.block_number = mined.tx_hash, mined.block_number
            row.raw_tx = None  # only needed while it may have to be sent again

    async def _retry_later(self, op_id: int, error: Exception) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get_one(EvmOutbox, op_id)
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            row.next_attempt_at = _after_backoff(row.attempts)
        log.warning("EVM mirror operation will be retried",
                    extra={"op": op_id, "attempts": row.attempts, "error": row.last_error})

    async def _on_chain(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)


def _after_backoff(attempts: int) -> datetime:
    return utcnow() + timedelta(seconds=min(MAX_BACKOFF_S, 0.5 * 2 ** (attempts - 1)))

