from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import text


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/health")).json()["status"] == "ok"
    ready = await client.get("/api/ready")
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_not_ready_without_migrations(client: httpx.AsyncClient, app: FastAPI) -> None:
    async with app.state.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE alembic_version RENAME TO alembic_version_x"))
    try:
        ready = await client.get("/api/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
    finally:
        async with app.state.engine.begin() as connection:
            await connection.execute(
                text("ALTER TABLE alembic_version_x RENAME TO alembic_version")
            )


async def test_openapi_docs_are_served(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/auth/login" in schema["paths"]
    assert (await client.get("/api/docs")).status_code == 200


async def test_spa_fallback_serves_html_for_client_routes(client: httpx.AsyncClient) -> None:
    response = await client.get("/account")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]


async def test_the_suite_runs_on_the_backend_it_was_asked_for(app: FastAPI) -> None:
    # Guards the PostgreSQL run of the suite from silently falling back to SQLite.
    from conftest import BACKEND

    expected = "postgresql" if BACKEND == "postgres" else "sqlite"
    assert app.state.engine.dialect.name == expected
