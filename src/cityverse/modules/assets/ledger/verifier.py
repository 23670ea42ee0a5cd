"""Checking entries before they are appended, in batches, on every core.

A signed transaction costs a few hundred microseconds to check (Ed25519 verification is most of
it), far more than appending it. ``BatchVerifier`` gathers the entries that concurrent callers
submit within one turn of the event loop and hands them in chunks to a pool of processes, so
the checks of one batch run on all cores while the appender writes the previous batch.

The check is any picklable top-level function of the entry's bytes (e.g. the identity
library's ``open_transaction``): it returns what the caller wants back and raises to refuse.
With no worker processes the batches run either in the calling thread, entry by entry, or
(``in_thread``) gathered the same way on one thread beside the event loop.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from cityverse.core.config import Settings
from cityverse.modules.assets.identity.transaction import open_transaction

T = TypeVar("T")

DEFAULT_CHUNK = 128


class EntryRejectedError(ValueError):
    """The check refused the entry; ``reason`` says why (the check's exception)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Outcome(Generic[T]):
    value: T | None
    error: str | None


def check_chunk(check: Callable[[bytes], T], entries: Sequence[bytes]) -> list[_Outcome[T]]:
    """Run in a pool process: each entry's value or the reason it was refused."""
    outcomes: list[_Outcome[T]] = []
    for entry in entries:
        try:
            outcomes.append(_Outcome(check(entry), None))
        except Exception as error:  # a refusal of this entry only, never of the chunk
            outcomes.append(_Outcome(None, f"{type(error).__name__}: {error}"))
    return outcomes


class BatchVerifier(Generic[T]):
    """Checks entries with ``check`` on ``workers`` processes (0: in the calling thread, or
    batched on one thread with ``in_thread``)."""

    def __init__(
        self, check: Callable[[bytes], T], workers: int | None = None,
        chunk_size: int = DEFAULT_CHUNK, *, in_thread: bool = False,
    ) -> None:
        self._check = check
        self._workers = (os.cpu_count() or 1) if workers is None else workers
        self._in_thread = in_thread and not self._workers
        self._chunk_size = chunk_size
        self._pool: Executor | None = None
        self._pending: list[tuple[bytes, asyncio.Future[T]]] = []
        self._dispatch_scheduled = False
        self._warming: list[Future[int]] = []

    def start(self) -> None:
        """Start the worker processes (spawned: the parent's threads and event loop stay out)."""
        if self._in_thread and self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="ledger-verify")
            return
        if self._workers and self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
            # Start every process now rather than at the first entry.
            self._warming = [self._pool.submit(os.getpid) for _ in range(self._workers)]

    async def ready(self) -> None:
        """Wait until the worker processes have started (each imports the check's module)."""
        await asyncio.gather(*(asyncio.wrap_future(started) for started in self._warming))

    def worker_pids(self) -> list[int]:
        """Process ids of the pool's workers (for CPU figures)."""
        return list(getattr(self._pool, "_processes", None) or {})

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def verify(self, entry: bytes) -> T:
        """The check's value for ``entry``; raises ``EntryRejectedError`` if it was refused."""
        loop = asyncio.get_running_loop()
        if not self._workers and not self._in_thread:
            return self._settle_one(check_chunk(self._check, [entry])[0])
        if self._pool is None:
            raise RuntimeError("the verifier is not started")
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((entry, future))
        if not self._dispatch_scheduled:
            self._dispatch_scheduled = True
            loop.call_soon(self._dispatch, loop)
        return await future

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Everything submitted in this turn of the loop, in chunks, to the pool."""
        self._dispatch_scheduled = False
        pending, self._pending = self._pending, []
        # Enough chunks to keep every worker busy, none larger than the chunk size; one thread
        # takes the whole batch in one call.
        if self._in_thread:
            size = max(1, len(pending))
        else:
            size = max(1, min(self._chunk_size, -(-len(pending) // self._workers)))
        for start in range(0, len(pending), size):
            chunk = pending[start : start + size]
            running = loop.run_in_executor(
                self._pool, check_chunk, self._check, [entry for entry, _ in chunk]
            )
            running.add_done_callback(partial(self._settle, [f for _, f in chunk]))

    def _settle(
        self, futures: list[asyncio.Future[T]], running: asyncio.Future[list[_Outcome[T]]]
    ) -> None:
        if running.cancelled() or running.exception() is not None:
            error = running.exception() if not running.cancelled() else None
            for future in futures:
                if not future.done():
                    future.set_exception(RuntimeError(f"the verifier failed: {error!r}"))
            return
        for future, outcome in zip(futures, running.result(), strict=True):
            if future.done():  # the caller gave up waiting
                continue
            if outcome.error is not None:
                future.set_exception(EntryRejectedError(outcome.error))
            else:
                future.set_result(outcome.value)  # type: ignore[arg-type]

    @staticmethod
    def _settle_one(outcome: _Outcome[T]) -> T:
        if outcome.error is not None:
            raise EntryRejectedError(outcome.error)
        return outcome.value  # type: ignore[return-value]


def transaction_verifier(settings: Settings) -> BatchVerifier[None] | None:
    """The app's verifier of appended entries, as the settings ask (None: entries unchecked)."""
    if not settings.ledger_verify_transactions:
        return None
    workers = settings.ledger_verify_workers
    return BatchVerifier(check_signed_transaction, workers, in_thread=workers == 0)


def check_signed_transaction(entry: bytes) -> None:
    """The asset platform's check: a canonical, valid transaction whose Ed25519 signature by
    its actor verifies (``open_transaction``). Returns nothing, so nothing is sent back."""
    open_transaction(entry)
