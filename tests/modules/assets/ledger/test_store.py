"""The SQL store answers exactly as the in-memory reference does, one query per proof."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from cityverse.modules.assets.ledger import (
    CompactRange,
    MemoryNodeStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    store,
)
from cityverse.modules.assets.ledger import service as ledger
from cityverse.modules.assets.ledger.appender import Appender

SIZE = 75


async def fill(appender: Appender) -> MemoryNodeStore:
    reference = MemoryNodeStore()
    for i in range(SIZE):
        data = b"leaf %d" % i
        assert await appender.append(data) == reference.append(data)
    return reference


@contextmanager
def counting_statements(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)


async def test_proofs_match_the_reference_with_one_query_each(
    app: FastAPI, appender: Appender
) -> None:
    reference = await fill(appender)
    rng = random.Random(9162)
    cases = [(i, n) for n in (1, 2, 3, 7, 8, 9, 16, 33, 64, SIZE) for i in range(n)]
    async with app.state.sessionmaker() as session:
        for index, size in [*rng.sample(cases, 120), (0, 1), (SIZE - 1, SIZE)]:
            with counting_statements(app) as statements:
                proof = await ledger.inclusion_proof(session, index, size)
            assert len(statements) == 1
            assert proof.hashes == inclusion_proof(reference, index, size)
            assert proof.leaf_hash == leaf_hash(b"leaf %d" % index)
        for first in range(1, SIZE + 1, 4):
            for second in (first, first + 1, 32, 64, SIZE):
                if first <= second <= SIZE:
                    with counting_statements(app) as statements:
                        hashes = await ledger.consistency_proof(session, first, second)
                    assert len(statements) == 1
                    assert hashes == consistency_proof(reference, first, second)


async def test_the_compact_range_loads_from_the_store_at_every_size(
    app: FastAPI, appender: Appender
) -> None:
    await fill(appender)
    expected = CompactRange()
    async with app.state.sessionmaker() as session:
        for size in range(SIZE + 1):
            assert await store.load_tree(session, size) == expected
            if size < SIZE:
                expected.append(leaf_hash(b"leaf %d" % size))
