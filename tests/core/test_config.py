from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from cityverse.core.config import DEFAULT_SECRET_KEY, Settings


def test_prod_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYVERSE_ENV", "prod")
    with pytest.raises(ValidationError, match="CITYVERSE_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("CITYVERSE_SECRET_KEY", "short")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_prod_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYVERSE_ENV", "prod")
    monkeypatch.setenv("CITYVERSE_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("CITYVERSE_ASSETS_KEK", "a" * 40)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secure_cookies and not settings.dev_mode


def test_prod_refuses_a_missing_assets_kek(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYVERSE_ENV", "prod")
    monkeypatch.setenv("CITYVERSE_SECRET_KEY", "k" * 40)
    with pytest.raises(ValidationError, match="CITYVERSE_ASSETS_KEK"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_dev_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CITYVERSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CITYVERSE_DATA_DIR", str(tmp_path))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secret_key == DEFAULT_SECRET_KEY
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path}/cityverse.db"
    assert settings.is_sqlite and not settings.secure_cookies


def test_postgres_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://cv@db.internal/cityverse"
    monkeypatch.setenv("CITYVERSE_DATABASE_URL", url)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.effective_database_url == url and not settings.is_sqlite
