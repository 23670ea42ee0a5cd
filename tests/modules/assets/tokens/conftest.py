"""Token fixtures: real-name people in every role, a proposal helper and a way to age tokens."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import func, select, update

from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.db import utcnow
from cityverse.modules.assets.ledger.models import LedgerEntry
from cityverse.modules.assets.tokens.models import AssetToken

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@dataclass
class People:
    creator: httpx.AsyncClient
    officer: httpx.AsyncClient
    collector: httpx.AsyncClient
    friend: httpx.AsyncClient
    unverified: httpx.AsyncClient
    work_id: str = ""

    async def propose(
        self, client: httpx.AsyncClient, files: list[tuple[str, bytes]] | None = None,
        **fields: object,
    ) -> httpx.Response:
        return await propose(client, files, **{"work_id": self.work_id, **fields})


@pytest.fixture
async def people(app: FastAPI, signed_in: Callable[..., Awaitable[httpx.AsyncClient]]) -> People:
    clients = {
        "creator": await signed_in("linyue", Role.CREATOR),
        "officer": await signed_in("wangxiao", Role.OFFICER),
        "collector": await signed_in("zhouhang", Role.VISITOR),
        "friend": await signed_in("lina", Role.VISITOR),
        "unverified": await signed_in("sunlei", Role.CREATOR),
    }
    async with app.state.sessionmaker() as session, session.begin():
        for username in ("linyue", "wangxiao", "zhouhang", "lina"):
            user = await accounts.find_user(session, username)
            assert user is not None
            await accounts.set_realname_state(session, user.id, "approved", username)
    found = People(**clients)
    found.work_id = await register_work(found.creator)
    return found


async def register_work(client: httpx.AsyncClient, data: bytes | None = None,
                        filename: str = "work.png") -> str:
    """A work registered (确权) on the log by the signed-in creator; its public id."""
    response = await client.post(
        "/api/works", data={"title": "玉峰山", "description": "测试作品"},
        files={"file": (filename, data or png_bytes(), "application/octet-stream")})
    assert response.status_code == 201, response.text
    work_id: str = response.json()["work"]["id"]
    return work_id


def png_bytes(colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="PNG")
    return out.getvalue()


def proposal(**overrides: object) -> dict[str, object]:
    return {"title": "玉峰山四季", "description": "四幅昆山玉峰山的四季画作", "edition_count": "3",
            **overrides}


async def propose(
    client: httpx.AsyncClient, files: list[tuple[str, bytes]] | None = None, **fields: object
) -> httpx.Response:
    uploads = [("documents", (name, content, "application/octet-stream"))
               for name, content in (files if files is not None else [("授权书.png", PNG)])]
    return await client.post("/api/assets/collections", data=proposal(**fields), files=uploads)


async def approved_collection(people: People, editions: int = 3) -> int:
    created = await people.propose(people.creator, edition_count=str(editions))
    assert created.status_code == 201, created.text
    collection_id: int = created.json()["id"]
    approved = await people.officer.post(f"/api/assets/collections/{collection_id}/review",
                                         json={"approve": True})
    assert approved.status_code == 200, approved.text
    return collection_id


async def age_tokens(app: FastAPI, collection_id: int, days: int = 181) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(AssetToken).where(AssetToken.collection_id == collection_id)
                              .values(acquired_at=utcnow() - timedelta(days=days)))


async def log_size(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
