"""The world server for this city's spaces: built from the settings, fed the spaces' rules and
the city pack's word list, and started with the app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from cityverse.core.config import Settings
from cityverse.modules.spaces import service
from cityverse.realtime import ws
from cityverse.realtime.bridge import Bridge
from cityverse.realtime.config import SpaceRules, WorldConfig
from cityverse.realtime.redis_bridge import RedisBridge
from cityverse.realtime.server import WorldServer

# The WebSocket route authenticates each visitor itself (cookie, bearer token or guest) and
# applies the space's rules; it has no HTTP policy, so it is kept apart from the API router.
RULES_CACHE_SECONDS = 2.0

socket_router = APIRouter()
socket_router.routes.append(ws.ROUTE)


def world_config(settings: Settings) -> WorldConfig:
    return WorldConfig(
        tick_hz=settings.world_tick_hz, full_rate_cap=settings.world_full_rate_cap,
        low_rate_cap=settings.world_low_rate_cap, low_rate_every=settings.world_low_rate_every,
        view_range_m=settings.world_view_range_m, resume_seconds=settings.world_resume_seconds,
        banned_words=tuple(service.sensitive_words(settings.city)),
    )


class RulesCache:
    """Space rules for joins, reused for a moment: a crowd arriving at once costs one query,
    not one database connection each. A settings change in this process is seen at once."""

    def __init__(self, seconds: float = RULES_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, int, SpaceRules | None]] = {}
        self._lock = asyncio.Lock()

    async def get(
        self, key: str, load: Callable[[], Awaitable[SpaceRules | None]]
    ) -> SpaceRules | None:
        async with self._lock:
            found = self._entries.get(key)
            now = time.monotonic()
            if found and now - found[0] < self.seconds and found[1] == service.settings_version:
                return found[2]
            version = service.settings_version
            rules = await load()
            self._entries[key] = (now, version, rules)
            return rules


@asynccontextmanager
async def world_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    sessionmaker = app.state.sessionmaker

    cache = RulesCache()

    async def rules(key: str) -> SpaceRules | None:
        return await cache.get(key, lambda: service.world_rules(sessionmaker, settings.city, key))

    bridge = RedisBridge(settings.redis_url) if settings.redis_url else Bridge()
    # Tests and the bench may set app.state.world_config before start-up to tune the server.
    config = getattr(app.state, "world_config", None) or world_config(settings)
    server = WorldServer(config, rules, sessionmaker, bridge)
    app.state.world = server
    await server.start()
    try:
        yield
    finally:
        await server.stop()
