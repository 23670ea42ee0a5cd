"""Database engines for the log's writer and its auditor, on top of the platform's engine.

The platform runs SQLite with ``synchronous=NORMAL`` in WAL mode: a commit survives the process
being killed but not the machine losing power. The appender acknowledges an entry only after
its commit, so its connections use ``synchronous=FULL`` (the WAL is fsynced at every commit)
and begin with ``BEGIN IMMEDIATE`` (the write lock is held from the first read, so the log's
size read at the start of a batch is still true when the batch is written).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from cityverse.core.config import Settings
from cityverse.core.db import create_engine


def create_writer_engine(settings: Settings) -> AsyncEngine:
    """Durable commits; on SQLite every transaction holds the write lock from its start."""
    engine = create_engine(settings)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_full_sync)
        event.listen(engine.sync_engine, "begin", _begin_with("BEGIN IMMEDIATE"))
    # PostgreSQL commits durably unless an operator turned synchronous_commit off on purpose.
    return engine


def create_snapshot_engine(settings: Settings) -> AsyncEngine:
    """Every transaction reads one consistent snapshot, while appends go on."""
    engine = create_engine(settings)
    if engine.dialect.name == "sqlite":
        # pysqlite only begins transactions before writes; without this every SELECT would
        # read its own snapshot.
        event.listen(engine.sync_engine, "connect", _sqlite_manual_transactions)
        event.listen(engine.sync_engine, "begin", _begin_with("BEGIN"))
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ")


def _sqlite_full_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
    _sqlite_manual_transactions(dbapi_connection, _record)


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # The driver then emits no BEGIN of its own; the "begin" listener emits ours.
    dbapi_connection.isolation_level = None


def _begin_with(statement: str) -> Any:
    def begin(connection: Connection) -> None:
        connection.exec_driver_sql(statement)

    return begin
