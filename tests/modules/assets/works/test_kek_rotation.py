"""`cityverse assets rotate-kek`: every custodial key and work data key moves from the old KEK
to the new one in one transaction (a dry run changes nothing, a wrong old KEK changes nothing),
with an audit record; afterwards the new KEK opens everything and the old one nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from cityverse.cli import app as cli
from cityverse.core.config import Settings, get_settings
from cityverse.modules.assets.identity import IdentityError
from cityverse.modules.assets.keys import service as keys
from cityverse.modules.assets.keys.models import UserKey
from cityverse.modules.assets.works import service as works
from cityverse.modules.assets.works.blobs import BlobError
from cityverse.modules.assets.works.models import Work
from tests_support import audit_actions

from .conftest import Creator, png_bytes, upload

OLD = "old-kek-" + "o" * 32
NEW = "new-kek-" + "n" * 32


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, env="test", database_url=migrated, data_dir=tmp_path, log_json=True,
        log_level="WARNING", assets_kek=OLD,
    )


async def wrapped_keys(app: FastAPI) -> tuple[list[bytes | None], list[bytes]]:
    async with app.state.sessionmaker() as session:
        users = list(await session.scalars(select(UserKey.wrapped_data_key).order_by(UserKey.id)))
        stored = list(await session.scalars(select(Work.wrapped_data_key).order_by(Work.id)))
    return users, stored


async def run_cli(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str, old: str = OLD
) -> tuple[int, str]:
    monkeypatch.setenv("CITYVERSE_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("CITYVERSE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CITYVERSE_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("CITYVERSE_ASSETS_KEK", old)
    monkeypatch.setenv("CITYVERSE_ASSETS_KEK_NEW", NEW)
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(CliRunner().invoke, cli, ["assets", "rotate-kek", *args])
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


async def test_rotation_rewraps_every_key_and_the_old_kek_no_longer_opens_them(
    app: FastAPI, settings: Settings, creator: Creator, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await creator("linyue")
    uploaded = await upload(client, png_bytes())
    assert uploaded.status_code == 201, uploaded.text
    work_id = uploaded.json()["work"]["id"]
    before = await wrapped_keys(app)
    assert len(before[0]) == 1 and len(before[1]) == 1

    code, output = await run_cli(monkeypatch, settings, "--dry-run")
    assert code == 0, output
    assert "would re-wrap 1 custodial keys and 1 work keys" in output
    assert await wrapped_keys(app) == before

    code, output = await run_cli(monkeypatch, settings, old="not-the-kek-" + "x" * 32)
    assert code == 1 and "Nothing changed" in output
    assert await wrapped_keys(app) == before

    code, output = await run_cli(monkeypatch, settings)
    assert code == 0, output
    assert "re-wrapped 1 custodial keys and 1 work keys" in output
    after = await wrapped_keys(app)
    assert after[0] != before[0] and after[1] != before[1]
    assert (await audit_actions(app)).count("assets.kek.rotate") == 1

    rotated = settings.model_copy(update={"assets_kek": NEW})
    async with app.state.sessionmaker() as session:
        row = await session.scalar(select(UserKey))
        work = await session.scalar(select(Work).where(Work.public_id == work_id))
        assert row is not None and work is not None
        signer = await keys.signer_for(session, rotated, row.user_id)
        assert signer is not None and signer.key.did == row.did  # the same key, new wrapping
        with pytest.raises(IdentityError):
            await keys.signer_for(session, settings, row.user_id)
    folder = works.blob_folder(settings)
    original = folder.open(work.public_id, work.content_sha256, work.wrapped_data_key,
                           works.work_kek(rotated))
    assert original == png_bytes()
    with pytest.raises(BlobError):
        folder.open(work.public_id, work.content_sha256, work.wrapped_data_key,
                    works.work_kek(settings))
