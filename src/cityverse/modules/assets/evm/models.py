"""Tables of the EVM mirror: the outbox of operations to mirror, and the contract per chain.

An outbox row is written in the same transaction as the platform change it mirrors, so it
exists exactly when that change committed; the worker sends it afterwards and records the
transaction's hash (before broadcasting it) and block (once mined).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

OutboxId = BigInteger().with_variant(Integer(), "sqlite")  # the rowid on SQLite


class EvmOutbox(Base):
    __tablename__ = "evm_outbox"
    # The worker takes the oldest unfinished operation: a partial index would do, but this one
    # is portable and small.
    __table_args__ = (Index("ix_evm_outbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(OutboxId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    """The caller's idempotency key (e.g. the ledger transaction's digest): enqueued once."""
    kind: Mapped[str] = mapped_column(String(16))  # mint, transfer, freeze, unfreeze, burn
    token_id: Mapped[str] = mapped_column(String(64))
    holder: Mapped[str | None] = mapped_column(String(128))  # mint: receiver; transfer: sender
    receiver: Mapped[str | None] = mapped_column(String(128))  # transfer: receiver
    # pending → sent (hash recorded before broadcast) → done or failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    tx_hash: Mapped[str | None] = mapped_column(String(66))
    raw_tx: Mapped[bytes | None] = mapped_column(LargeBinary)  # re-broadcast as is if lost
    block_number: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EvmContract(Base):
    """The collectible contract deployed on each chain, named by the chain's genesis hash."""

    __tablename__ = "evm_contracts"

    chain_key: Mapped[str] = mapped_column(String(66), primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(42))
    holding_period_s: Mapped[int] = mapped_column(BigInteger)
    deploy_tx_hash: Mapped[str] = mapped_column(String(66))
    deploy_block: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
