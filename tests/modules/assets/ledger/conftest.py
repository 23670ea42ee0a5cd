"""Ledger fixtures: the app's appender, with a checkpoint every 16 entries and no timer
(tests that want the timer start their own appender). The log itself stores opaque entries:
these tests append plain bytes, so the asset platform's signature check is off here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from cityverse.core.config import Settings
from cityverse.modules.assets.ledger.appender import Appender


def ledger_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test", "database_url": database_url, "data_dir": data_dir, "log_json": True,
        "log_level": "WARNING", "ledger_checkpoint_every": 16,
        "ledger_checkpoint_interval_ms": 600_000, "ledger_verify_transactions": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return ledger_settings(migrated, tmp_path)


@pytest.fixture
def make_settings(migrated: str, tmp_path: Path) -> SettingsFactory:
    """Test settings for the session database with some ledger settings changed."""

    def make(**overrides: object) -> Settings:
        return ledger_settings(migrated, tmp_path, **overrides)

    return make


@pytest.fixture
def appender(app: FastAPI) -> Appender:
    running: Appender = app.state.ledger_appender
    return running
