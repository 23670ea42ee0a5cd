"""The log's one writer per process: batched, durable appends and periodic signed checkpoints.

Callers queue entries and wait. The writer task takes up to ``ledger_batch_size`` entries (or
what arrived within ``ledger_batch_wait_ms``), writes them in one transaction, commits, and only
then tells each caller its index — an acknowledged entry is on disk. A checkpoint is signed in
the same transaction once ``ledger_checkpoint_every`` entries wait for one, or when the oldest
has waited ``ledger_checkpoint_interval_ms``.

It is a job, not a service: it owns its transactions. Each one takes the log's write lock and
re-reads the log's size, so several processes (uvicorn workers) can append to one log safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cityverse.core.config import Settings
from cityverse.core.db import create_sessionmaker, utcnow
from cityverse.modules.assets.ledger import store
from cityverse.modules.assets.ledger.checkpoint import Checkpoint, sign_checkpoint
from cityverse.modules.assets.ledger.compact import CompactRange
from cityverse.modules.assets.ledger.engines import create_writer_engine
from cityverse.modules.assets.ledger.keys import log_signer
from cityverse.modules.assets.ledger.verifier import BatchVerifier

log = logging.getLogger("cityverse.ledger")

MAX_ENTRY_BYTES = 64 * 1024
"""Entries are signed transactions, not files; files are stored elsewhere and hashed in."""

_ATTEMPTS = 3


class LedgerUnavailableError(RuntimeError):
    """The appender is not running, or could not write the batch holding this entry."""


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: str


@dataclass(slots=True)
class _Submission:
    data: bytes
    future: asyncio.Future[int]


class Appender:
    def __init__(self, settings: Settings, verifier: BatchVerifier[Any] | None = None) -> None:
        """``verifier``, if given, checks every entry before it is queued (refused entries
        raise ``EntryRejectedError`` to their caller and are not written); the appender starts
        and closes it."""
        self._settings = settings
        self._verifier = verifier
        self._signer = log_signer(settings)
        self._batch_size = settings.ledger_batch_size
        self._batch_wait = settings.ledger_batch_wait_ms / 1000
        self._checkpoint_every = settings.ledger_checkpoint_every
        self._checkpoint_interval = settings.ledger_checkpoint_interval_ms / 1000
        self._pending: deque[_Submission] = deque()
        self._in_flight: list[_Submission] = []
        self._checkpoint_waiters: list[asyncio.Future[SignedCheckpoint]] = []
        self._wakeup = asyncio.Event()
        self._tree: CompactRange | None = None  # None: read it from the database first
        self._checkpoint_size: int | None = None
        self._checkpoint_due_at: float | None = None  # monotonic; set while entries wait
        self._closing = False
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._verifier is not None:
            self._verifier.start()
        self._engine = create_writer_engine(self._settings)
        self._sessions = create_sessionmaker(self._engine)
        self._task = asyncio.create_task(self._run(), name="ledger-appender")

    async def stop(self) -> None:
        """Write what is queued, sign a last checkpoint if entries wait for one, then close."""
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
        if self._verifier is not None:
            self._verifier.close()
        if self._engine is not None:
            await self._engine.dispose()

    async def append(self, data: bytes) -> int:
        """Queue one entry; return its index once it is durably committed."""
        if self._closing or self._task is None:
            raise LedgerUnavailableError("the ledger appender is not running")
        if len(data) > MAX_ENTRY_BYTES:
            raise ValueError(f"log entries are at most {MAX_ENTRY_BYTES} bytes, got {len(data)}")
        if self._verifier is not None:
            await self._verifier.verify(data)  # raises EntryRejectedError
            if self._closing:
                raise LedgerUnavailableError("the ledger appender is not running")
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append(_Submission(bytes(data), future))
        self._wakeup.set()
        return await future

    async def checkpoint(self) -> SignedCheckpoint:
        """Sign a checkpoint of everything appended so far (now, not when one is due)."""
        if self._closing or self._task is None:
            raise LedgerUnavailableError("the ledger appender is not running")
        future: asyncio.Future[SignedCheckpoint] = asyncio.get_running_loop().create_future()
        self._checkpoint_waiters.append(future)
        self._wakeup.set()
        return await future

    async def _run(self) -> None:
        try:
            await self._load()
            await self._serve()
        except Exception:
            log.exception("the ledger appender failed; appends are refused until a restart")
        finally:
            # Normally nothing is left; if the task died, callers must not wait forever.
            self._closing = True
            left = [*self._in_flight, *self._pending]
            self._fail([s.future for s in left] + self._checkpoint_waiters,
                       LedgerUnavailableError("the ledger appender stopped"))
            self._pending.clear()
            self._checkpoint_waiters = []

    async def _serve(self) -> None:
        while True:
            if not self._pending and not self._checkpoint_waiters:
                if self._closing:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self._seconds_to_checkpoint())
                self._wakeup.clear()
                if not self._pending and not self._checkpoint_waiters and not self._due():
                    continue
            if 0 < len(self._pending) < self._batch_size and self._batch_wait and not self._closing:
                await asyncio.sleep(self._batch_wait)  # let concurrent callers join the batch
            count = min(len(self._pending), self._batch_size)
            self._in_flight = [self._pending.popleft() for _ in range(count)]
            await self._commit(self._in_flight)
            self._in_flight = []
        if self._tree is not None and self._tree.size != self._checkpoint_size:
            await self._commit([])  # signs a checkpoint if entries still wait for one

    async def _load(self) -> None:
        """At start-up: rebuild the compact range from the stored nodes, and if entries wait
        for a checkpoint (say after a crash), sign one soon."""
        assert self._sessions is not None
        try:
            async with self._sessions() as session, session.begin():
                size, self._checkpoint_size = await store.log_heads(session)
                self._tree = await store.load_tree(session, size)
        except Exception:
            log.exception("could not read the ledger's state; will retry at the first append")
            return
        if size != (self._checkpoint_size or 0):
            self._checkpoint_due_at = time.monotonic() + self._checkpoint_interval

    def _seconds_to_checkpoint(self) -> float | None:
        if self._checkpoint_due_at is None:
            return None
        return max(0.0, self._checkpoint_due_at - time.monotonic())

    def _due(self) -> bool:
        return self._checkpoint_due_at is not None and time.monotonic() >= self._checkpoint_due_at

    async def _commit(self, batch: list[_Submission], *, force_checkpoint: bool = False) -> None:
        waiters, self._checkpoint_waiters = self._checkpoint_waiters, []
        force = force_checkpoint or bool(waiters)
        error: Exception | None = None
        for attempt in range(_ATTEMPTS):
            try:
                first, signed = await self._write([s.data for s in batch], force)
                break
            except Exception as exc:  # any failure: nothing of the batch was committed
                error = exc
                self._tree = None  # re-read the log's state before trying again
                log.warning("ledger batch failed", extra={"attempt": attempt + 1,
                                                           "entries": len(batch)}, exc_info=exc)
                if attempt + 1 < _ATTEMPTS:
                    await asyncio.sleep(0.05 * (attempt + 1))
        else:
            self._fail([*(s.future for s in batch), *waiters],
                       LedgerUnavailableError(f"the ledger could not be written: {error!r}"))
            return
        for offset, submission in enumerate(batch):
            if not submission.future.done():  # the caller may have given up waiting
                submission.future.set_result(first + offset)
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(signed or self._current_checkpoint())

    async def _write(
        self, entries: list[bytes], force_checkpoint: bool
    ) -> tuple[int, SignedCheckpoint | None]:
        """One transaction: the entries, their nodes and maybe a checkpoint. Returns the first
        index and the checkpoint signed; the in-memory state changes only after the commit."""
        assert self._sessions is not None
        now = utcnow()
        async with self._sessions() as session, session.begin():
            await store.lock_log(session)
            size, checkpoint_size = await store.log_heads(session)
            tree = self._tree.copy() if self._tree is not None else None
            if tree is None or tree.size != size:  # first write, or another process appended
                tree = await store.load_tree(session, size)
            first = await store.append_entries(session, tree, entries, now)
            signed: SignedCheckpoint | None = None
            waiting = tree.size - (checkpoint_size or 0)
            requested = force_checkpoint and checkpoint_size != tree.size  # even the empty tree
            due = waiting >= self._checkpoint_every or self._due() or self._closing
            if requested or (waiting > 0 and due):
                checkpoint = Checkpoint(self._signer.name, tree.size, tree.root())
                signed = SignedCheckpoint(checkpoint, sign_checkpoint(checkpoint, [self._signer]))
                await store.insert_checkpoint(session, checkpoint, signed.note, now)
                checkpoint_size = tree.size
        self._tree = tree
        self._checkpoint_size = checkpoint_size
        if checkpoint_size == tree.size:
            self._checkpoint_due_at = None
        elif self._checkpoint_due_at is None:
            self._checkpoint_due_at = time.monotonic() + self._checkpoint_interval
        return first, signed

    @staticmethod
    def _fail(futures: list[asyncio.Future[Any]], error: Exception) -> None:
        for future in futures:
            if not future.done():
                future.set_exception(error)

    def _current_checkpoint(self) -> SignedCheckpoint:
        """The tree head as it stands (already stored as the latest checkpoint)."""
        assert self._tree is not None
        checkpoint = Checkpoint(self._signer.name, self._tree.size, self._tree.root())
        # Ed25519 signatures are deterministic: this is the very note that was stored.
        return SignedCheckpoint(checkpoint, sign_checkpoint(checkpoint, [self._signer]))


_running: Appender | None = None


def install(appender: Appender | None) -> None:
    """Make ``appender`` the one this process's services append through."""
    global _running
    _running = appender


def running_appender() -> Appender:
    if _running is None:
        raise LedgerUnavailableError("the ledger appender is not running")
    return _running
