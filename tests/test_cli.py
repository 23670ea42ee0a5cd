"""The `cityverse` command: migrate, demo (idempotent, refused in prod), create-admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cityverse.cli import app
from cityverse.core.config import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CITYVERSE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CITYVERSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_migrate_demo_twice_and_create_admin(tmp_path: Path) -> None:
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    assert (tmp_path / "cityverse.db").is_file()
    for _ in range(2):
        result = runner.invoke(app, ["demo"])
        assert result.exit_code == 0, result.output
        assert "'enterprises': 40" in result.output
    weak = runner.invoke(app, ["create-admin", "boss"], input="short\n")
    assert weak.exit_code == 2 and "password_too_short" in weak.output
    made = runner.invoke(app, ["create-admin", "boss"], input="Qiandeng-town-2025\n")
    assert made.exit_code == 0, made.output
    again = runner.invoke(app, ["create-admin", "boss"], input="Qiandeng-town-2025\n")
    assert again.exit_code == 2 and "username_taken" in again.output
    bad_name = runner.invoke(app, ["create-admin", "no spaces"], input="x\n")
    assert bad_name.exit_code == 2


def test_demo_is_refused_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYVERSE_ENV", "prod")
    monkeypatch.setenv("CITYVERSE_SECRET_KEY", "p" * 40)
    monkeypatch.setenv("CITYVERSE_ASSETS_KEK", "q" * 40)
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 2 and "Refusing" in result.output


def test_prod_with_default_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYVERSE_ENV", "prod")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2 and "CITYVERSE_SECRET_KEY" in result.output


def test_demo_accounts_lists_every_role() -> None:
    result = runner.invoke(app, ["demo-accounts"])
    for role in ("admin", "officer", "enterprise", "creator", "visitor"):
        assert role in result.output
