"""Authentication runs on every signed-in request: it must stay at one query (plus the
endpoint's own), never one per relationship."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from cityverse.core.auth.policy import Role


@contextmanager
def counted_statements(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_me_costs_one_query_with_a_session(app: FastAPI, signed_in) -> None:
    caller = await signed_in("fast", Role.CREATOR)
    await caller.get("/api/auth/me")  # the first call may touch last_seen_at
    with counted_statements(app) as statements:
        response = await caller.get("/api/auth/me")
    assert response.status_code == 200
    assert len(statements) == 1, [s[:70] for s in statements]


async def test_token_requests_cost_one_query(app: FastAPI, signed_in) -> None:
    owner = await signed_in("device", Role.VISITOR)
    token = (await owner.post("/api/auth/tokens", json={"name": "t", "scopes": ["read"]})).json()
    owner.headers["Authorization"] = f"Bearer {token['token']}"
    owner.cookies.clear()
    await owner.get("/api/auth/me")
    with counted_statements(app) as statements:
        assert (await owner.get("/api/auth/me")).status_code == 200
    assert len(statements) == 1, [s[:70] for s in statements]
