"""Works fixtures: a small upload limit, checkpoints soon after each append, and signed-in
creators whose real name is already verified."""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings

UPLOAD_LIMIT = 300_000


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, env="test", database_url=migrated, data_dir=tmp_path, log_json=True,
        log_level="WARNING", ledger_checkpoint_interval_ms=20,
        assets_max_upload_bytes=UPLOAD_LIMIT,
    )


Creator = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
def creator(app: FastAPI, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]) -> Creator:
    """A signed-in creator whose real name an officer has approved."""

    async def make(username: str) -> httpx.AsyncClient:
        client = await signed_in(username, Role.CREATOR)
        async with app.state.sessionmaker() as session, session.begin():
            user = await accounts.find_user(session, username)
            assert user is not None
            await accounts.set_realname_state(session, user.id, "approved", f"{username}实名")
        return client

    return make


def png_bytes(colour: tuple[int, int, int] = (200, 80, 40), size: int = 96) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def glb_bytes(name: str = "cube") -> bytes:
    """A minimal glTF 2.0 binary: a header and one JSON chunk."""
    document = json.dumps({"asset": {"version": "2.0"}, "scenes": [{"name": name}]}).encode()
    document += b" " * (-len(document) % 4)
    chunk = struct.pack("<II", len(document), 0x4E4F534A) + document
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunk)) + chunk


async def upload(client: httpx.AsyncClient, data: bytes, title: str = "周庄晨雾",
                 filename: str = "work.png") -> httpx.Response:
    return await client.post("/api/works", data={"title": title, "description": "测试作品"},
                             files={"file": (filename, data, "application/octet-stream")})
