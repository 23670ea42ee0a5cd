"""Shared fixtures: a migrated database per run, an app per test, signed-in clients.

Set CITYVERSE_TEST_DATABASE=postgres to run against a real PostgreSQL server that the harness
starts on a temporary data dir (see tests/harness/postgres.py).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete

from cityverse.app import create_app
from cityverse.core.auth import service
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.migrate import upgrade
from cityverse.core.ratelimit import RateLimiter
from cityverse.migrations.all_models import metadata
from tests_support import PASSWORD

BACKEND = os.environ.get("CITYVERSE_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgres":
        from harness.postgres import TempPostgres

        with TempPostgres() as server:
            yield server.url
        return
    path = tmp_path_factory.mktemp("db") / "cityverse.db"
    yield f"sqlite+aiosqlite:///{path.as_posix()}"


@pytest.fixture(scope="session")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    upgrade(make_settings(database_url, tmp_path_factory.mktemp("data")))
    return database_url


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        env="test", database_url=database_url, data_dir=data_dir, log_json=True,
        log_level="WARNING", _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return make_settings(migrated, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        await _empty_tables(application)
        for limiter in RateLimiter.instances:
            limiter.reset()
        yield application


async def _empty_tables(application: FastAPI) -> None:
    async with application.state.sessionmaker() as session, session.begin():
        for table in reversed(metadata.sorted_tables):
            await session.execute(delete(table))


def client_for(application: FastAPI, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://testserver",
        headers=headers,
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


UserFactory = Callable[..., Awaitable[int]]


@pytest.fixture
def make_user(app: FastAPI) -> UserFactory:
    """Create a user directly (no HTTP) with the given roles; returns the id."""

    async def make(username: str, *roles: Role, password: str = PASSWORD) -> int:
        async with app.state.sessionmaker() as session, session.begin():
            user = await service.create_user(
                session, username=username, password=password, display_name=username,
                roles=list(roles) or [Role.VISITOR],
            )
            return user.id

    return make


SignedInFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def signed_in(app: FastAPI, make_user: UserFactory) -> AsyncIterator[SignedInFactory]:
    """A client signed in as a new user with the given roles (cookie session)."""
    opened: list[httpx.AsyncClient] = []

    async def open_client(username: str, *roles: Role) -> httpx.AsyncClient:
        await make_user(username, *roles)
        c = client_for(app)
        opened.append(c)
        response = await c.post("/api/auth/login", json={"username": username,
                                                         "password": PASSWORD})
        assert response.status_code == 200, response.text
        return c

    yield open_client
    for c in opened:
        await c.aclose()
