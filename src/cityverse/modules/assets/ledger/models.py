"""Tables of the persistent verifiable log: entries, perfect-subtree nodes, signed checkpoints.

Rows are only ever inserted. Level 0 of ``ledger_nodes`` repeats each entry's leaf hash on
purpose: the tree keeps its own copy, so `cityverse ledger verify` can tell an edited entry from a
moved one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityverse.core.db import Base, UtcDateTime, utcnow

# On SQLite only the exact type INTEGER makes a primary key the rowid: no second index.
LogPosition = BigInteger().with_variant(Integer(), "sqlite")


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    leaf_index: Mapped[int] = mapped_column(LogPosition, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LedgerNode(Base):
    """Root of the perfect subtree of 2**level leaves starting at leaf node_index * 2**level."""

    __tablename__ = "ledger_nodes"
    # Clustered on the key: proofs look nodes up by (level, node_index) and nothing else.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's own attribute

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    node_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerCheckpoint(Base):
    """A signed tree head; every one is kept, so clients can ask for consistency from any."""

    __tablename__ = "ledger_checkpoints"

    tree_size: Mapped[int] = mapped_column(LogPosition, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)  # C2SP signed note, exactly as published
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
