"""Revision 0002 creates exactly the ledger's models, on SQLite and on PostgreSQL, and can be
rolled back."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from cityverse.core.config import Settings
from cityverse.core.migrate import alembic_config


def test_the_migrated_schema_matches_the_models(settings: Settings) -> None:
    command.check(alembic_config(settings))  # raises when autogenerate would find a change


def test_the_ledger_revision_goes_down_and_up(tmp_path: Path) -> None:
    fresh = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path,
                     log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
    config = alembic_config(fresh)
    command.upgrade(config, "head")
    command.downgrade(config, "0001")
    assert not [name for name in schema(tmp_path / "m.db") if name.startswith("ledger_")]
    command.upgrade(config, "head")
    assert "WITHOUT ROWID" in schema(tmp_path / "m.db")["ledger_nodes"]


def schema(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as db:
        return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
