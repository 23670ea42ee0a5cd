"""How world-server processes share rooms. In one process nothing needs sharing; with
CITYVERSE_REDIS_URL set, ``RedisBridge`` (realtime/redis_bridge.py) carries joins, poses,
chat and moderation between processes over Redis pub/sub.

Events are msgpack arrays ``[kind, instance_id, ...]``; see docs/protocol.md, "Several processes".
"""

from __future__ import annotations

import itertools
from typing import Any, Protocol


class BridgeListener(Protocol):
    def on_remote_event(self, space_key: str, event: list[Any]) -> None:
        """Apply an event published by another process."""


class Bridge:
    """The in-process bridge: client ids from a local counter, events go nowhere."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    async def start(self, listener: BridgeListener) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def allocate_client_id(self) -> int:
        return next(self._ids)

    def publish(self, space_key: str, event: list[Any]) -> None:
        return None
