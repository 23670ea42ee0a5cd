"""Back-pressure: a client that stops reading is disconnected with a reason, and the others
keep receiving on time meanwhile."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import time
from collections.abc import AsyncIterator

import pytest

from cityverse.core.config import Settings
from cityverse.realtime.protocol import Chat, ChatScope, Hello, MessageType
from cityverse.realtime.ratelimit import DEFAULT_LIMITS, Limit
from cityverse.realtime.sendqueue import SendQueueLimits
from realtime.world_support import SPACE, LiveWorld, WorldClient, serve_world, world_test_config

LINE = "长" * 500  # the longest chat line: 1.5 KB on the wire


@pytest.fixture
async def flood_world(settings: Settings) -> AsyncIterator[LiveWorld]:
    limits = {**DEFAULT_LIMITS, MessageType.CHAT: Limit(10_000, 10_000)}
    config = world_test_config(settings, rate_limits=limits,
                               queue_limits=SendQueueLimits(max_bytes=256 * 1024))
    async for live in serve_world(settings, config):
        yield live


async def test_client_that_stops_reading_is_dropped_and_others_are_not_slowed(
    flood_world: LiveWorld,
) -> None:
    live = flood_world
    speaker = await live.join_as("speaker1")
    fast = await live.join_as("fast1")
    stalled = await stalled_client(int(live.base.rsplit(":", 1)[1]))
    try:
        await _flood_and_check(live, speaker, fast)
    finally:
        stalled.close()
        await speaker.close()
        await fast.close()


async def _flood_and_check(live: LiveWorld, speaker: WorldClient, fast: WorldClient) -> None:
    server = live.app.state.world
    instance = server.spaces[SPACE][f"{SPACE}#1"]
    await fast.wait_for(lambda: len(instance.members) == 3)
    stalled_id = max(instance.members)

    lines = 4000  # about 6 MB for each listener: far beyond any socket buffer
    started = time.monotonic()
    for n in range(lines):
        await speaker.ws.send(Chat(ChatScope.HALL, f"{n:05d}{LINE[5:]}").encode())
    await fast.wait_for(lambda: len(fast.chats) == lines, seconds=30)
    fast_seconds = time.monotonic() - started

    member = instance.members.get(stalled_id)
    assert member is None or not member.attached
    assert [int(c.text[:5]) for c in fast.chats] == list(range(lines))
    assert fast_seconds < 30
    assert fast.close_code is None  # the reader was never dropped


async def stalled_client(port: int) -> socket.socket:
    """A WebSocket client that joins, then never reads: a raw socket with a tiny receive
    buffer, so the server's writes to it block within a few kilobytes."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /ws/world/{SPACE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n")
    await loop.sock_sendall(sock, request.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += await loop.sock_recv(sock, 1)
    assert response.startswith(b"HTTP/1.1 101")
    payload = Hello(SPACE, None, "卡住的人", None).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    await loop.sock_sendall(sock, bytes([0x82, 0x80 | len(payload)]) + mask + masked)
    return sock
