"""What other code calls: ``enqueue`` a mirror operation inside its own transaction.

Call it in the same session (and so the same transaction) as the platform change the operation
mirrors, e.g. right after the token's ledger transaction is accepted; the request commits both
or neither. The worker sends it to the chain after the commit. Enqueueing the same ``key``
twice is a no-op, so a retried request cannot mirror an operation twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from cityverse.core.config import Settings
from cityverse.core.db import utcnow
from cityverse.modules.assets.evm.models import EvmOutbox

if TYPE_CHECKING:  # the worker loads web3; code that only enqueues does not need it
    from cityverse.modules.assets.evm.worker import MirrorWorker

MirrorKind = Literal["mint", "transfer", "freeze", "unfreeze", "burn"]


@dataclass(frozen=True, slots=True)
class MirrorOp:
    """One token operation to mirror. Build it with the class methods."""

    key: str
    """Idempotency key: the ledger transaction's digest (hex) is a good one."""
    kind: MirrorKind
    token_id: str
    """The platform's token identifier (the ledger bodies' ``token_id``)."""
    holder: str | None = None
    """Mint: the first holder; transfer: the sender. A did:key (see ``accounts``)."""
    receiver: str | None = None

    @classmethod
    def mint(cls, key: str, token_id: str, holder: str) -> MirrorOp:
        return cls(key, "mint", token_id, holder=holder)

    @classmethod
    def transfer(cls, key: str, token_id: str, sender: str, receiver: str) -> MirrorOp:
        return cls(key, "transfer", token_id, holder=sender, receiver=receiver)

    @classmethod
    def freeze(cls, key: str, token_id: str) -> MirrorOp:
        return cls(key, "freeze", token_id)

    @classmethod
    def unfreeze(cls, key: str, token_id: str) -> MirrorOp:
        return cls(key, "unfreeze", token_id)

    @classmethod
    def burn(cls, key: str, token_id: str) -> MirrorOp:
        return cls(key, "burn", token_id)


async def enqueue(session: AsyncSession, settings: Settings, op: MirrorOp) -> EvmOutbox | None:
    """Queue ``op`` in the caller's transaction; None (nothing written) when the mirror is off.

    Returns the outbox row, the earlier one if ``op.key`` was enqueued before. Services never
    commit: the caller's request or job does.
    """
    if not settings.evm_enabled:
        return None
    _check(op)
    existing = await session.scalar(select(EvmOutbox).where(EvmOutbox.key == op.key))
    if existing is not None:
        return existing
    row = EvmOutbox(key=op.key, kind=op.kind, token_id=op.token_id, holder=op.holder,
                    receiver=op.receiver, status="pending", attempts=0)
    session.add(row)
    await session.flush()
    _wake_after_commit(session)
    return row


async def enqueue_many(session: AsyncSession, settings: Settings, ops: list[MirrorOp]) -> int:
    """Queue fresh operations (e.g. the mints of a new collection) in one insert; how many.

    Unlike ``enqueue`` it does not look for earlier rows: the keys must be new (a duplicate
    fails the caller's transaction), which holds for operations keyed by new log entries.
    """
    if not settings.evm_enabled or not ops:
        return 0
    for op in ops:
        _check(op)
    now = utcnow()
    await session.execute(insert(EvmOutbox), [
        {"key": op.key, "kind": op.kind, "token_id": op.token_id, "holder": op.holder,
         "receiver": op.receiver, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "created_at": now}
        for op in ops
    ])
    _wake_after_commit(session)
    return len(ops)


async def operations_of(
    session: AsyncSession, settings: Settings, token_id: str
) -> list[EvmOutbox] | None:
    """The mirror operations of one token, oldest first; None when the mirror is off."""
    if not settings.evm_enabled:
        return None
    rows = await session.scalars(
        select(EvmOutbox).where(EvmOutbox.token_id == token_id).order_by(EvmOutbox.id)
    )
    return list(rows)


def _wake_after_commit(session: AsyncSession) -> None:
    """The worker looks at the outbox as soon as the caller's transaction commits (a rollback
    leaves nothing to send, and the worker's next poll finds nothing either)."""
    if session.info.get(_WAKE_LISTENING):
        return
    session.info[_WAKE_LISTENING] = True

    def on_rollback(ended: Session) -> None:
        ended.info.pop(_WAKE_LISTENING, None)

    def on_commit(ended: Session) -> None:
        ended.info.pop(_WAKE_LISTENING, None)
        wake()

    event.listen(session.sync_session, "after_commit", on_commit, once=True)
    event.listen(session.sync_session, "after_rollback", on_rollback, once=True)


_WAKE_LISTENING = "evm_outbox_wake"


def _check(op: MirrorOp) -> None:
    if not op.key or len(op.key) > 128:
        raise ValueError("a mirror operation's key is 1 to 128 characters")
    if not op.token_id or len(op.token_id) > 64:
        raise ValueError("a token id is 1 to 64 characters")
    needs_holder = op.kind in ("mint", "transfer")
    if needs_holder != (op.holder is not None) or (op.kind == "transfer") != (
        op.receiver is not None
    ):
        raise ValueError(f"a {op.kind} names {'a holder' if needs_holder else 'no holder'}"
                         f"{' and a receiver' if op.kind == 'transfer' else ''}")


_running: MirrorWorker | None = None


def install(worker: MirrorWorker | None) -> None:
    """Make ``worker`` the one ``wake`` reaches (the app's lifespan does this)."""
    global _running
    _running = worker


def wake() -> None:
    """Tell this process's mirror worker (if it runs) that operations were just committed."""
    if _running is not None:
        _running.wake()
