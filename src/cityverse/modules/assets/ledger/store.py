"""SQL storage of the log: the queries behind appends, proofs and start-up.

Appends write the entry, its leaf node and every perfect subtree it completes (``CompactRange``
says which): O(log n) rows, ~3 on average. Proofs work out which stored nodes they need by
running the core prover on a recording reader, fetch exactly those in one query, then run the
prover again on the fetched nodes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.elements import TextClause

from cityverse.modules.assets.ledger.checkpoint import Checkpoint
from cityverse.modules.assets.ledger.compact import CompactRange
from cityverse.modules.assets.ledger.hashing import HASH_SIZE, leaf_hash
from cityverse.modules.assets.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from cityverse.modules.assets.ledger.prover import HashReader

NodeKey = tuple[int, int]

_SIZE_ROW = -1  # level value that marks the log-size row in the proof query
_PG_LOCK_KEY = 0x0C17_1ED6  # any constant, as long as every writer of the log uses it
_PLACEHOLDER = bytes(HASH_SIZE)


class LedgerIntegrityError(RuntimeError):
    """A node the tree must have is not stored: the database was damaged or edited."""


class FetchedNodes:
    """The nodes one proof needs, fetched beforehand; a ``HashReader`` for the core prover."""

    __slots__ = ("_nodes", "tree_size")

    def __init__(self, tree_size: int, nodes: dict[NodeKey, bytes]) -> None:
        self.tree_size = tree_size
        self._nodes = nodes

    def get_node(self, level: int, index: int) -> bytes:
        try:
            return self._nodes[level, index]
        except KeyError:
            raise LedgerIntegrityError(
                f"stored node (level {level}, index {index}) is missing; "
                "run `cityverse ledger verify`"
            ) from None


class _RecordingReader:
    """Answers every read with a placeholder and notes which node was asked for."""

    def __init__(self, tree_size: int) -> None:
        self.tree_size = tree_size
        self.keys: list[NodeKey] = []

    def get_node(self, level: int, index: int) -> bytes:
        self.keys.append((level, index))
        return _PLACEHOLDER


def nodes_needed(tree_size: int, compute: Callable[[HashReader], Any]) -> list[NodeKey]:
    """The stored nodes ``compute`` reads from a tree of ``tree_size`` leaves.

    The prover's reads depend only on sizes and indices, never on hash values, so a dry run
    names them all. It raises what the prover raises for impossible arguments.
    """
    recorder = _RecordingReader(tree_size)
    compute(recorder)
    return list(dict.fromkeys(recorder.keys))


# Stored nodes never change, and the upper ones (2**8 leaves and more) are on almost every
# proof's path: they are kept in memory per database engine, so a proof's query asks only for
# the ~log2(size) - 8 nodes near its leaf. At 1,000,000 entries that is ~8,000 nodes (~1 MB).
CACHED_LEVEL = 8
CACHE_LIMIT = 200_000
_upper_nodes: weakref.WeakKeyDictionary[object, dict[NodeKey, bytes]] = (
    weakref.WeakKeyDictionary())


def _node_cache(session: AsyncSession) -> dict[NodeKey, bytes]:
    engine = session.bind.sync_engine if session.bind is not None else session
    cache = _upper_nodes.get(engine)
    if cache is None:
        cache = _upper_nodes[engine] = {}
    return cache


async def read_nodes(session: AsyncSession, keys: Iterable[NodeKey]) -> FetchedNodes:
    """The log's current size and the given nodes, in one round trip (upper nodes from the
    engine's cache once read)."""
    cache = _node_cache(session)
    found: dict[NodeKey, bytes] = {}
    wanted: list[NodeKey] = []
    for key in dict.fromkeys(keys):
        cached = cache.get(key)
        if cached is None:
            wanted.append(key)
        else:
            found[key] = cached
    size, fetched = await _query_nodes(session, wanted)
    found.update(fetched)
    if len(cache) < CACHE_LIMIT:
        cache.update((key, hashed) for key, hashed in fetched.items() if key[0] >= CACHED_LEVEL)
    return FetchedNodes(size, found)


