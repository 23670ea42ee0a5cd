"""Revision 0006_assets_works creates the key and work tables and can be rolled back."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command

from cityverse.core.config import Settings
from cityverse.core.migrate import alembic_config


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_the_works_revision_goes_down_and_up(tmp_path: Path) -> None:
    fresh = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}", data_dir=tmp_path,
                     log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
    config = alembic_config(fresh)
    command.upgrade(config, "head")
    assert {"asset_user_keys", "asset_works"} <= _tables(tmp_path / "m.db")
    command.downgrade(config, "0002")
    assert not {"asset_user_keys", "asset_works"} & _tables(tmp_path / "m.db")
    command.upgrade(config, "head")
    assert {"asset_user_keys", "asset_works"} <= _tables(tmp_path / "m.db")
