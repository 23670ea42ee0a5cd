"""EVM mirror fixtures: settings with the mirror on, a session factory over emptied mirror
tables (helpers are in evm_support.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core.config import Settings
from cityverse.core.db import create_engine, create_sessionmaker
from cityverse.modules.assets.evm.models import EvmContract, EvmOutbox
from modules.assets.evm.evm_support import evm_settings


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return evm_settings(migrated, tmp_path)


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings)
    factory = create_sessionmaker(engine)
    async with factory() as session, session.begin():
        await session.execute(delete(EvmOutbox))
        await session.execute(delete(EvmContract))
    yield factory
    await engine.dispose()
