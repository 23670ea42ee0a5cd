"""Running the Alembic history from code (CLI, tests, start-up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config

import cityverse
from cityverse.core.config import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(Path(cityverse.__file__).parent / "migrations")
    )
    config.set_main_option("sqlalchemy.url", settings.effective_database_url)
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate to `revision`; safe to call from a running event loop's worker thread."""
    from alembic import command

    command.upgrade(alembic_config(settings), revision)


async def upgrade_async(settings: Settings, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, settings, revision)