async def _query_nodes(
    session: AsyncSession, wanted: list[NodeKey]
) -> tuple[int, dict[NodeKey, bytes]]:
    params: dict[str, int] = {}
    for number, (level, index) in enumerate(wanted):
        params[f"l{number}"] = level
        params[f"i{number}"] = index
    size = 0
    found: dict[NodeKey, bytes] = {}
    for level, index, hashed in await session.execute(_nodes_query(len(wanted)), params):
        if level == _SIZE_ROW:
            size = index
        else:
            found[level, index] = hashed
    return size, found


@lru_cache(maxsize=256)
def _nodes_query(count: int) -> TextClause:
    """The log size, then ``count`` nodes by key: each (level, node_index) term is one
    primary-key search. Plain SQL on purpose: building the equivalent expression tree costs
    more than the query itself, and row-value IN lists are full scans on SQLite."""
    # Only constants and numbered placeholders go into the text: nothing from a caller.
    size = (f"SELECT {_SIZE_ROW} AS level, COALESCE(MAX(leaf_index) + 1, 0) AS node_index, "  # noqa: S608
            "NULL AS hash FROM ledger_entries")
    if not count:
        return text(size)
    keys = " OR ".join(f"(level = :l{n} AND node_index = :i{n})" for n in range(count))
    nodes = f"SELECT level, node_index, hash FROM ledger_nodes WHERE {keys}"  # noqa: S608
    return text(f"{size} UNION ALL {nodes}")


async def log_heads(session: AsyncSession) -> tuple[int, int | None]:
    """(entries stored, tree size of the latest checkpoint or None) in one query."""
    size = select(func.coalesce(func.max(LedgerEntry.leaf_index) + 1, 0)).scalar_subquery()
    latest = select(func.max(LedgerCheckpoint.tree_size)).scalar_subquery()
    row = (await session.execute(select(size, latest))).one()
    return int(row[0]), None if row[1] is None else int(row[1])


async def load_tree(session: AsyncSession, size: int) -> CompactRange:
    """The compact range of the first ``size`` leaves, from one node per set bit of ``size``."""
    frontier = nodes_needed(size, lambda reader: CompactRange.from_reader(reader, size))
    return CompactRange.from_reader(await read_nodes(session, frontier), size)


async def lock_log(session: AsyncSession) -> None:
    """Serialise writers of the log across processes for the rest of the transaction.

    On PostgreSQL an advisory lock; SQLite writers take the database's write lock when their
    transaction begins (the appender's engine begins with BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


async def append_entries(
    session: AsyncSession, tree: CompactRange, entries: Sequence[bytes], created_at: datetime
) -> int:
    """Insert ``entries`` after the leaves of ``tree`` (advanced in place); the first index."""
    if not entries:
        return tree.size
    connection = await session.connection()
    dialect = connection.dialect
    stamp = _created_at_processor(dialect)(created_at)  # one conversion for the whole batch
    first = tree.size
    entry_rows: list[tuple[Any, ...]] = []
    node_rows: list[tuple[int, int, bytes]] = []
    for data in entries:
        hashed = leaf_hash(data)
        entry_rows.append((tree.size, hashed, data, stamp))
        node_rows.extend(tree.append(hashed))
    # Rows go to the driver as tuples: SQLAlchemy's per-row parameter processing would cost
    # more than the database's own work for these tiny rows.
    await connection.exec_driver_sql(_insert_sql(dialect, LedgerEntry.__table__), entry_rows)
    await connection.exec_driver_sql(_insert_sql(dialect, LedgerNode.__table__), node_rows)
    return first


@lru_cache(maxsize=16)
def _insert_sql(dialect: Dialect, table: FromClause) -> str:
    """INSERT of every column, in table order, in the driver's own parameter style."""
    compiled = insert(table).compile(dialect=dialect)  # type: ignore[arg-type]
    if compiled.positiontup != [column.name for column in table.columns]:
        raise RuntimeError(f"unexpected parameter order for {table}: {compiled.positiontup}")
    return str(compiled)


@lru_cache(maxsize=4)
def _created_at_processor(dialect: Dialect) -> Callable[[datetime], Any]:
    """What the ``created_at`` column's type hands the driver for a datetime."""
    column_type = LedgerEntry.__table__.c.created_at.type.dialect_impl(dialect)
    process = column_type.bind_processor(dialect)
    return process if process is not None else lambda value: value


async def insert_checkpoint(
    session: AsyncSession, checkpoint: Checkpoint, note: str, created_at: datetime
) -> None:
    session.add(LedgerCheckpoint(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash,
                                 note=note, created_at=created_at))
    await session.flush()
