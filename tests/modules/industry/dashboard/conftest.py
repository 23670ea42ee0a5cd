"""Fixtures of the dashboard tests: the Kunshan pack's 40 demo enterprises on demand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from fastapi import FastAPI

from cityverse.cities.kunshan.loader import load_enterprises

LoadEnterprises = Callable[[], Awaitable[None]]


@pytest.fixture
def demo_enterprises(app: FastAPI) -> LoadEnterprises:
    async def load() -> None:
        async with app.state.sessionmaker() as session, session.begin():
            await load_enterprises(session, lambda *_: None)

    return load
