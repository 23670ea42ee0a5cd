"""A small world-server client for tests: joins, keeps the decoded world, collects messages."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import delete
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cityverse.app import create_app
from cityverse.core.auth import service as accounts
from cityverse.core.auth.policy import Role
from cityverse.core.config import Settings
from cityverse.core.ratelimit import RateLimiter
from cityverse.migrations.all_models import metadata
from cityverse.modules.spaces import world
from cityverse.realtime.config import WorldConfig
from cityverse.realtime.delta import DeltaDecoder, World
from cityverse.realtime.protocol import (
    Ack,
    AvatarInfo,
    Chat,
    ChatScope,
    Emote,
    Error,
    Hello,
    Moderation,
    Pose,
    Welcome,
    WorldUpdate,
    decode_message,
)
from harness.ports import free_port
from tests_support import PASSWORD

SPACE = "cloud-living-room"


class Refused(Exception):
    def __init__(self, error: Error | None, code: int | None) -> None:
        super().__init__(f"{error} close={code}")
        self.error = error
        self.close_code = code


class WorldClient:
    def __init__(self, ws: ClientConnection, welcome: Welcome) -> None:
        self.ws = ws
        self.welcome = welcome
        self.client_id = welcome.client_id
        self.decoder = DeltaDecoder()
        self.world: World = {}
        self.names: dict[int, str] = {}
        self.chats: list[Chat] = []
        self.emotes: list[Emote] = []
        self.errors: list[Error] = []
        self.moderation: list[Moderation] = []
        self.updates = 0
        self.close_code: int | None = None
        self.close_reason = ""
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def join(
        cls, base: str, space: str = SPACE, *, cookie: str | None = None,
        hint: str | None = None, guest_name: str | None = None, resume: str | None = None,
        hello_space: str | None = None, **options: Any,
    ) -> WorldClient:
        headers = {"Cookie": f"cv_session={cookie}"} if cookie else {}
        ws = await connect(f"{base}/ws/world/{space}", additional_headers=headers, **options)
        await ws.send(Hello(hello_space or space, hint, guest_name, resume).encode())
        error: Error | None = None
        try:
            while True:
                message = decode_message(await asyncio.wait_for(ws.recv(), 5))
                if isinstance(message, Welcome):
                    return cls(ws, message)
                if isinstance(message, Error):
                    error = message
        except ConnectionClosed as closed:
            raise Refused(error, closed.rcvd.code if closed.rcvd else None) from None

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                assert isinstance(data, bytes)
                message = decode_message(data)
                self._apply(message)
                if isinstance(message, WorldUpdate):
                    await self.ws.send(Ack(self.decoder.latest_tick).encode())
        except ConnectionClosed:
            pass
        rcvd = self.ws.close_code
        self.close_code = rcvd
        self.close_reason = self.ws.close_reason or ""

    def _apply(self, message: Any) -> None:
        match message:
            case WorldUpdate():
                self.world = self.decoder.receive(message)
                self.updates += 1
            case AvatarInfo():
                self.names[message.client_id] = message.name
            case Chat():
                self.chats.append(message)
            case Emote():
                self.emotes.append(message)
            case Error():
                self.errors.append(message)
            case Moderation():
                self.moderation.append(message)

    async def wait_for(self, predicate: Callable[[], object], seconds: float = 5.0) -> None:
        deadline = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.02)

    async def wait_closed(self, seconds: float = 5.0) -> int | None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), seconds)
        return self.close_code

    async def move(self, x: float, z: float, heading: float = 0.0, animation: int = 1) -> None:
        await self.ws.send(Pose.from_metres(x, 0.0, z, heading, animation).encode())

    async def say(self, text: str, scope: ChatScope = ChatScope.HALL) -> None:
        await self.ws.send(Chat(scope, text).encode())

    async def send(self, frame: bytes) -> None:
        await self.ws.send(frame)

    def error_codes(self) -> list[str]:
        return [e.code for e in self.errors]

    async def close(self) -> None:
        await self.ws.close()
        with contextlib.suppress(Exception):
            await self._reader


async def login_cookie(http: httpx.AsyncClient, username: str) -> str:
    response = await http.post("/api/auth/login", json={"username": username,
                                                        "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = response.cookies.get("cv_session")
    http.cookies.clear()  # each test client passes its own cookie
    assert cookie
    return cookie


@dataclass
class LiveWorld:
    app: FastAPI
    base: str
    http: httpx.AsyncClient

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://")

    async def user(self, username: str, *roles: Role) -> tuple[int, str]:
        """Create a user and sign in: (user id, session cookie)."""
        async with self.app.state.sessionmaker() as session, session.begin():
            user = await accounts.create_user(
                session, username=username, password=PASSWORD, display_name=username,
                roles=list(roles) or [Role.VISITOR],
            )
            user_id = user.id
        return user_id, await login_cookie(self.http, username)

    async def join_as(self, username: str, *roles: Role, **options: Any) -> WorldClient:
        _, cookie = await self.user(username, *roles)
        return await WorldClient.join(self.ws_base, cookie=cookie, **options)


def world_test_config(settings: Settings, **overrides: object) -> WorldConfig:
    defaults: dict[str, object] = {"tick_hz": 20, "resume_seconds": 2.0,
                                   "writer_stall_seconds": 1.0}
    return replace(world.world_config(settings), **{**defaults, **overrides})  # type: ignore[arg-type]


async def serve_world(settings: Settings, config: WorldConfig) -> AsyncIterator[LiveWorld]:
    application = create_app(settings)
    application.state.world_config = config
    async with application.router.lifespan_context(application):
        async with application.state.sessionmaker() as session, session.begin():
            for table in reversed(metadata.sorted_tables):
                await session.execute(delete(table))
        for limiter in RateLimiter.instances:
            limiter.reset()
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                               lifespan="off", log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for this
            await asyncio.sleep(0.01)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as http:
            yield LiveWorld(application, base, http)
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), 5)
        except TimeoutError:
            # A connection that never closes (the stalled-client test) must not hang teardown.
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


