"""The world server's WebSocket endpoint: ``/ws/world/{space}``.

A reader task turns frames into server calls; a writer task drains the member's send queue,
so a slow socket only ever holds up its own writer. Authentication uses the same session
cookie or bearer token as the HTTP API; without either the visitor joins as a guest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from cityverse.core.auth.deps import SESSION_COOKIE, websocket_principal
from cityverse.core.auth.policy import Role
from cityverse.realtime.instance import CloseCode, Member
from cityverse.realtime.protocol import Error, Hello, ProtocolError, decode_message
from cityverse.realtime.sendqueue import QueueClosed
from cityverse.realtime.server import Identity, JoinRefused, WorldServer

log = logging.getLogger("cityverse.realtime")

PATH = "/ws/world/{space}"


async def authenticate(websocket: WebSocket) -> Identity | None:
    found = await websocket_principal(websocket)
    if found is None:
        return None
    principal, user = found
    return Identity(principal.user_id, principal.username, user.display_name or user.username,
                    is_admin=Role.ADMIN in principal.roles)


async def close_with(websocket: WebSocket, code: int, error: str, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_bytes(Error(error, reason[:200]).encode())
        await websocket.close(code, reason[:120])


async def world_socket(websocket: WebSocket) -> None:
    server: WorldServer = websocket.app.state.world
    space = websocket.path_params["space"]
    await websocket.accept()
    hello = await read_hello(websocket, server.config.hello_timeout_seconds)
    if hello is None:
        return
    try:
        identity = await authenticate(websocket)
        if identity is None and _sent_credentials(websocket):
            raise JoinRefused("not_authenticated", CloseCode.SIGN_IN_REQUIRED,
                              "the session or token is not valid")
        member = await server.join(space, hello, identity)
    except JoinRefused as refused:
        await close_with(websocket, refused.close_code, refused.code, refused.reason)
        return
    writer = asyncio.create_task(write_loop(websocket, member), name="world-writer")

    def abort_writer() -> None:
        writer.cancel()

    member.on_drop = abort_writer
    try:
        await read_loop(websocket, server, member, writer)
    finally:
        server.connection_lost(member)
        if not writer.done():
            writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer
        if websocket.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close(member.close_code)


def _sent_credentials(websocket: WebSocket) -> bool:
    return bool(websocket.headers.get("authorization") or websocket.cookies.get(SESSION_COOKIE))


async def read_hello(websocket: WebSocket, wait_seconds: float) -> Hello | None:
    try:
        message = await asyncio.wait_for(websocket.receive(), wait_seconds)
    except TimeoutError:
        await close_with(websocket, CloseCode.HELLO_TIMEOUT, "hello_timeout",
                         "no hello in time")
        return None
    if message["type"] == "websocket.disconnect":
        return None
    data = message.get("bytes")
    if data is None:
        await close_with(websocket, CloseCode.UNSUPPORTED_DATA, "bad_shape",
                         "frames are binary msgpack")
        return None
    try:
        hello = decode_message(data)
    except ProtocolError as error:
        await close_with(websocket, CloseCode.PROTOCOL_ERROR, error.code, error.detail)
        return None
    if not isinstance(hello, Hello):
        await close_with(websocket, CloseCode.PROTOCOL_ERROR, "expected_hello",
                         "the first frame must be hello")
        return None
    return hello


async def read_loop(
    websocket: WebSocket, server: WorldServer, member: Member, writer: asyncio.Task[None]
) -> None:
    """Read and apply frames until the client goes away or the writer ends.

    Frames are awaited directly, not through a task and ``asyncio.wait`` per message (that
    cost more than handling a pose); the writer ending cancels this read instead.
    """
    reader = asyncio.current_task()
    state = {"reading": True, "stopped_by_writer": False}

    def stop_reading(_: asyncio.Task[None]) -> None:
        if state["reading"] and reader is not None:
            state["stopped_by_writer"] = True
            reader.cancel()

    writer.add_done_callback(stop_reading)
    try:
        await _read_frames(websocket, server, member)
    except asyncio.CancelledError:
        if not state["stopped_by_writer"] or reader is None:
            raise
        reader.uncancel()
    finally:
        state["reading"] = False
        writer.remove_done_callback(stop_reading)


async def _read_frames(websocket: WebSocket, server: WorldServer, member: Member) -> None:
    receive = websocket.receive
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("bytes")
        if data is None:
            member.close(CloseCode.UNSUPPORTED_DATA, "frames are binary msgpack")
            continue
        try:
            await server.handle(member, data)
        except ProtocolError as error:
            member.send_error(error.code, error.detail)
            member.close(CloseCode.PROTOCOL_ERROR, "malformed frame", resumable=True)
        # receive() returns buffered frames without suspending: yield once per frame so a
        # client sending fast cannot starve the writers (and the tick) of the event loop.
        await asyncio.sleep(0)


async def write_loop(websocket: WebSocket, member: Member) -> None:
    queue = member.queue
    try:
        while True:
            frame = await queue.get()
            member.writing_since = time.monotonic()
            await websocket.send_bytes(frame)
            member.writing_since = None
    except QueueClosed:
        reason = queue.disconnect_reason or ""
        code = CloseCode.TOO_SLOW if queue.disconnect_reason and member.close_code == \
            CloseCode.NORMAL else member.close_code
        with contextlib.suppress(Exception):
            await websocket.close(code, reason[:120])
    except (WebSocketDisconnect, RuntimeError, OSError):
        return


ROUTE = WebSocketRoute(PATH, world_socket, name="world")
