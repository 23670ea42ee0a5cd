"""Alembic environment: runs migrations on the async engine of the configured database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from cityverse.core.config import Settings
from cityverse.core.db import create_engine
from cityverse.migrations.all_models import metadata

config = context.config

# Database objects a migration manages by hand, outside the models (dialect-specific spatial
# indexes): autogenerate must not propose dropping them.
HAND_MADE = ("twin_entity_rtree", "ix_twin_entities_box")


def _include_name(name: str | None, _type: str, _parents: object) -> bool:
    return not (name or "").startswith(HAND_MADE)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings: Settings = config.attributes.get("settings") or Settings()
    engine = create_engine(settings)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())
