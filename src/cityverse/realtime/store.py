"""Persistence for the world server: bans (checked on join) and chat history (written in
batches by a background task, so a busy hall costs one transaction per batch, not per line)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cityverse.core.db import utcnow
from cityverse.core.pagination import Page, PageParams
from cityverse.realtime.models import WorldBan, WorldChatMessage

log = logging.getLogger("cityverse.realtime")

CHAT_BATCH_SECONDS = 0.25
CHAT_BATCH_MAX = 500


@dataclass(frozen=True, slots=True)
class ChatLine:
    space_key: str
    instance_id: str
    scope: str
    sender_client_id: int
    sender_user_id: int | None
    sender_name: str
    text: str


async def ban_reason(session: AsyncSession, space_key: str, user_id: int) -> str | None:
    """The reason the user is banned from the space, or None when they are not."""
    row = await session.scalar(
        select(WorldBan).where(WorldBan.space_key == space_key, WorldBan.user_id == user_id)
    )
    return None if row is None else (row.reason or "banned")


async def add_ban(
    session: AsyncSession, space_key: str, user_id: int, reason: str, banned_by: int | None
) -> None:
    if await ban_reason(session, space_key, user_id) is None:
        session.add(WorldBan(space_key=space_key, user_id=user_id, reason=reason,
                             banned_by=banned_by, created_at=utcnow()))


async def remove_ban(session: AsyncSession, space_key: str, user_id: int) -> bool:
    result = await session.execute(
        delete(WorldBan).where(WorldBan.space_key == space_key, WorldBan.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))


async def list_bans(session: AsyncSession, space_key: str, paging: PageParams) -> Page[WorldBan]:
    query = select(WorldBan).where(WorldBan.space_key == space_key)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        paging.apply(query, WorldBan, default="-id", allowed={"id", "created_at", "user_id"})
    )
    return Page(list(rows), total, paging.page, paging.size)


async def list_chat(
    session: AsyncSession, space_key: str, paging: PageParams, scope: str | None = None
) -> Page[WorldChatMessage]:
    query = select(WorldChatMessage).where(WorldChatMessage.space_key == space_key)
    if scope is not None:
        query = query.where(WorldChatMessage.scope == scope)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        paging.apply(query, WorldChatMessage, default="-id", allowed={"id", "created_at"})
    )
    return Page(list(rows), total, paging.page, paging.size)


class ChatWriter:
    """Queues chat lines and writes them in batches; ``flush`` waits until all are stored."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._pending: list[ChatLine] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="world-chat-writer")

    async def stop(self) -> None:
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def add(self, line: ChatLine) -> None:
        self._pending.append(line)
        self._idle.clear()
        self._wake.set()

    async def flush(self) -> None:
        if self._task is None:
            return
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(CHAT_BATCH_SECONDS)
            self._wake.clear()
            while self._pending:
                batch = self._pending[:CHAT_BATCH_MAX]
                del self._pending[:CHAT_BATCH_MAX]
                try:
                    await self._write(batch)
                except Exception:  # a lost batch must not stop the world server
                    log.exception("chat batch not stored", extra={"lines": len(batch)})
            self._idle.set()

    async def _write(self, batch: list[ChatLine]) -> None:
        now = utcnow()
        async with self._sessionmaker() as session, session.begin():
            session.add_all(
                WorldChatMessage(
                    space_key=line.space_key, instance_id=line.instance_id, scope=line.scope,
                    sender_client_id=line.sender_client_id, sender_user_id=line.sender_user_id,
                    sender_name=line.sender_name, text=line.text, created_at=now,
                )
                for line in batch
            )
