"""The city view's live feed: ``/ws/twin`` pushes the changed entities of the default tenant
(id, type, changed values, observedAt) to every connected viewer.

The notifier hands each committed batch of changes to `LiveFeed.publish`, which only puts it
into a bounded inbox; one task turns batches into JSON frames and copies each frame into every
viewer's own bounded queue. A viewer that falls behind loses its oldest frames (a newer frame
carries newer values), so neither the broker nor the other viewers ever wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from cityverse.core.auth.deps import websocket_principal
from cityverse.core.auth.policy import SIGNED_IN
from cityverse.modules.twin.changes import Change
from cityverse.modules.twin.models import DEFAULT_TENANT
from cityverse.modules.twin.ngsild.terms import TermMap
from cityverse.modules.twin.view import update_of

log = logging.getLogger("cityverse.twin.feed")
PATH = "/ws/twin"
INBOX_LIMIT = 1_000  # batches waiting to be encoded; beyond it the oldest are dropped
VIEWER_QUEUE_LIMIT = 64  # frames waiting for one viewer
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class Viewer:
    """One connected page: its pending frames, oldest dropped first when it falls behind."""

    def __init__(self, limit: int = VIEWER_QUEUE_LIMIT) -> None:
        self._frames: deque[str] = deque(maxlen=limit)
        self._ready = asyncio.Event()
        self.dropped = 0

    def offer(self, frame: str) -> None:
        if len(self._frames) == self._frames.maxlen:
            self.dropped += 1
        self._frames.append(frame)
        self._ready.set()

    async def next_frame(self) -> str:
        while not self._frames:
            self._ready.clear()
            await self._ready.wait()
        return self._frames.popleft()


class LiveFeed:
    def __init__(self, terms: TermMap) -> None:
        self._terms = terms
        self._inbox: deque[list[Change]] = deque(maxlen=INBOX_LIMIT)
        self._waiting = asyncio.Event()
        self._viewers: set[Viewer] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="twin-live-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def publish(self, changes: list[Change]) -> None:
        """The notifier's listener: called after commit, must not wait."""
        if not self._viewers:
            return
        ours = [change for change in changes if change.tenant == DEFAULT_TENANT]
        if ours:
            self._inbox.append(ours)
            self._waiting.set()

    def join(self) -> Viewer:
        viewer = Viewer()
        self._viewers.add(viewer)
        return viewer

    def leave(self, viewer: Viewer) -> None:
        self._viewers.discard(viewer)

    async def _run(self) -> None:
        while True:
            while not self._inbox:
                self._waiting.clear()
                await self._waiting.wait()
            batch = self._inbox.popleft()
            try:
                frame = await self._frame(batch)
            except Exception:  # a change that cannot be described must not stop the feed
                log.exception("a live update could not be encoded")
                continue
            for viewer in list(self._viewers):
                viewer.offer(frame)

    async def _frame(self, batch: list[Change]) -> str:
        entities = []
        for change in batch:
            if change.deleted:
                entities.append({"id": change.entity.id, "deleted": True})
            else:
                entities.append(await update_of(change.entity, change.attrs, self._terms))
        return json.dumps({"kind": "update", "entities": entities}, ensure_ascii=False)


async def may_view(websocket: WebSocket) -> int | None:
    """None when the caller may read the twin (the API's read policy), else the close code."""
    found = await websocket_principal(websocket)
    if found is None:
        return CLOSE_NOT_AUTHENTICATED
    allowed, _ = found[0].allowed(SIGNED_IN)
    return None if allowed else CLOSE_FORBIDDEN


async def twin_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    refusal = await may_view(websocket)
    if refusal is not None:
        await websocket.close(refusal, "not_authenticated" if refusal ==
                              CLOSE_NOT_AUTHENTICATED else "forbidden")
        return
    feed: LiveFeed = websocket.app.state.twin_feed
    viewer = feed.join()
    await websocket.send_text(json.dumps({"kind": "hello"}))  # before the writer may send
    writer = asyncio.create_task(_write(websocket, viewer), name="twin-viewer")
    try:
        while True:  # viewers send nothing; reading notices when they leave
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        feed.leave(viewer)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer


async def _write(websocket: WebSocket, viewer: Viewer) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        while True:
            await websocket.send_text(await viewer.next_frame())


ROUTE = WebSocketRoute(PATH, twin_socket, name="twin-feed")
