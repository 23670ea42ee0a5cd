"""Rooms shared by several server processes through Redis pub/sub.

Every process publishes its own avatars' joins, leaves, poses (one batch per instance per
tick), chat, emotes and moderation on ``cityverse:world:<space>``, and applies what the
others publish. Client ids come from one Redis counter, in blocks, so they never collide.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

import msgpack
import redis.asyncio as redis

from cityverse.realtime.bridge import Bridge, BridgeListener

log = logging.getLogger("cityverse.realtime")

CHANNEL_PREFIX = "cityverse:world:"
ID_COUNTER = "cityverse:world:next-client-id"
ID_BLOCK = 1000


class RedisBridge(Bridge):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.node = secrets.token_hex(8)
        self._client: redis.Redis | None = None
        self._pubsub: Any = None
        self._outbox: list[tuple[str, bytes]] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._next_id = 0
        self._last_id = -1
        self._id_lock = asyncio.Lock()

    async def start(self, listener: BridgeListener) -> None:
        self._client = redis.from_url(self.url)
        self._pubsub = self._client.pubsub()
        await self._pubsub.psubscribe(CHANNEL_PREFIX + "*")
        self._tasks = [
            asyncio.create_task(self._receive(listener), name="world-bridge-receive"),
            asyncio.create_task(self._send(), name="world-bridge-send"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._client is not None:
            await self._client.aclose()

    async def allocate_client_id(self) -> int:
        async with self._id_lock:
            if self._next_id > self._last_id:
                assert self._client is not None
                last = int(await self._client.incrby(ID_COUNTER, ID_BLOCK))
                self._next_id, self._last_id = last - ID_BLOCK + 1, last
            client_id = self._next_id
            self._next_id += 1
            return client_id

    def publish(self, space_key: str, event: list[Any]) -> None:
        self._outbox.append((CHANNEL_PREFIX + space_key, msgpack.packb([self.node, event])))
        self._wake.set()

    async def _send(self) -> None:
        assert self._client is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._outbox = self._outbox, []
            if not batch:
                continue
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, data in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
            except (redis.RedisError, OSError):
                log.exception("world events not published", extra={"events": len(batch)})

    async def _receive(self, listener: BridgeListener) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True,
                                                         timeout=1.0)
            except (redis.RedisError, OSError):
                log.exception("world bridge lost its subscription; retrying")
                await asyncio.sleep(1.0)
                continue
            if message is None or message.get("type") != "pmessage":
                continue
            self._deliver(listener, message)

    def _deliver(self, listener: BridgeListener, message: dict[str, Any]) -> None:
        channel = message["channel"]
        space = (channel.decode() if isinstance(channel, bytes) else channel)
        space = space.removeprefix(CHANNEL_PREFIX)
        try:
            node, event = msgpack.unpackb(message["data"])
        except (ValueError, TypeError, msgpack.UnpackException):
            log.warning("undecodable world event dropped")
            return
        if node != self.node and isinstance(event, list) and len(event) >= 2:
            listener.on_remote_event(space, event)
